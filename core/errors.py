"""The one user-facing error type.

A service that refuses a request for a reason the user can act on raises
``UserError`` (or a subclass naming the case) with a Chinese sentence.
Pages show ``message`` as it is (a message banner or a form error); the API
answers ``{"detail": message}`` with ``status_code``. Django's
``ValidationError`` (field-level problems of a form or serializer) and
``PermissionDenied`` stay what they are; ``user_messages`` flattens all
three into the sentences a page shows, so a page and the API say the same.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


class UserError(Exception):
    """A refused request; ``message`` is for the user, in Chinese."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConflictError(UserError):
    """The request clashes with the current state (a job already running, a
    job already committed): trying again later may succeed."""

    status_code = 409


def user_messages(exc: Exception) -> list[str]:
    """The sentences a page shows for a refused request."""
    if isinstance(exc, UserError):
        return [exc.message]
    if isinstance(exc, ValidationError):
        return [str(message) for message in exc.messages]
    if isinstance(exc, PermissionDenied):
        return [str(exc) or "没有权限执行该操作"]
    return [str(exc)]
