"""``manage.py demo_data``: generate a synthetic county for demonstrations,
training and load tests (see ``personnel.demo``)."""

from __future__ import annotations

import argparse
import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from personnel.demo import DEFAULT_SEED, DEFAULT_SIZE, MAX_SIZE, MIN_SIZE, DemoDataError, demo_data_generate

# Progress lines only for runs long enough to want them.
PROGRESS_FROM = 50_000


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


class Command(BaseCommand):
    help = (
        "生成演示数据：一个虚构的县（规模大时为市或省）的单位、领导班子、领导职数和干部，"
        "含学历、简历、任职、家庭成员、奖惩和年度考核。相同的随机种子和规模生成相同的数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            type=int,
            default=DEFAULT_SIZE,
            help=f"干部总数（{MIN_SIZE}–{MAX_SIZE}，默认 {DEFAULT_SIZE}）",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument("--reset", action="store_true", help="先删除已有的演示数据（保留其根单位）")
        parser.add_argument(
            "--as-of", type=_date, default=None, help="计算年龄、任职年限的基准日期 YYYY-MM-DD（默认当年1月1日）"
        )
        parser.add_argument(
            "--with-history",
            action="store_true",
            help="为每一行写入历史记录（默认不写：批量演示数据，写入更慢且约占两倍磁盘）",
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="每批写入的干部数（默认 5000）")

    def handle(self, *args: Any, **options: Any) -> None:
        size: int = options["size"]
        verbose = options["verbosity"] >= 1 and size >= PROGRESS_FROM
        step = max(size // 10, 1)
        reported = 0

        def progress(done: int, total: int) -> None:
            nonlocal reported
            if verbose and (done - reported >= step or done == total):
                reported = done
                self.stdout.write(f"  已生成 {done:,} / {total:,} 名干部")

        try:
            summary = demo_data_generate(
                size=size,
                seed=options["seed"],
                as_of=options["as_of"],
                reset=options["reset"],
                keep_history=options["with_history"],
                batch_size=options["batch_size"],
                progress=progress,
            )
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] < 1:
            return
        lines = summary.lines()
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)
