from typing import Any

from django.core.management.base import BaseCommand

from personnel.codes import sync_codes


class Command(BaseCommand):
    help = "从随产品发布的数据文件加载代码表（新增、更新；文件中已没有的代码停用，不删除）。"

    def handle(self, *args: Any, **options: Any) -> None:
        report = sync_codes()
        for table, count in report.counts.items():
            self.stdout.write(
                f"{table} {report.names[table]}：{count} 条"
                f"（新增 {report.created[table]}，更新 {report.updated[table]}，停用 {report.deactivated[table]}）"
            )
        total = sum(report.counts.values())
        self.stdout.write(self.style.SUCCESS(f"代码表加载完成：{len(report.counts)} 个代码表，共 {total} 条代码。"))
