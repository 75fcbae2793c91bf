from typing import Any

from django.http import HttpRequest

from accounts.access import scope_of


def actor(request: HttpRequest) -> dict[str, Any]:
    """Expose the actor's scope to templates (for the navigation)."""
    return {"actor_scope": scope_of(request.user)}
