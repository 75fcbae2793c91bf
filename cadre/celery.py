"""The Celery application.

Broker: Redis from REDIS_URL. Without REDIS_URL the broker is kombu's
filesystem transport under var/celery: a real worker process with real
queues and no server to install, so background jobs behave the same way
(asynchronous, with progress recorded on job rows) in the embedded setup.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre.settings")

app = Celery("cadre")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
