"""manage.py oversight_demo: the demo's sanctions and 诫勉, derived from the
demo registry (``demo_data``). Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from oversight.demo import seed_influence_records
from personnel.demo import demo_roots


class Command(BaseCommand):
    help = "为演示数据生成诫勉和处分记录"

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_roots().exists():
            self.stdout.write("没有演示数据，未生成诫勉和处分记录")
            return
        added = seed_influence_records(as_of=timezone.localdate())
        self.stdout.write(f"诫勉和处分记录：新增 {added} 条")
