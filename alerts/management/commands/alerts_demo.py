"""manage.py alerts_demo: a first check run when none has ever run (so the
demo shows alerts before the first night; the worker takes it when it
starts). The demo's sanctions come from ``manage.py oversight_demo``, which
``scripts/run`` calls first."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.access import SYSTEM
from alerts import services
from alerts.models import CheckRun


class Command(BaseCommand):
    help = "在从未检查过时发起一次预警检查"

    def handle(self, *args: Any, **options: Any) -> None:
        if CheckRun.objects.exists():
            self.stdout.write("已有预警检查记录，未发起新的检查")
            return
        run = services.run_start(actor=SYSTEM, trigger="manual")
        self.stdout.write(f"已发起预警检查 #{run.pk}，后台任务启动后执行")
