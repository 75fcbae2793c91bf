"""The demo-data generator: structure, validity of every generated value that
the registry checks, determinism, proportions and history handling."""

from __future__ import annotations

import datetime
import hashlib
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.access import SYSTEM
from accounts.models import Jurisdiction
from personnel import rules, services
from personnel.demo import DEMO_MARK, DemoDataError, demo_data_generate, demo_roots, planned_counts
from personnel.demo.plan import _Codes, _Planner
from personnel.models import (
    Appraisal,
    AppraisalGrade,
    Cadre,
    Code,
    CodeTable,
    Education,
    FamilyMember,
    LeadershipQuota,
    PostHeld,
    ResumeEntry,
    Unit,
    UnitKind,
)

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 1, 1)
LEADING_LEVELS = ("1A21", "1A22", "1A31", "1A32", "1A41", "1A42")


def generate(size: int = 300, seed: int = 11, **kwargs):
    return demo_data_generate(size=size, seed=seed, as_of=AS_OF, **kwargs)


def digest() -> str:
    """Names, ID numbers, dates and posts of everything generated, in
    generation order (database ids differ between runs, order does not)."""
    rows = [
        *Cadre.objects.order_by("id").values_list(
            "name", "id_number", "birth_date", "current_post", "current_post_date", "work_start_date", "native_place"
        ),
        *FamilyMember.objects.order_by("id").values_list("relation_text", "name", "birth_date", "id_number"),
        *Unit.objects.order_by("id").values_list("name", "kind", "level"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def county():
    return generate()


def test_small_county_is_one_root_with_teams_beneath_it(county):
    root = demo_roots().get()
    assert root.kind == UnitKind.REGION
    assert root.name == "清河县"
    assert root.region_code == "130534"
    assert root.short_name.endswith(DEMO_MARK)
    assert root.path == f"/{root.pk}/"
    teams = Unit.objects.exclude(pk=root.pk)
    assert teams.count() == county.teams == planned_counts(300)[1]
    for unit in teams:
        assert unit.parent_id == root.pk
        assert unit.path == f"{root.path}{unit.pk}/"
        assert unit.is_within(root)
    kinds = Counter(teams.values_list("kind", flat=True))
    assert {UnitKind.PARTY, UnitKind.GOVERNMENT, UnitKind.PEOPLES_CONGRESS, UnitKind.CPPCC} <= set(kinds)


def test_every_team_has_quotas_and_no_level_is_over_its_quota(county):
    teams = Unit.objects.exclude(parent=None)
    quotas = {(q.unit_id, q.post_level.code): q.count for q in LeadershipQuota.objects.select_related("post_level")}
    assert {unit_id for unit_id, _ in quotas} == set(teams.values_list("pk", flat=True))
    assert sum(quotas.values()) == county.quota_posts
    held = Counter(Cadre.objects.filter(post_level__code__in=LEADING_LEVELS).values_list("unit_id", "post_level__code"))
    assert sum(held.values()) == county.leaders
    for key, count in held.items():
        assert count <= quotas[key]


def test_counts_add_up_to_the_requested_size(county):
    assert Cadre.objects.count() == county.cadres == 300
    assert FamilyMember.objects.count() == county.family_members > 300
    assert Education.objects.count() == county.educations >= 300
    assert ResumeEntry.objects.count() == county.resume_entries
    assert PostHeld.objects.count() == county.posts
    assert Appraisal.objects.count() == county.appraisals


def test_every_id_number_is_valid_unique_and_agrees_with_birth_date_and_sex(county):
    numbers = []
    for cadre in Cadre.objects.all():
        assert cadre.id_number is not None
        info = rules.parse_id_number(cadre.id_number)
        assert (
            rules.check_id_number_matches(info, birth_date=cadre.birth_date, sex=cadre.sex, month_precision=False) == []
        )
        numbers.append(info.number)
    cadre_numbers = set(numbers)
    family = FamilyMember.objects.exclude(id_number="")
    assert family.exists()
    for member in family:
        info = rules.parse_id_number(member.id_number)
        assert info.birth_date == member.birth_date
        # A spouse who is a cadre too (couples who both serve) has the cadre's number.
        if info.number not in cadre_numbers:
            numbers.append(info.number)
    assert len(numbers) == len(set(numbers))


def test_leaders_hold_current_posts_backed_by_post_records(county):
    leaders = Cadre.objects.filter(post_level__code__in=LEADING_LEVELS).select_related("post_level", "rank")
    assert leaders.count() == county.leaders > 0
    for cadre in leaders:
        assert cadre.current_post and cadre.current_post_date and cadre.post_level_date
        assert cadre.post_level_date <= cadre.current_post_date <= AS_OF
        current = cadre.posts.get(end_date__isnull=True)
        assert current.start_date == cadre.current_post_date
        assert current.post_level_id == cadre.post_level_id
        assert current.is_leadership
        assert cadre.current_post.endswith(current.title)
        for earlier in cadre.posts.exclude(pk=current.pk):
            assert earlier.end_date is not None
            assert earlier.start_date <= earlier.end_date <= current.start_date
        if cadre.rank is not None and cadre.post_level is not None:
            # 2019 ranks: a leader's rank corresponds to the post level (DOMAIN.md 4).
            assert cadre.rank.attrs["post_level"] == cadre.post_level.code
            assert cadre.rank_date is not None


def test_county_leaders_are_county_level_and_the_rest_section_level(county):
    levels = Counter(
        Cadre.objects.filter(post_level__code__in=LEADING_LEVELS).values_list("post_level__code", flat=True)
    )
    assert set(levels) <= {"1A31", "1A32", "1A41", "1A42"}
    assert levels["1A31"] >= 3  # 书记, 县长, 人大主任, 政协主席 (some may be vacant)


def test_resume_and_posts_agree(county):
    for cadre in Cadre.objects.all()[:80]:
        lines = list(cadre.resume_entries.order_by("sort_order"))
        posts = list(cadre.posts.order_by("sort_order"))
        assert lines[-1].end_date is None
        assert lines[-1].start_date == cadre.current_post_date
        # One résumé line per post held, after the study lines.
        assert [line.start_date for line in lines[-len(posts) :]] == [post.start_date for post in posts]
        assert all(line.content.endswith(post.title) for line, post in zip(lines[-len(posts) :], posts, strict=True))


def test_sub_records_are_filled(county):
    cadres = Cadre.objects.count()
    assert Education.objects.filter(is_highest=True).count() == cadres
    assert Education.objects.filter(education__isnull=True).count() == 0
    relations = Counter(FamilyMember.objects.values_list("relation__code", flat=True))
    assert relations["10"] == relations["11"] == cadres  # 父亲, 母亲
    assert relations["12"] + relations["13"] > cadres // 2  # 丈夫/妻子
    assert FamilyMember.objects.filter(is_deceased=True, work_unit_and_post="已去世").exists()
    assert set(Appraisal.objects.values_list("grade", flat=True)) <= {g.value for g in AppraisalGrade}
    assert Cadre.objects.filter(retirement_category="").count() == cadres


def test_nobody_is_past_statutory_retirement(county):
    for cadre in Cadre.objects.all():
        assert cadre.retirement_month() > AS_OF
        assert 18 <= cadre.age_at(AS_OF) < 60


def test_search_pinyin_matches_the_registrys(county):
    for cadre in Cadre.objects.all():
        assert services.name_pinyin(cadre.name) == (cadre.name_pinyin, cadre.name_initials)


def test_same_seed_gives_identical_data_and_another_seed_does_not():
    generate(seed=5)
    first = digest()
    generate(seed=5, reset=True)
    assert digest() == first
    generate(seed=6, reset=True)
    assert digest() != first


def test_default_size_has_the_seed_districts_proportions():
    summary = demo_data_generate(as_of=AS_OF)
    assert summary.cadres == Cadre.objects.count() == 2000
    assert summary.teams == 70
    # DOMAIN.md 7: 71 teams and 418 leaders in the seed district.
    assert 390 <= summary.leaders <= 450
    assert 0 < summary.vacancies < summary.quota_posts * 0.12
    grades = Counter(Appraisal.objects.values_list("grade", flat=True))
    excellent = grades[AppraisalGrade.EXCELLENT] / sum(grades.values())
    assert 0.12 < excellent < 0.19
    women = Cadre.objects.filter(sex="2").count() / 2000
    assert 0.25 < women < 0.45


def test_plan_scales_counties_and_teams_with_size():
    assert planned_counts(2000) == (1, 70)
    assert planned_counts(1000) == (1, 35)
    assert planned_counts(300) == (1, 10)
    counties, teams = planned_counts(100_000)
    assert counties == 13 and 70 < teams < 160
    counties, teams = planned_counts(1_000_000)
    assert counties == 125 and 70 < teams < 160


@pytest.mark.parametrize(("size", "root", "tier"), [(20_000, "邢台市", "city"), (1_000_000, "河北省", "province")])
def test_large_sizes_become_a_city_or_a_province_of_counties(size, root, tier):
    codes = _Codes()
    plan = _Planner(random.Random(1), codes).plan(size)
    assert plan.root.name == root and plan.root.area.tier == tier
    counties = [u for u in plan.units if u.group == "region" and u.area.tier == "county"]
    assert len(counties) == planned_counts(size)[0]
    assert counties[0].name == "清河县"
    assert len({u.name for u in counties}) == len(counties)
    position = {id(unit): index for index, unit in enumerate(plan.units)}
    for unit in plan.units[1:]:
        assert unit.parent is not None
        assert position[id(unit.parent)] < position[id(unit)]


def test_existing_demo_data_is_not_overwritten_without_reset(county):
    with pytest.raises(DemoDataError, match="--reset"):
        generate()
    assert Cadre.objects.count() == 300


def test_reset_keeps_the_root_so_jurisdictions_stay_valid(county):
    root = demo_roots().get()
    jurisdiction = Jurisdiction.objects.create(name="演示组织部")
    jurisdiction.root_units.add(root)
    old_units = set(Unit.objects.exclude(pk=root.pk).values_list("pk", flat=True))
    generate(size=400, reset=True)
    assert demo_roots().get().pk == root.pk
    assert list(jurisdiction.root_units.all()) == [root]
    assert Cadre.objects.count() == 400
    assert not Unit.objects.filter(pk__in=old_units).exists()
    assert Cadre.objects.filter(unit__path__startswith=root.path).count() == 400


def test_bulk_insert_history_is_skipped_by_default(county):
    assert not Cadre.pgh_event_model.objects.exists()  # type: ignore[attr-defined]
    assert not FamilyMember.pgh_event_model.objects.exists()  # type: ignore[attr-defined]


def test_later_changes_to_demo_records_are_tracked(county):
    cadre = Cadre.objects.order_by("pk").first()
    assert cadre is not None
    services.cadre_update(actor=SYSTEM, cadre=cadre, data={"note": "演示修改"})
    assert Cadre.pgh_event_model.objects.filter(pgh_obj_id=cadre.pk, pgh_label="update").exists()  # type: ignore[attr-defined]


def test_history_can_be_kept_and_is_attributed_to_the_generator():
    generate(keep_history=True)
    events = Cadre.pgh_event_model.objects.filter(pgh_label="insert")  # type: ignore[attr-defined]
    assert events.count() == 300
    assert events.first().pgh_context.metadata["source"] == "demo_data"


def test_missing_code_tables_are_reported_in_chinese():
    Code.objects.filter(table=CodeTable.RANK).update(table=CodeTable.AGE_LIMIT)
    with pytest.raises(DemoDataError, match="代码表 ZJ2019"):
        generate()
    assert not Unit.objects.exists()


def test_size_out_of_range_is_refused():
    with pytest.raises(DemoDataError, match="规模"):
        generate(size=10)


def test_command_prints_a_chinese_summary():
    out = StringIO()
    call_command("demo_data", "--size", "300", "--seed", "3", "--as-of", "2025-01-01", stdout=out)
    text = out.getvalue()
    assert "演示数据已生成：清河县" in text
    assert "干部合计 300 名" in text
    assert "用时" in text


def test_command_refuses_existing_data_without_reset(county):
    with pytest.raises(CommandError, match="已存在演示数据"):
        call_command("demo_data", "--size", "300", stdout=StringIO())
