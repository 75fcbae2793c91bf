"""Synthetic demo data: a county (or a city or province of counties) with its
leadership teams, quotas and cadres, every sub-record of the national form
filled in plausibly (``manage.py demo_data``).

Design:

* Deterministic: one ``random.Random(seed)`` drives everything, consumed in a
  fixed order, so the same seed, size and reference date give the same names,
  ID numbers, dates and codes (database ids differ: they come from the
  sequences).
* Scalable to 1,000,000 cadres: units and positions are planned in memory
  (tens of thousands at most); people are generated and written in batches
  with PostgreSQL ``COPY`` so memory stays bounded, with ids drawn from the
  sequences per batch.
* Honest to the domain (DOMAIN.md): valid GB 11643 ID numbers agreeing with
  birth date and sex, ZB09 post levels with matching 2019 ranks, nobody past
  statutory retirement (``personnel.rules``), careers whose posts, 简历 lines
  and dates agree, home-county avoidance for the posts that require it.

The demo roots are marked by a short name ending in ``DEMO_MARK`` so that

The package: ``reference`` (names, places, templates), ``plan`` (units and
posts in memory), ``people`` and ``generator`` (the cadres and their rows),
``build`` (COPY and the entry points, exported here).
"""

from personnel.demo.build import demo_data_generate, demo_data_reset, demo_roots
from personnel.demo.plan import DemoSummary, planned_counts
from personnel.demo.reference import DEFAULT_SEED, DEFAULT_SIZE, DEMO_MARK, MAX_SIZE, MIN_SIZE, DemoDataError

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_SIZE",
    "DEMO_MARK",
    "MAX_SIZE",
    "MIN_SIZE",
    "DemoDataError",
    "DemoSummary",
    "demo_data_generate",
    "demo_data_reset",
    "demo_roots",
    "planned_counts",
]
