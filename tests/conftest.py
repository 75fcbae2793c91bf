from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    # The manifest storage needs collectstatic; tests render templates without it.
    # Hashing a password the production way takes ~0.3 s; tests make many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
