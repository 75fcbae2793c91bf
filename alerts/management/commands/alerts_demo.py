"""manage.py alerts_demo: the demo's influence records, and a first check
run when none has ever run (so the demo shows alerts before the first
night; the worker takes it when it starts)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.access import SYSTEM
from alerts import services
from alerts.demo import seed_influence_records
from alerts.models import CheckRun
from personnel.demo import demo_roots


class Command(BaseCommand):
    help = "为演示数据生成诫勉和处分记录，并在从未检查过时发起一次预警检查"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-run", action="store_true", help="只生成记录，不发起检查")

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_roots().exists():
            self.stdout.write("没有演示数据，未生成诫勉和处分记录")
        else:
            added = seed_influence_records(as_of=timezone.localdate())
            self.stdout.write(f"诫勉和处分记录：新增 {added} 条")
        if not options["no_run"] and not CheckRun.objects.exists():
            run = services.run_start(actor=SYSTEM, trigger="manual")
            self.stdout.write(f"已发起预警检查 #{run.pk}，后台任务启动后执行")
