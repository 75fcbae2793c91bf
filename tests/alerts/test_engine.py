"""The batch check against the database: every rule found through its SQL,
reruns that change nothing, causes that go and come back, chunks, and the
SQL prefilters agreeing with the pure rules on cadres at the boundaries."""

from __future__ import annotations

import datetime
import itertools

import pytest

from accounts.access import SYSTEM
from alerts import engine, services
from alerts.models import Alert, AlertEvent, AlertState, CheckChunk, EventKind, RunStatus
from core.checks import policy_defaults
from oversight.models import InfluenceRecord
from personnel import rules as periods
from personnel import services as personnel_services
from personnel.checks import probation, registry, rotation
from personnel.models import CadreRelation, CadreStatus, FamilyMember
from personnel.policy_store import policies_in_force
from tests.alerts.conftest import ON, Rule, cadre, level, relation, run_checks

D = datetime.date


def rules_of(person) -> set[str]:
    return set(Alert.objects.filter(cadre=person).values_list("rule", flat=True))


def test_a_run_finds_must_rotate_and_records_counts_and_times(world):
    run = run_checks()
    assert run.status == RunStatus.DONE
    assert run.counts[Rule.ROTATION_POST] == 2
    assert set(run.seconds) >= {rule.value for rule in Rule} | {"write"}
    alert = Alert.objects.get(cadre=world["long_a"], rule=Rule.ROTATION_POST)
    assert alert.state == AlertState.OPEN
    assert alert.message.startswith("任现职 12 年 3 个月，超过 10 年必须交流（政策：交流轮岗年限，自 2025-01-01 起）")
    assert alert.due_date == D(2023, 6, 1)
    assert AlertEvent.objects.filter(alert=alert, kind=EventKind.OPENED, run=run).count() == 1


def test_rerun_updates_in_place_and_adds_nothing(world):
    run_checks()
    alerts = Alert.objects.count()
    events = AlertEvent.objects.count()
    again = run_checks()
    assert again.opened == 0 and again.closed == 0
    assert Alert.objects.count() == alerts
    assert AlertEvent.objects.count() == events
    # A later check date changes the numbers behind the message, in place.
    later = run_checks(on=D(2025, 12, 1))
    assert later.opened == 0
    alert = Alert.objects.get(cadre=world["long_a"], rule=Rule.ROTATION_POST)
    assert alert.message.startswith("任现职 12 年 6 个月")
    assert Alert.objects.count() == alerts


def test_an_alert_whose_cause_is_gone_is_closed_with_a_note_and_reopened_when_it_returns(world):
    run_checks()
    person = world["long_a"]
    alert = Alert.objects.get(cadre=person, rule=Rule.ROTATION_POST)
    personnel_services.cadre_update(actor=SYSTEM, cadre=person, data={"current_post_date": D(2024, 1, 1)})
    run = run_checks()
    alert.refresh_from_db()
    assert alert.state == AlertState.CLOSED and alert.closed_at is not None
    closing = AlertEvent.objects.get(alert=alert, kind=EventKind.CLOSED)
    assert closing.run == run and "原因已消除" in closing.note
    assert run.closed == 1
    person.refresh_from_db()
    personnel_services.cadre_update(actor=SYSTEM, cadre=person, data={"current_post_date": D(2013, 6, 1)})
    run_checks()
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN and alert.closed_at is None
    assert AlertEvent.objects.filter(alert=alert, kind=EventKind.REOPENED).count() == 1
    assert Alert.objects.filter(cadre=person, rule=Rule.ROTATION_POST).count() == 1


def test_a_retired_cadres_alerts_close(world):
    run_checks()
    personnel_services.cadre_update(actor=SYSTEM, cadre=world["long_a"], data={"status": CadreStatus.RETIRED})
    run_checks()
    assert not Alert.objects.filter(cadre=world["long_a"], state__in=[AlertState.OPEN, AlertState.ACKNOWLEDGED])


def test_a_resolved_alert_stays_resolved_while_its_cause_remains(world):
    run_checks()
    alert = Alert.objects.get(cadre=world["long_a"], rule=Rule.ROTATION_POST)
    services.alert_resolve(actor=world["users"]["staff_a"], alert=alert, note="已报县委，明年换届时交流")
    run_checks()
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED and alert.note == "已报县委，明年换届时交流"


def test_every_rule_is_found_through_the_database(world):
    units = world["units"]
    deputy = cadre(
        units["finance_a"], "甲副职", current_post="副局长", current_post_date=D(2017, 1, 1), post_level=level("1A42")
    )
    term = cadre(
        units["finance_a"], "甲两届", current_post="主任", current_post_date=D(2015, 12, 1), post_level=level("1A41")
    )
    veteran = cadre(
        units["town_a"],
        "甲老科级",
        current_post="镇长",
        current_post_date=D(2022, 1, 1),
        post_level=level("1A41"),
        post_level_date=D(2008, 1, 1),
        birth_date=D(1970, 1, 1),
    )
    older = cadre(units["town_a"], "甲到龄", current_post="副镇长", post_level=level("1A42"), birth_date=D(1965, 3, 1))
    retiring = cadre(units["finance_a"], "甲退休", sex="2", birth_date=D(1970, 5, 1))
    home = cadre(
        units["county_a"],
        "甲本地",
        current_post="甲县人民政府县长",
        post_level=level("1A31"),
        native_place_code="130534",
        current_post_date=D(2023, 1, 1),
    )
    warned = cadre(units["finance_a"], "甲受处分", birth_date=D(1985, 1, 1))
    InfluenceRecord.objects.create(cadre=warned, kind="party_warning", decided_on=D(2025, 3, 1))
    trainee = cadre(units["finance_a"], "甲试用", post_level=level("1A98"), post_level_date=D(2024, 9, 15))
    run_checks()
    assert rules_of(deputy) == {Rule.ROTATION_DEPUTY}
    assert Rule.TERM_LIMIT in rules_of(term)
    assert Rule.LEVEL_TENURE in rules_of(veteran)
    assert Rule.AGE_CUTOFF in rules_of(older)
    assert rules_of(retiring) == {Rule.RETIREMENT}
    assert rules_of(home) == {Rule.HOME_COUNTY}
    assert rules_of(warned) == {Rule.INFLUENCE}
    assert rules_of(trainee) == {Rule.PROBATION}
    influence = Alert.objects.get(cadre=warned)
    assert influence.due_date == D(2026, 3, 1) and "党纪处分·警告" in influence.message


def test_relatives_found_by_id_number_by_name_and_birth_month_and_by_relation(world):
    units = world["units"]
    head = world["long_a"]
    wife = cadre(units["finance_a"], "甲妻", sex="2", current_post="财务科科员", birth_date=D(1982, 4, 9))
    FamilyMember.objects.create(
        cadre=head, relation=relation("13"), name="甲妻", birth_date=D(1982, 4, 9), id_number=wife.id_number
    )
    son = cadre(units["finance_a"], "甲子", current_post="科员", birth_date=D(1998, 7, 20))
    FamilyMember.objects.create(cadre=head, relation=relation("14"), name="甲子", birth_date=D(1998, 7, 1))
    cousin = cadre(
        units["finance_a"], "甲表弟", current_post="副局长", post_level=level("1A42"), birth_date=D(1984, 1, 1)
    )
    CadreRelation.objects.create(cadre=cousin, relative=head, relation=relation("72"))
    deceased = cadre(units["finance_a"], "甲父同名", birth_date=D(1975, 2, 1))
    FamilyMember.objects.create(
        cadre=head, relation=relation("10"), name="甲父同名", birth_date=D(1975, 2, 1), is_deceased=True
    )
    run_checks()
    by_other = {alert.facts["other"]: alert for alert in Alert.objects.filter(cadre=head, rule=Rule.KINSHIP)}
    assert set(by_other) == {wife.pk, son.pk, cousin.pk}
    assert by_other[wife.pk].facts["conflict"] == "sensitive"
    assert "公民身份号码" in by_other[wife.pk].message
    assert by_other[son.pk].facts["conflict"] == "superior" and "姓名和出生年月" in by_other[son.pk].message
    assert by_other[cousin.pk].facts["conflict"] == "same_team" and "干部亲属关系登记" in by_other[cousin.pk].message
    # Both sides carry the alert; the deceased namesake is nobody's relative.
    assert rules_of(wife) == {Rule.KINSHIP} and rules_of(cousin) >= {Rule.KINSHIP}
    assert Rule.KINSHIP not in rules_of(deceased)


def test_a_policy_version_applies_from_its_effective_date(world):
    staff = world["users"]["sysadmin"]
    params = policy_defaults("rotation") | {"must_rotate_years": 14}
    personnel_services.policy_set(actor=staff, key="rotation", effective_from=D(2025, 10, 1), params=params)
    run_checks(on=D(2025, 9, 30))
    assert Alert.objects.filter(rule=Rule.ROTATION_POST, state=AlertState.OPEN).count() == 2
    run = run_checks(on=D(2025, 10, 1))
    assert run.policies["rotation"]["effective_from"] == "2025-10-01"
    open_ = Alert.objects.filter(rule=Rule.ROTATION_POST, state=AlertState.OPEN)
    assert [a.cadre_id for a in open_] == []  # 12 and 13 years are under 14
    assert policies_in_force(D(2025, 10, 1))["rotation"].value.must_rotate_years == 14


def test_the_retirement_check_applies_the_retirement_ages_in_force_at_its_check_date(world):
    retiring = cadre(world["units"]["finance_a"], "甲退休", sex="1", birth_date=D(1965, 6, 15))
    params = policy_defaults("retirement_age") | {"male_base_age_years": 65}
    personnel_services.policy_set(
        actor=world["users"]["sysadmin"], key="retirement_age", effective_from=D(2025, 10, 1), params=params
    )
    run_checks(on=D(2025, 9, 30))
    assert Rule.RETIREMENT in rules_of(retiring)
    run = run_checks(on=D(2025, 10, 1))
    assert run.policies["retirement_age"]["effective_from"] == "2025-10-01"
    assert not Alert.objects.filter(cadre=retiring, rule=Rule.RETIREMENT, state=AlertState.OPEN).exists()


def test_chunks_each_done_once_and_the_last_one_completes_the_run(world):
    for index in range(5):
        cadre(world["units"]["finance_a"], f"甲员{index}")
    run = services.run_start(actor=SYSTEM, check_date=ON, chunk_size=2)
    chunk_ids = engine.prepare(run)
    assert len(chunk_ids) == CheckChunk.objects.filter(run=run).count() >= 3
    assert engine.prepare(run) == chunk_ids  # preparing again cuts nothing new
    for chunk_id in chunk_ids[:-1]:
        assert engine.process_chunk(chunk_id) is False
    assert engine.process_chunk(chunk_ids[0]) is False  # a redelivered chunk does nothing
    assert engine.process_chunk(chunk_ids[-1]) is True
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.counts[Rule.ROTATION_POST] == 2


def test_only_one_run_at_a_time(world):
    first = services.run_start(actor=SYSTEM, check_date=ON)
    with pytest.raises(services.RunAlreadyActive):
        services.run_start(actor=SYSTEM, check_date=ON)
    assert services.run_start_or_resume(actor=SYSTEM, trigger="nightly") == first


# --- SQL and the pure rules agree ----------------------------------------------------


def test_sql_prefilters_agree_with_the_pure_rules_at_the_boundaries(world):
    """Cadres whose dates sit on, just before and just after every date
    boundary: the engine's findings are exactly what the pure rules say when
    applied to every cadre, read one by one through the ORM."""
    unit = world["units"]["finance_a"]
    p = policies_in_force(ON)
    rot = p["rotation"].value
    days = (-2, -1, 0, 1, 2)
    starts = set()
    for years in (rot.deputy_should_rotate_years, rot.must_rotate_years, rot.level_max_years):
        for delta in days:
            starts.add(periods.add_years(ON, -years) + datetime.timedelta(days=delta))
    term_end = periods.add_years(ON, -rot.term_years * rot.max_consecutive_terms)
    for delta in days:
        starts.add(periods.add_months_to_day(term_end, rot.term_notice_months) + datetime.timedelta(days=delta))
    serial = itertools.count()
    for start, code in itertools.product(sorted(starts), ("1A41", "1A42", "1A98")):
        cadre(
            unit,
            f"边界{next(serial)}",
            current_post_date=start,
            post_level=level(code),
            post_level_date=start,
            birth_date=D(1980, 1, 1),
        )
    # Retirement: men around 60 and women around 55, month by month.
    for months_back in range(-2, 16):
        birth = periods.add_months_to_day(D(ON.year - 60, ON.month, 15), -months_back)
        cadre(unit, f"退男{months_back}", sex="1", birth_date=birth)
        cadre(unit, f"退女{months_back}", sex="2", birth_date=periods.add_years(birth, 5))
    run_checks(chunk_size=7)

    from personnel.models import Cadre
    from personnel.policy import retirement_policy

    expected: set[tuple[int, str]] = set()
    for person in Cadre.objects.select_related("post_level").filter(status=CadreStatus.ACTIVE):
        post_code = person.post_level.code if person.post_level else None
        candidates = [
            rotation.rotation_deputy(
                post_level=post_code, post_date=person.current_post_date, on=ON, policy=p["rotation"]
            ),
            rotation.rotation_post(
                post_level=post_code, post_date=person.current_post_date, on=ON, policy=p["rotation"]
            ),
            rotation.term_limit(post_level=post_code, post_date=person.current_post_date, on=ON, policy=p["rotation"]),
            rotation.level_tenure(post_level=post_code, level_date=person.post_level_date, on=ON, policy=p["rotation"]),
            registry.age_cutoff(
                sex=person.sex,
                birth_date=person.birth_date,
                post_level=post_code,
                on=ON,
                policy=p["age_cutoff"],
            ),
            registry.retirement(
                birth_date=person.birth_date,
                schedule=retirement_policy(person.effective_retirement_category),
                on=ON,
                policy=p["retirement"],
            ),
            probation.probation(
                post_level=post_code,
                start=person.post_level_date or person.current_post_date,
                on=ON,
                policy=p["probation"],
            ),
        ]
        expected |= {(person.pk, str(f.rule)) for f in candidates if f is not None}
    found = set(Alert.objects.filter(state=AlertState.OPEN).values_list("cadre_id", "rule"))
    found = {(cadre_id, rule) for cadre_id, rule in found if rule != Rule.KINSHIP}
    assert found == expected
    assert {rule for _, rule in found} >= {
        Rule.ROTATION_DEPUTY,
        Rule.ROTATION_POST,
        Rule.TERM_LIMIT,
        Rule.LEVEL_TENURE,
        Rule.RETIREMENT,
        Rule.PROBATION,
    }


def test_a_namesake_of_the_wrong_sex_is_no_relative(world):
    head = world["long_a"]
    namesake = cadre(world["units"]["finance_a"], "甲同名", sex="1", current_post="科员", birth_date=D(1983, 3, 3))
    FamilyMember.objects.create(cadre=head, relation=relation("13"), name="甲同名", birth_date=D(1983, 3, 1))
    run_checks()
    assert Rule.KINSHIP not in rules_of(namesake)


def test_a_failing_chunk_leaves_its_error_on_the_run_and_nothing_half_done(world, monkeypatch):
    from alerts import tasks

    run = services.run_start(actor=SYSTEM, check_date=ON, chunk_size=1000)
    (chunk_id,) = engine.prepare(run)

    def broken(*args, **kwargs):
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr(engine, "write_findings", broken)
    with pytest.raises(RuntimeError):
        tasks.check_chunk(chunk_id)
    run.refresh_from_db()
    assert "数据库连接中断" in run.message and run.status == RunStatus.RUNNING
    assert not Alert.objects.exists() and not CheckChunk.objects.get(pk=chunk_id).done
    monkeypatch.undo()
    services.run_resume(run=run)
    tasks.check_chunk(chunk_id)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.message == "" and Alert.objects.exists()
