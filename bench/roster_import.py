"""Benchmark: the roster import and export with a 100,000-row, 25-column roster.

What it measures, in one run, on this machine:

- the floor: reading the file with calamine, plus COPY of its raw cells into
  a staging table and one ``INSERT … ON CONFLICT`` merge into a plain table
  (no validation, no history) — what any import must at least spend;
- validation of the file against an empty registry (all rows new): the
  real job, ``imports.validation.validate_job``, as the worker runs it;
- the commit of those 100,000 new people (with their education rows and
  the history rows the triggers write);
- validation of the same file again (all unchanged: the idempotent re-upload);
- validation and commit of a file in which every person changed (现任职务 and
  任现职时间): the UPDATE path with history;
- the export of the 100,000 people in the template's format;
- peak memory (RSS) of the process.

Targets (issue 4): validation ≤ 8 s, commit ≤ 10 s including history rows,
peak memory ≤ 1 GiB, export ≤ 15 s. Nothing is asserted: figures are printed
with their ratio to the floor.

Run on a database of its own (it empties the registry tables there)::

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cadre_bench SECRET_KEY=x \\
        python bench/roster_import.py --rows 100000
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre.settings")


def _rss_mb() -> float:
    """Peak resident memory of this process. VmHWM, not getrusage: Linux
    carries ru_maxrss across exec, so a child would report its parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="the slowest statements of each commit")
    parser.add_argument("--run-job", nargs=2, metavar=("STEP", "JOB"), help=argparse.SUPPRESS)
    parser.add_argument("--profile", default="", help="profile one validation: all-new, same-file-again or all-changed")
    args = parser.parse_args()

    import django

    django.setup()
    if args.run_job:
        _run_job(*args.run_job)
        return
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to run on database {name!r}: use a database of its own whose name contains 'bench'")
    call_command("migrate", verbosity=0)
    _reset(connection)

    from accounts.models import Role
    from imports.commit import commit_job
    from imports.exports import export_roster
    from imports.models import ImportFile, ImportJob, ImportStatus
    from imports.roster import TEMPLATE_FIELDS
    from imports.validation import validate_job
    from personnel.models import Cadre
    from tests.factories import make_jurisdiction, make_unit, make_user

    root = make_unit("基准县")
    units = [make_unit(f"基准单位{i:02d}", parent=root) for i in range(20)]
    staff = make_user("bench_staff", Role.ORG_STAFF, jurisdiction=make_jurisdiction("基准县委组织部", root))

    started = time.perf_counter()
    rows = _synthetic_rows(args.rows, [u.name for u in units], random.Random(args.seed))
    data = _write(rows)
    print(f"roster: {args.rows:,} rows x {len(rows[0]) - 1} columns + 序号, {len(data) / 1e6:.1f} MB "
          f"(generated in {time.perf_counter() - started:.1f} s)")  # fmt: skip

    floor_read, floor_copy = _floor(data, connection)
    floor = floor_read + floor_copy
    print(f"floor: read {floor_read:.2f} s + COPY and merge {floor_copy:.2f} s = {floor:.2f} s")

    def timed_job(label: str, payload: bytes) -> ImportJob:
        job = ImportJob.objects.create(
            uploaded_by=staff, unit=root, filename=f"{label}.xlsx", file_size=len(payload), file_sha256=label
        )
        ImportFile.objects.create(job=job, data=payload)
        if args.profile == label:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(validate_job, job.pk)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
            ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PENDING)
        seconds, rss = _in_worker("validate", job.pk)
        job.refresh_from_db()
        print(
            f"validation ({label}): {seconds:.2f} s = {seconds / floor:.1f}x floor  "
            f"[new {job.count_new:,}, changed {job.count_changed:,}, unchanged {job.count_unchanged:,}, "
            f"invalid {job.count_invalid:,}; peak RSS of the worker process {rss:.0f} MB]"
        )
        if job.status != ImportStatus.VALIDATED:
            sys.exit(f"validation failed: {job.message}")
        return job

    def timed_commit(job: ImportJob) -> None:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.COMMITTING, committed_by=staff)
        timings: list[tuple[float, str]] = []

        def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append((time.perf_counter() - start, " ".join(sql.split())[:90]))

        if args.verbose:
            with connection.execute_wrapper(timer):
                t0 = time.perf_counter()
                job = commit_job(job.pk)
                seconds, rss = time.perf_counter() - t0, _rss_mb()
        else:
            seconds, rss = _in_worker("commit", job.pk)
            job.refresh_from_db()
        if args.verbose:
            for took, sql in sorted(timings, reverse=True)[:8]:
                print(f"    {took:6.2f} s  {sql}")
        events = _count(connection, "personnel_cadreevent") + _count(connection, "personnel_educationevent")
        print(
            f"commit ({job.filename}): {seconds:.2f} s = {seconds / floor:.1f}x floor  "
            f"[{job.status}; history rows in total now {events:,}; peak RSS {rss:.0f} MB]"
        )
        if job.status != ImportStatus.COMMITTED:
            sys.exit(f"commit failed: {job.message}")

    new = timed_job("all-new", data)
    timed_commit(new)
    timed_job("same-file-again", data)
    for row in rows:
        row["现任职务"] = row["现任职务"] + "（调整）"
        row["任现职时间"] = "2026.10"
    changed = timed_job("all-changed", _write(rows))
    timed_commit(changed)

    t0 = time.perf_counter()
    output = io.BytesIO()
    from accounts.access import scope_of

    export_roster(output, Cadre.objects.filter(unit__path__startswith=root.path).order_by("id"), TEMPLATE_FIELDS,
                  scope_of(staff))  # fmt: skip
    seconds = time.perf_counter() - t0
    print(f"export: {seconds:.2f} s = {seconds / floor:.1f}x floor  [{len(output.getvalue()) / 1e6:.1f} MB]")
    print(f"peak RSS of this script (synthetic rows, files, export): {_rss_mb():.0f} MB")


def _in_worker(step: str, job_id: int) -> tuple[float, float]:
    """Run one step in a fresh process, as a Celery worker would: its time
    and its own peak memory, apart from this script's synthetic data."""
    import json
    import subprocess

    out = subprocess.run(  # noqa: S603 - this script, with its own arguments
        [sys.executable, __file__, "--run-job", step, str(job_id)], check=True, capture_output=True, text=True
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["seconds"], result["rss_mb"]


def _run_job(step: str, job_id: str) -> None:
    import json

    from imports.commit import commit_job
    from imports.validation import validate_job

    baseline = _rss_mb()
    t0 = time.perf_counter()
    (validate_job if step == "validate" else commit_job)(int(job_id))
    print(json.dumps({"seconds": time.perf_counter() - t0, "rss_mb": _rss_mb(), "baseline_mb": baseline}))


def _reset(connection: Any) -> None:
    tables = [
        "imports_importrow", "imports_importfile", "imports_importjob", "imports_exportjob",
        "personnel_education", "personnel_educationevent", "personnel_resumeentry", "personnel_postheld",
        "personnel_familymember", "personnel_rewardpunishment", "personnel_appraisal", "personnel_photo",
        "personnel_changerequest", "personnel_cadre", "personnel_cadreevent", "personnel_leadershipquota",
        "personnel_unit", "accounts_roleassignment", "accounts_jurisdiction_root_units", "accounts_jurisdiction",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute("DELETE FROM accounts_user WHERE username = 'bench_staff'")


def _count(connection: Any, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a fixed table name
        return int(cursor.fetchone()[0])


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯鹏飞晨阳欣怡嘉琪思雨子涵梓轩博海波峰林雪"
POSTS = ("科员", "副科长", "科长", "副主任", "主任", "副局长", "局长", "办公室主任", "一级主任科员")


def _synthetic_rows(count: int, unit_names: list[str], rng: random.Random) -> list[dict[str, Any]]:
    from personnel.models import Code, CodeTable
    from personnel.rules import id_number_check_character

    def names(table: str) -> list[str]:
        values = list(Code.objects.filter(table=table, is_active=True).values_list("name", flat=True))
        return [v for v in values if values.count(v) == 1][:40]

    ethnicities = names(CodeTable.ETHNICITY)[:10]
    political = names(CodeTable.POLITICAL)[:4]
    educations = ["大学", "研究生", "大专"]
    degrees = ["法学学士", "经济学学士", "管理学硕士", "工学学士"]
    levels = names(CodeTable.POST_LEVEL)
    ranks = names(CodeTable.RANK)
    places = ["浙江杭州", "浙江宁波", "江苏南京", "山东济南", "河南郑州"]
    rows = []
    used: set[str] = set()
    for i in range(count):
        birth = datetime.date(1962, 1, 1) + datetime.timedelta(days=rng.randrange(0, 14000))
        sex = "1" if rng.random() < 0.6 else "2"
        while True:
            seq = rng.randrange(0, 100)
            body = f"330102{birth:%Y%m%d}{seq:02d}{rng.randrange(0, 5) * 2 + (1 if sex == '1' else 0)}"
            number = body + id_number_check_character(body)
            if number not in used:
                used.add(number)
                break
        work = birth.replace(day=1) + datetime.timedelta(days=365 * 22 + rng.randrange(0, 700))
        post_date = work + datetime.timedelta(days=rng.randrange(365, 7000))
        rows.append(
            {
                "序号": i + 1,
                "姓名": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                "性别": "男" if sex == "1" else "女",
                "民族": rng.choice(ethnicities),
                "出生年月": f"{birth:%Y.%m}",
                "籍贯": rng.choice(places),
                "出生地": rng.choice(places),
                "政治面貌": rng.choice(political),
                "入党时间": f"{work + datetime.timedelta(days=400):%Y.%m}",
                "参加工作时间": f"{work:%Y.%m}",
                "健康状况": "健康",
                "全日制学历": rng.choice(educations),
                "全日制学位": rng.choice(degrees),
                "全日制毕业院校及专业": "浙江大学法学专业",
                "在职学历": "研究生" if rng.random() < 0.3 else None,
                "所在单位": rng.choice(unit_names),
                "现任职务": rng.choice(POSTS),
                "任现职时间": f"{post_date:%Y.%m}",
                "职务层次": rng.choice(levels),
                "任同级职务时间": f"{post_date:%Y.%m}",
                "职级": rng.choice(ranks),
                "任现职级时间": f"{post_date:%Y.%m}",
                "公民身份号码": number,
                "身份类别": "公务员",
                "备注": None,
            }
        )
    return rows


def _write(rows: list[dict[str, Any]]) -> bytes:
    from imports.exports import write_roster
    from imports.roster import TEMPLATE_FIELDS

    fields = [f for f in TEMPLATE_FIELDS if f.label in rows[0]]
    output = io.BytesIO()
    write_roster(output, fields, ([row.get(f.label) for f in fields] for row in rows))
    return output.getvalue()


def _floor(data: bytes, connection: Any) -> tuple[float, float]:
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    read = time.perf_counter() - t0
    width = len(sheet[0])
    t0 = time.perf_counter()
    columns = ", ".join(f"c{i} text" for i in range(width))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_stage ({columns})")
        cursor.execute(f"CREATE TEMP TABLE bench_target ({columns}, PRIMARY KEY (c{width - 3}))")
        with cursor.cursor.copy("COPY bench_stage FROM STDIN") as copy:
            for row in sheet[1:]:
                copy.write_row([None if v == "" else str(v) for v in row])
        key = f"c{width - 3}"
        updates = ", ".join(f"c{i} = EXCLUDED.c{i}" for i in range(width) if f"c{i}" != key)
        merge = f"INSERT INTO bench_target SELECT * FROM bench_stage ON CONFLICT ({key}) DO UPDATE SET {updates}"  # noqa: S608
        cursor.execute(merge)
        cursor.execute("DROP TABLE bench_stage, bench_target")
    return read, time.perf_counter() - t0


if __name__ == "__main__":
    main()
