"""History tracking for registry rows (django-pghistory).

Postgres triggers write an event row for every insert, update and delete,
whoever issued it: the ORM, bulk_update, queryset.update() or raw SQL. The
request middleware and ``history_context`` tag each event with who did it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pghistory

M = TypeVar("M")

# pghistory's trigger level for tables written in bulk: one history INSERT
# per statement (from the statement's transition table) instead of one
# trigger call per row. The rows written are the same either way.
STATEMENT = pghistory.Statement


def track(**kwargs: Any) -> Callable[[M], M]:
    """Track inserts, updates (only when a tracked field changed) and deletes."""
    decorator: Callable[[M], M] = pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs
    )
    return decorator


def history_context(*, actor: Any = None, **extra: Any) -> pghistory.context:
    """Attribute every history row written inside the block to ``actor`` (and
    any extra keys, such as an import job's id)."""
    values = dict(extra)
    if actor is not None and getattr(actor, "pk", None) is not None:
        values["user"] = actor.pk
        values["username"] = actor.get_username()
    return pghistory.context(**values)
