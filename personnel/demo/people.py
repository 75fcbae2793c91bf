"""Who the demo cadres are: names, ID numbers, birthplaces, educations and
careers, drawn from one seeded random stream (see ``personnel.demo``)."""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from pypinyin import Style, lazy_pinyin

from personnel import rules
from personnel.demo.plan import _Area, _Codes, _county_name, _month, _month_index, _Plan, _Post, _UnitSpec
from personnel.demo.reference import (
    _COLLEGE_MAJORS,
    _COLLEGES,
    _ETHNICITIES,
    _FEMALE_CLASSIC,
    _FEMALE_MODERN,
    _FIELDS,
    _IN_SERVICE_MASTER_MAJORS,
    _IN_SERVICE_MASTERS,
    _IN_SERVICE_UNIVERSITIES,
    _LADDER,
    _MAJORS,
    _MALE_CLASSIC,
    _MALE_MODERN,
    _MIN_MONTHS,
    _PARTY_SCHOOL_MAJORS,
    _PARTY_SCHOOLS,
    _SECONDARY_MAJORS,
    _SECONDARY_SCHOOLS,
    _SURNAMES,
    _TECH_TITLES,
    _UNIVERSITIES,
    HOME_CITY,
    HOME_PROVINCE,
    DemoDataError,
    _parse_weighted,
    _Weighted,
)
from personnel.models import (
    AppointmentMethod,
    Appraisal,
    Cadre,
    CodeTable,
    Education,
    EducationKind,
    FamilyMember,
    IdentityCategory,
    LeadershipQuota,
    ManagementCategory,
    PostHeld,
    ResumeEntry,
    RewardKind,
    RewardPunishment,
    Unit,
    UnitKind,
)
from personnel.policy import retirement_policy

# --- the generator ---------------------------------------------------------------------------------------


# COPY column lists; checked against the models at the start of a run so a
# model change fails loudly instead of writing misaligned rows.
def _columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


_UNIT_COLUMNS = _columns(
    "id name short_name parent_id path kind level region_code sort_order is_active created_at updated_at"
)
_QUOTA_COLUMNS = _columns("unit_id post_level_id count note")
_CADRE_COLUMNS = _columns(
    "id name name_pinyin name_initials sex birth_date ethnicity_id native_place native_place_code "
    "birthplace birthplace_code political_status_id party_join_date work_start_date health_id health_text "
    "tech_title_id tech_title_text expertise id_number identity_category management_category status "
    "unit_id current_post current_post_date post_level_id post_level_date rank_id rank_date "
    "retirement_category age_limit_id rewards_text note version created_at updated_at"
)
_EDUCATION_COLUMNS = _columns(
    "cadre_id kind education_id degree_id school major start_date end_date is_highest sort_order"
)
_RESUME_COLUMNS = _columns("cadre_id start_date end_date content note sort_order")
_POST_COLUMNS = _columns(
    "cadre_id unit_id unit_name title post_level_id rank_id is_leadership is_primary start_date end_date "
    "appointment_method document_no sort_order"
)
_FAMILY_COLUMNS = _columns(
    "cadre_id relation_id relation_text name birth_date political_status_id work_unit_and_post id_number "
    "is_deceased is_social_relation sort_order"
)
_REWARD_COLUMNS = _columns("cadre_id kind title date issuer description")
_APPRAISAL_COLUMNS = _columns("cadre_id year grade note")

_COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Unit: _UNIT_COLUMNS,
    LeadershipQuota: _QUOTA_COLUMNS,
    Cadre: _CADRE_COLUMNS,
    Education: _EDUCATION_COLUMNS,
    ResumeEntry: _RESUME_COLUMNS,
    PostHeld: _POST_COLUMNS,
    FamilyMember: _FAMILY_COLUMNS,
    RewardPunishment: _REWARD_COLUMNS,
    Appraisal: _APPRAISAL_COLUMNS,
}


def _check_columns() -> None:
    for model, columns in _COLUMNS.items():
        expected = {str(f.column) for f in model._meta.concrete_fields if not (f.primary_key and "id" not in columns)}
        if set(columns) != expected:
            raise DemoDataError(
                f"{model.__name__} 的字段已变化（{sorted(expected ^ set(columns))}），请同步更新 personnel.demo"
            )


Row = tuple[Any, ...]


@dataclass
class _Batch:
    cadres: list[Row] = field(default_factory=list)
    educations: list[Row] = field(default_factory=list)
    resume: list[Row] = field(default_factory=list)
    posts: list[Row] = field(default_factory=list)
    family: list[Row] = field(default_factory=list)
    rewards: list[Row] = field(default_factory=list)
    appraisals: list[Row] = field(default_factory=list)

    def tables(self) -> list[tuple[type[models.Model], list[Row]]]:
        """The rows per table, cadres first (the others refer to them)."""
        return [
            (Cadre, self.cadres),
            (Education, self.educations),
            (ResumeEntry, self.resume),
            (PostHeld, self.posts),
            (FamilyMember, self.family),
            (RewardPunishment, self.rewards),
            (Appraisal, self.appraisals),
        ]


@dataclass
class _Stage:
    start: int  # month index
    level: str  # ZB09 code, "staff" for a non-leading post
    unit: _UnitSpec | None
    unit_text: str
    title: str
    leadership: bool
    method: str = AppointmentMethod.APPOINTED


@dataclass
class _Education:
    kind: str
    code: str  # ZB64
    degree: str | None  # GB6864
    school: str
    major: str
    start: int
    end: int
    rank: int  # higher is more advanced

    @property
    def label(self) -> str:
        return {4: "研究生", 3: "本科", 2: "大专", 1: "中专"}.get(self.rank, "")


@dataclass
class _Position:
    current_post: str
    level: str | None  # ZB09
    level_date: datetime.date | None
    rank: str | None = None  # ZJ2019
    rank_date: datetime.date | None = None


@dataclass
class _Reward:
    kind: str
    title: str
    date: datetime.date
    issuer: str
    description: str = ""

    def text(self) -> str:
        """The line on the form's 奖惩情况."""
        if self.kind == RewardKind.PUNISHMENT:
            return f"{self.date.year}年{self.date.month}月受到{self.title}"
        if self.title == "嘉奖":
            return f"{self.date.year - 1}年度嘉奖"
        if self.title == "优秀共产党员":
            return f"{self.date.year}年被评为优秀共产党员"
        return f"{self.date.year}年{self.title}"


def _identity(unit: _UnitSpec, tech_title: str) -> str:
    if unit.kind == UnitKind.ENTERPRISE:
        return IdentityCategory.ENTERPRISE_MANAGER
    if unit.reference:
        return IdentityCategory.REFERENCE_CIVIL_SERVANT
    if unit.kind == UnitKind.INSTITUTION:
        return IdentityCategory.INSTITUTION_PROFESSIONAL if tech_title else IdentityCategory.INSTITUTION_MANAGER
    return IdentityCategory.CIVIL_SERVANT


def _management(post: _Post | None) -> str:
    """干部管理权限: 县处级 and above are the city's (市管), 乡科级 the county's."""
    if post is None:
        return ManagementCategory.UNIT
    return ManagementCategory.COUNTY if post.level in ("1A41", "1A42") else ManagementCategory.CITY


_EDU_RANK = {"11": 4, "1A": 4, "1B": 4, "21": 3, "22": 3, "23": 3, "31": 2, "32": 2, "35": 1, "37": 0}


class _People:
    """The person-making half of the generator; ``_Generator`` adds the rows."""

    def __init__(
        self,
        *,
        rng: random.Random,
        codes: _Codes,
        plan: _Plan,
        as_of: datetime.date,
        now: datetime.datetime,
        seed: int = 0,
    ) -> None:
        self.rng = rng
        self.codes = codes
        self.plan = plan
        self.as_of = as_of
        self.as_of_m = _month_index(as_of)
        self.now = now
        # A second stream for the situations the alert checks look for
        # (couples who both serve, a principal from the home county): drawing
        # them from ``rng`` would shift every later value of the main stream.
        self.links = random.Random(f"links-{seed}-{as_of.isoformat()}")  # noqa: S311 - synthetic data
        self._spouse_pool: dict[tuple[object, str], list[tuple[str, datetime.date, str]]] = {}
        self._load_reference()
        self._index_units()
        # ID-number sequence counters: one bytearray per region code, two
        # slots (male, female) per day since 1900 — a few hundred KB per
        # region, whatever the size, instead of a set of every number.
        self._day0 = datetime.date(1900, 1, 1).toordinal()
        self._days = as_of.toordinal() - self._day0 + 1
        self._id_counters: dict[str, bytearray] = {}
        self._retire_earliest = {
            sex: self._earliest_birth(policy) for sex, policy in (("1", "male"), ("2", "female_cadre"))
        }

    # -- reference data --

    def _load_reference(self) -> None:
        surnames = _parse_weighted(_SURNAMES)
        self.surnames = _Weighted(surnames)
        pools = {
            ("1", False): _parse_weighted(_MALE_CLASSIC),
            ("1", True): _parse_weighted(_MALE_MODERN),
            ("2", False): _parse_weighted(_FEMALE_CLASSIC),
            ("2", True): _parse_weighted(_FEMALE_MODERN),
        }
        self.given = {key: _Weighted(pairs) for key, pairs in pools.items()}
        # Pinyin once per character, never per person.
        chars = {ch for s, _ in surnames for ch in s} | {ch for p in pools.values() for c, _ in p for ch in c}
        self.pinyin: dict[str, tuple[str, str]] = {}
        for ch in sorted(chars):
            full = "".join(lazy_pinyin(ch))
            initial = "".join(lazy_pinyin(ch, style=Style.FIRST_LETTER)).upper()
            self.pinyin[ch] = (full, initial)
        self.ethnicities = _Weighted(_parse_weighted(_ETHNICITIES))
        self.universities = _Weighted(_parse_weighted(_UNIVERSITIES))
        self.colleges = _Weighted(_parse_weighted(_COLLEGES))
        self.secondary = _Weighted(_parse_weighted(_SECONDARY_SCHOOLS))
        self.fields = _Weighted(_parse_weighted(_FIELDS))
        self.college_majors = _Weighted(_parse_weighted(_COLLEGE_MAJORS))
        self.secondary_majors = _Weighted(_parse_weighted(_SECONDARY_MAJORS))
        self.party_school_majors = _Weighted(_parse_weighted(_PARTY_SCHOOL_MAJORS))
        self.in_service_universities = _Weighted(_parse_weighted(_IN_SERVICE_UNIVERSITIES))
        self.in_service_masters = _Weighted(_parse_weighted(_IN_SERVICE_MASTERS))
        self.tech_titles = {
            profile: (_Weighted(_parse_weighted(titles)), field_code)
            for profile, (titles, field_code) in _TECH_TITLES.items()
        }
        regions = self.codes.names[CodeTable.REGION]
        county_codes = [c for c in regions if not c.endswith("00")]
        home = self.plan.areas[0].code[:2]
        near = ("37", "41", "14", "11", "12")  # 山东, 河南, 山西, 北京, 天津
        self.province_places = [c for c in county_codes if c[:2] == home]
        self.far_places = [c for c in county_codes if c[:2] in near]
        self.region_names = regions
        self.home_city = regions[HOME_CITY].removeprefix(regions[HOME_PROVINCE]) + "市"
        for area in self.plan.areas:
            if area.tier == "county":
                same_city = [a for a in self.plan.areas if a.tier == "county" and a.parent is area.parent]
                area.neighbours = [a.name for a in same_city if a is not area]
                if not area.neighbours:
                    # A lone county: its real neighbours in the city.
                    prefix = area.code[:4]
                    province = regions.get(area.code[:2] + "0000", "")
                    area.neighbours = [
                        _county_name(regions[c], c, province)[0]
                        for c in county_codes
                        if c[:4] == prefix and c != area.code
                    ][:12]

    def _index_units(self) -> None:
        """Where earlier career stages can be placed: per county (or city),
        the posts of each ZB09 level and the units with ordinary staff."""
        self.level_posts: dict[tuple[str, str], list[tuple[_UnitSpec, _Post]]] = {}
        self.staff_units: dict[str, list[_UnitSpec]] = {}
        for unit in self.plan.units:
            if unit.group == "region":
                continue
            key = unit.area.code
            for post in unit.posts:
                self.level_posts.setdefault((key, post.level), []).append((unit, post))
            if unit.civil_service and unit.group not in ("top",):
                self.staff_units.setdefault(key, []).append(unit)

    def _earliest_birth(self, category: str) -> int:
        """The earliest birth date (ordinal) of someone who retires no sooner
        than three months after the reference date (DOMAIN.md 6.1)."""
        policy = retirement_policy(category)
        limit = rules.add_months(self.as_of.replace(day=1), 3)
        month = _month_index(self.as_of) - 70 * 12
        while rules.statutory_retirement_month(_month(month), policy) <= limit:
            month += 1
        return _month(month).toordinal()

    # -- people --

    def name(self, sex: str, birth_year: int, surname: str | None = None) -> str:
        rng = self.rng
        surname = surname or self.surnames.pick(rng)
        modern = birth_year >= 1982 if rng.random() < 0.8 else birth_year < 1982
        pool = self.given[(sex, modern)]
        given = pool.pick(rng)
        if rng.random() < 0.72:
            second = pool.pick(rng)
            if second != given or rng.random() < 0.2:
                given += second
        return surname + given

    def pinyin_of(self, name: str) -> tuple[str, str]:
        full = []
        initials = []
        for ch in name:
            py, initial = self.pinyin[ch]
            full.append(py)
            initials.append(initial)
        return "".join(full), "".join(initials)

    def id_number(self, region: str, birth: datetime.date, male: bool) -> tuple[str, datetime.date]:
        """A valid GB 11643 number, unique in this run: the sequence digits
        come from a per-(region, day, sex) counter, spread over 000–999 with
        the parity giving the sex."""
        counters = self._id_counters.get(region)
        if counters is None:
            counters = self._id_counters[region] = bytearray(self._days * 2)
        while True:
            day = birth.toordinal() - self._day0
            slot = day * 2 + (0 if male else 1)
            used = counters[slot]
            if used < 250:
                break
            birth += datetime.timedelta(days=1)  # a full day: move to the next
        counters[slot] = used + 1
        serial = (used * 173 + day * 7) % 500
        body = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{serial * 2 + (1 if male else 0):03d}"
        return body + rules.id_number_check_character(body), birth

    def birth_date(self, sex: str, age: float) -> datetime.date:
        ordinal = self.as_of.toordinal() - int(age * 365.25) - self.rng.randrange(365)
        earliest = self._retire_earliest[sex]
        if ordinal < earliest:
            ordinal = earliest + self.rng.randrange(400)
        return datetime.date.fromordinal(ordinal)

    def place(self, area: _Area, local_share: float) -> str:
        """A ZB01 county code for 籍贯 or 出生地: mostly the county itself."""
        rng = self.rng
        roll = rng.random()
        if roll < local_share and area.tier == "county":
            return area.code
        if roll < local_share + (1 - local_share) * 0.7:
            return rng.choice(self.province_places)
        return rng.choice(self.far_places)

    # -- education --

    def educations(self, birth: datetime.date, field_code: str | None, leader: bool) -> list[_Education]:
        rng = self.rng
        year = birth.year
        roll = rng.random()
        if year < 1972:
            levels = ((0.22, "35"), (0.55, "31"), (0.97, "21"), (1.0, "11"))
        elif year < 1982:
            levels = ((0.06, "35"), (0.26, "31"), (0.88, "21"), (1.0, "11"))
        elif year < 1992:
            levels = ((0.0, "35"), (0.12, "31"), (0.82, "21"), (1.0, "11"))
        else:
            levels = ((0.0, "35"), (0.08, "31"), (0.76, "21"), (1.0, "11"))
        code = next(c for limit, c in levels if roll < limit)
        field_code = field_code or self.fields.pick(rng)
        entries: list[_Education] = []
        if code == "35":
            start = (year + 15) * 12 + 8
            entries.append(
                _Education(
                    EducationKind.FULL_TIME,
                    "35",
                    None,
                    self.secondary.pick(rng),
                    self.secondary_majors.pick(rng),
                    start,
                    start + 34,
                    1,
                )
            )
        elif code == "31":
            start = (year + 18) * 12 + 8
            entries.append(
                _Education(
                    EducationKind.FULL_TIME,
                    "31",
                    None,
                    self.colleges.pick(rng),
                    self.college_majors.pick(rng),
                    start,
                    start + 34,
                    2,
                )
            )
        else:
            start = (year + 18 + (1 if birth.month >= 9 else 0)) * 12 + 8
            school = self.universities.pick(rng)
            major = rng.choice(_MAJORS[field_code])
            degree = "4" + field_code if rng.random() < 0.93 else None
            entries.append(_Education(EducationKind.FULL_TIME, "21", degree, school, major, start, start + 46, 3))
            if code == "11":
                start += 48
                entries.append(
                    _Education(
                        EducationKind.FULL_TIME,
                        "11",
                        "3" + field_code,
                        school if rng.random() < 0.5 else self.universities.pick(rng),
                        major,
                        start,
                        start + 34,
                        4,
                    )
                )
        full_time_rank = entries[-1].rank
        graduation = entries[-1].end
        # In-service study, common for the older and for leaders.
        chance = {1: 0.9, 2: 0.8, 3: 0.35 if leader else 0.15, 4: 0.03}[full_time_rank]
        if rng.random() < chance and graduation + 36 < self.as_of_m - 24:
            start = rng.randint(graduation + 36, min(self.as_of_m - 24, graduation + 240))
            if full_time_rank <= 1:
                target = rng.choice(("31", "32", "21", "23"))
            elif full_time_rank == 2:
                target = rng.choice(("21", "23", "22"))
            else:
                target = rng.choice(("1B", "1A", "11")) if leader else "11"
            if target in _PARTY_SCHOOLS:
                school = _PARTY_SCHOOLS[target]
                major = self.party_school_majors.pick(rng)
                degree = None
            elif target == "11":
                degree = self.in_service_masters.pick(rng)
                school = self.universities.pick(rng)
                major = _IN_SERVICE_MASTER_MAJORS[degree]
            else:
                school = self.in_service_universities.pick(rng)
                major = rng.choice(("法律", "行政管理", "汉语言文学", "经济管理"))
                degree = "403" if major == "法律" and target == "21" and rng.random() < 0.5 else None
            length = 30 if target in ("1A", "1B", "11") else 34
            entries.append(
                _Education(
                    EducationKind.IN_SERVICE, target, degree, school, major, start, start + length, _EDU_RANK[target]
                )
            )
        return entries

    # -- careers --

    def career(
        self,
        *,
        unit: _UnitSpec,
        post: _Post | None,
        work_start: int,
        tenure: int,
    ) -> list[_Stage]:
        """The posts held, oldest first, ending with the current one. Each
        earlier stage lasts at least its minimum (DOMAIN.md 6.2), compressed
        only when the working life is too short to fit them."""
        rng = self.rng
        area = unit.area
        current_level = post.level if post else "staff"
        ladder = list(_LADDER.get(current_level, ()))
        if not ladder and unit.civil_service and rng.random() < 0.35 and self.as_of_m - work_start > 60:
            ladder = ["staff"]  # a civil servant who moved between units
        lateral = post is not None and rng.random() < 0.4
        kinds = [*ladder, *(["lateral"] if lateral else [])]
        # Without earlier stages the current post is the first job.
        current_start = max(work_start, self.as_of_m - tenure) if kinds else work_start
        minimums = [_MIN_MONTHS[k] for k in kinds]
        span = current_start - work_start
        needed = sum(minimums)
        if needed > span and kinds:
            # Too little time: compress (a few young high-flyers), at least a month each.
            scale = span / needed if needed else 0
            minimums = [max(1, int(m * scale)) for m in minimums]
            needed = sum(minimums)
            if needed > span:
                current_start = min(self.as_of_m, work_start + needed)
                span = current_start - work_start
        # The spare time goes mostly to the first (staff) stage: people wait
        # long for a first promotion, then move every few years; no earlier
        # leadership stage lasts beyond about ten years.
        spare = max(0, span - needed)
        weights = [rng.random() + (1.2 if kind == "staff" else 0.3) for kind in kinds]
        total = sum(weights) or 1.0
        extras = [int(spare * weight / total) for weight in weights]
        for index, kind in enumerate(kinds):
            cap = 84 + rng.randint(0, 36) - minimums[index]
            if kind != "staff" and extras[index] > cap and kinds[0] == "staff":
                extras[0] += extras[index] - max(cap, 0)
                extras[index] = max(cap, 0)
        starts: list[int] = []
        cursor = work_start
        for minimum, extra in zip(minimums, extras, strict=True):
            starts.append(cursor)
            cursor += minimum + extra
        stages: list[_Stage] = []
        for index, kind in enumerate(kinds):
            start = starts[index]
            if kind == "staff":
                stage_unit = unit if (not ladder[1:] and rng.random() < 0.2) else self._staff_unit(area)
                stages.append(
                    _Stage(start, "staff", stage_unit, stage_unit.prefix if stage_unit else area.name, "科员", False)
                )
                if index == 0:
                    stages[-1].method = AppointmentMethod.EXAMINED
            elif kind == "lateral":
                # An earlier post at the current level (post is set: only leaders move laterally).
                stages.append(self._post_stage(area, current_level, start, exclude=unit))
            else:
                stages.append(self._post_stage(area, kind, start, exclude=None))
        title = post.title if post is not None else "科员"
        current = _Stage(current_start, current_level, unit, unit.prefix, title, post is not None)
        if not kinds:
            current.method = AppointmentMethod.EXAMINED if unit.civil_service else AppointmentMethod.HIRED
        elif post is not None and post.elected:
            current.method = AppointmentMethod.ELECTED
        elif unit.kind == UnitKind.INSTITUTION and post is not None and not post.principal and rng.random() < 0.3:
            current.method = AppointmentMethod.HIRED
        stages.append(current)
        # Keep starts strictly increasing after integer rounding.
        for before, after in itertools.pairwise(stages):
            if after.start <= before.start:
                after.start = before.start + 1
        if stages[-1].start > self.as_of_m:
            shift = stages[-1].start - self.as_of_m
            for stage in stages:
                stage.start -= shift
        return stages

    def _staff_unit(self, area: _Area) -> _UnitSpec | None:
        units = self.staff_units.get(area.code)
        if not units and area.parent is not None:
            units = self.staff_units.get(area.parent.code)
        return self.rng.choice(units) if units else None

    def _post_stage(self, area: _Area, level: str, start: int, *, exclude: _UnitSpec | None) -> _Stage:
        rng = self.rng
        options = self.level_posts.get((area.code, level))
        if (not options or rng.random() < 0.15) and area.parent is not None:
            options = self.level_posts.get((area.parent.code, level)) or options
        if options and rng.random() < 0.85:
            for _ in range(4):
                unit, post = rng.choice(options)
                if unit is not exclude:
                    return _Stage(start, level, unit, unit.prefix, post.title, True)
        # A post elsewhere (another county): kept as text, no unit row.
        neighbour = rng.choice(area.neighbours) if area.neighbours else "外县"
        external = {
            "1A42": (f"{neighbour}人民政府办公室", "副主任"),
            "1A41": (f"{neighbour}财政局", "局长"),
            "1A32": (f"{neighbour}人民政府", f"副{neighbour[-1]}长"),
            "1A31": (f"{neighbour}人民政府", f"{neighbour[-1]}长"),
            "1A22": ("河北省人民政府办公厅", "副主任"),
            "1A21": ("河北省人民政府办公厅", "主任"),
        }
        unit_text, title = external.get(level, (f"{neighbour}人民政府", "副主任"))
        return _Stage(start, level, None, unit_text, title, True)
