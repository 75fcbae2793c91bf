"""Benchmark: importing a zip of 1,000 干部任免审批表 files (.lrmx) with photos.

The files are synthetic: the demo-data generator (personnel.demo) makes a
county of made-up cadres, the interchange writer exports each one as an
.lrmx file with a photo (random bytes in a JPEG frame, ~20 KB, about what a
376×460 JPEG weighs and as incompressible), then the registry's cadres are
removed and the zip is imported into the county's root unit.

What it prints, each step as the worker runs it (``validate_job`` /
``commit_job``, in this process):

- parse only: ``interchange.archive.read_upload`` over the zip (the floor of
  any preview: every file decoded, every photo, every code looked up);
- preview of the zip against a registry without those people (all new);
- commit of the 1,000 new people with their résumé, family, appraisals,
  education and photos (history rows written by the triggers);
- preview of the same zip again (all unchanged: the idempotent re-upload);
- preview and commit of a zip in which every person changed (现任职务 and
  one résumé line): the update path.

Target (issue 5): preview ≤ 15 s and commit ≤ 15 s. Nothing is asserted.

Run on a database of its own (it empties the registry tables there)::

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cadre_bench SECRET_KEY=x \\
        python bench/lrmx_import.py --files 1000
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre.settings")


def _photo(rng: random.Random, size: int = 20_000) -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + rng.randbytes(size) + b"\xff\xd9"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _timed(label: str, fn: Any, *args: Any) -> Any:
    started = time.perf_counter()
    result = fn(*args)
    print(f"{label:<44} {time.perf_counter() - started:6.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to run on database {name!r}: use a database of its own whose name contains 'bench'")
    call_command("migrate", verbosity=0)

    from accounts.models import Role
    from bench.roster_import import _reset
    from imports.commit import commit_job
    from imports.lrmx_import import upload_kind
    from imports.models import ImportFile, ImportJob, ImportStatus
    from imports.validation import validate_job
    from interchange.archive import read_upload
    from interchange.codes import CodeBook
    from interchange.from_cadre import records_from_cadres
    from interchange.lrmx import write_lrmx
    from personnel.demo import demo_data_generate
    from personnel.models import Cadre, Unit
    from tests.factories import make_jurisdiction, make_user

    _reset(connection)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    demo_data_generate(size=max(args.files, 100), seed=args.seed)
    files: dict[str, bytes] = {}
    changed: dict[str, bytes] = {}
    ids = list(Cadre.objects.order_by("pk").values_list("pk", flat=True)[: args.files])
    for cadre, record in records_from_cadres(Cadre.objects.filter(pk__in=ids)):
        record.photo, record.photo_content_type = _photo(rng), "image/jpeg"
        filename = f"{cadre.unit.name}/{cadre.name}_{cadre.pk}.lrmx"
        files[filename] = write_lrmx(record)
        record.cadre["current_post"] = f"{record.cadre.get('current_post') or ''}（挂职）"
        if record.resume:
            record.resume[-1]["content"] = f"{record.resume[-1]['content']}（兼）"
        changed[filename] = write_lrmx(record)
    data, data_changed = _zip(files), _zip(changed)
    root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        sys.exit("the demo data made no unit")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE personnel_cadre CASCADE")
    staff = make_user("bench_staff", Role.ORG_STAFF, jurisdiction=make_jurisdiction("基准测试组织部", root))
    print(f"{len(files)} files, zip {len(data) / 1024 / 1024:.1f} MB, made in {time.perf_counter() - started:.1f} s")

    _timed("parse only (read_upload)", lambda: sum(1 for _ in read_upload(data, "bench.zip", codes=CodeBook())))

    def job_for(payload: bytes) -> int:
        job = ImportJob.objects.create(
            kind=upload_kind("bench.zip", payload),
            uploaded_by=staff,
            unit=root,
            filename="bench.zip",
            file_size=len(payload),
            file_sha256="-",
        )
        ImportFile.objects.create(job=job, data=payload)
        return job.pk

    def commit(job_id: int) -> ImportJob:
        ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.COMMITTING, committed_by=staff)
        return commit_job(job_id)

    def show(job: ImportJob) -> str:
        return (
            f"{job.get_status_display()} 新增{job.count_new} 变更{job.count_changed} "
            f"无变化{job.count_unchanged} 有错误{job.count_invalid} {job.message[:80]}"
        )

    job = _timed("preview, all new (validate_job)", validate_job, job_for(data))
    print("   ", show(job))
    job = _timed("commit, all new (commit_job)", commit, job.pk)
    print("   ", show(job), f"cadres now {Cadre.objects.count()}")
    job = _timed("preview of the same zip again (all unchanged)", validate_job, job_for(data))
    print("   ", show(job))
    job = _timed("preview, every person changed", validate_job, job_for(data_changed))
    print("   ", show(job))
    job = _timed("commit, every person changed", commit, job.pk)
    print("   ", show(job))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM personnel_cadreevent e JOIN pghistory_context c ON c.id = e.pgh_context_id "
            "WHERE c.metadata ? 'import_job'"
        )
        print(f"cadre history rows attributed to an import job: {cursor.fetchone()[0]}")


if __name__ == "__main__":
    main()
