"""The Job base: what every background job row has in common.

An import, an export and a check run are each a row that a worker moves
through its statuses while a page polls it: a status, a message for the
user (why it failed, what it did), when it was asked for and when it
ended, and how far it has got. Subclasses narrow ``status`` with their own
choices and say which statuses are final and which count as complete.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone


class Job(models.Model):
    status = models.CharField("状态", max_length=12)
    message = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    # Statuses the job never leaves, and those shown as 100 %.
    FINAL_STATUSES: ClassVar[tuple[str, ...]] = ()
    COMPLETE_STATUSES: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    def progress(self) -> tuple[int, int] | None:
        """(done, total), or None when the job does not count its steps."""
        return None

    @property
    def progress_percent(self) -> int:
        if self.status in self.COMPLETE_STATUSES:
            return 100
        counted = self.progress()
        if counted is None or not counted[1]:
            return 0
        done, total = counted
        return min(100, done * 100 // total)


class RowJob(Job):
    """A job that counts the rows it has processed."""

    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)

    class Meta:
        abstract = True

    def progress(self) -> tuple[int, int] | None:
        return self.rows_done, self.rows_total

    @classmethod
    def progress_writer(cls, pk: Any, *, every: float = 0.5) -> Callable[[int, int], None]:
        return throttled_progress(cls, pk, every=every)


def throttled_progress(model: type[models.Model], pk: Any, *, every: float = 0.5) -> Callable[[int, int], None]:
    """A progress callback for a background job: (done, total) written to
    the job row at most every ``every`` seconds, and always at the end, so
    that the page's progress bar moves without a write per row."""
    last = [timezone.now()]

    def write(done: int, total: int) -> None:
        now = timezone.now()
        if (now - last[0]).total_seconds() < every and done < total:
            return
        last[0] = now
        model._default_manager.filter(pk=pk).update(rows_done=done, rows_total=total)

    return write
