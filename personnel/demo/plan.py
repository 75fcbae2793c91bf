"""Planning the demo county in memory: areas, units, posts and their
quotas, before any person is made (see ``personnel.demo``)."""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field

from personnel.demo.reference import (
    _AVOID_HOME,
    _DEFAULT_SUBDISTRICTS,
    _DEFAULT_TOWNSHIPS,
    _DEPARTMENTS,
    _MAX_TOWNSHIPS,
    _REFERENCE_UNITS,
    _ROLE_LEVELS,
    _SUBDISTRICT_NAMES,
    _SUBDISTRICT_WEIGHT,
    _TIER_LEVELS,
    _TOP_TEAMS,
    _TOWN_FIRST,
    _TOWN_LAST,
    _TOWN_MIDDLE,
    _TOWN_WEIGHT,
    BASE_CADRES,
    BASE_TEAMS,
    COUNTY_MAX_CADRES,
    DEMO_MARK,
    HOME_CITY,
    HOME_COUNTY,
    HOME_PROVINCE,
    MIN_TEAMS,
    DemoDataError,
)
from personnel.models import (
    Code,
    CodeTable,
    UnitKind,
)

# --- the plan --------------------------------------------------------------------------------------------


@dataclass
class _Area:
    """A region root: the province, a city or a county."""

    name: str  # 清河县
    code: str  # 130534 (ZB01)
    tier: str  # "county" | "city" | "province"
    abbr: str  # 清, the first character of document numbers (清组字〔2021〕5号)
    parent: _Area | None = None
    towns: list[str] = field(default_factory=list)  # the townships' names (镇/乡)
    stems: set[str] = field(default_factory=set)  # names taken, for uniqueness
    neighbours: list[str] = field(default_factory=list)  # other counties' full names

    @property
    def tier_word(self) -> str:
        return self.name[-1]


@dataclass
class _Post:
    title: str
    level: str  # ZB09 code
    principal: bool
    elected: bool
    avoid_home: bool
    party_only: bool
    female: bool = False
    filled: bool = True


@dataclass
class _UnitSpec:
    name: str
    short_name: str
    kind: str
    level: str
    area: _Area
    parent: _UnitSpec | None
    prefix: str  # text before a post title: 中共清河县委 + 书记
    group: str  # region / top / party / gov / mass / inst / ent / town
    weight: float
    posts: list[_Post] = field(default_factory=list)
    reference: bool = False  # 参公
    profile: str = "other"  # tech-title profile of an institution
    priority: float = 0.0
    sort_order: int = 0
    id: int = 0
    path: str = ""
    staff: int = 0

    @property
    def civil_service(self) -> bool:
        return self.kind not in (UnitKind.INSTITUTION, UnitKind.ENTERPRISE) or self.reference


@dataclass
class _Plan:
    root: _UnitSpec
    units: list[_UnitSpec]  # tree order: a parent before its children
    areas: list[_Area]


# --- the summary -----------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    seed: int
    size: int
    as_of: datetime.date
    history_kept: bool
    root: str = ""
    units: int = 0
    teams: int = 0
    quota_rows: int = 0
    quota_posts: int = 0
    leaders: int = 0
    cadres: int = 0
    family_members: int = 0
    educations: int = 0
    resume_entries: int = 0
    posts: int = 0
    rewards: int = 0
    appraisals: int = 0
    seconds: float = 0.0

    @property
    def vacancies(self) -> int:
        return self.quota_posts - self.leaders

    @property
    def rows(self) -> int:
        return (
            self.units
            + self.quota_rows
            + self.cadres
            + self.family_members
            + self.educations
            + self.resume_entries
            + self.posts
            + self.rewards
            + self.appraisals
        )

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        history = "已写入" if self.history_kept else "未写入（批量演示数据）"
        return [
            f"演示数据已生成：{self.root}（随机种子 {self.seed}，基准日期 {self.as_of:%Y-%m-%d}）",
            f"  单位 {self.units:,} 个，其中领导班子 {self.teams:,} 个；"
            f"领导职数 {self.quota_posts:,} 个，空缺 {self.vacancies:,} 个",
            f"  领导干部 {self.leaders:,} 名，干部合计 {self.cadres:,} 名",
            f"  家庭成员 {self.family_members:,} 人，学历学位 {self.educations:,} 条，简历 {self.resume_entries:,} 条，"
            f"任职记录 {self.posts:,} 条，年度考核 {self.appraisals:,} 条，奖惩 {self.rewards:,} 条",
            f"  共写入 {self.rows:,} 行，用时 {self.seconds:.1f} 秒（{self.rate:,.0f} 行/秒）",
            f"  历史记录：{history}",
        ]


# --- codes -----------------------------------------------------------------------------------------------


class _Codes:
    """Every code the generator uses, looked up once per run."""

    TABLES = (
        CodeTable.SEX,
        CodeTable.HEALTH,
        CodeTable.ETHNICITY,
        CodeTable.RELATION,
        CodeTable.POLITICAL,
        CodeTable.REGION,
        CodeTable.TECH_TITLE,
        CodeTable.EDUCATION,
        CodeTable.DEGREE,
        CodeTable.POST_LEVEL,
        CodeTable.RANK,
    )

    def __init__(self) -> None:
        self.ids: dict[str, dict[str, int]] = {str(t): {} for t in self.TABLES}
        self.names: dict[str, dict[str, str]] = {str(t): {} for t in self.TABLES}
        rows = Code.objects.filter(table__in=[str(t) for t in self.TABLES]).order_by("table", "sort_order")
        for table, code, pk, name in rows.values_list("table", "code", "id", "name"):
            self.ids[table][code] = pk
            self.names[table][code] = name
        missing = [str(t) for t in self.TABLES if not self.ids[str(t)]]
        if missing:
            raise DemoDataError(f"代码表 {'、'.join(missing)} 为空，请先运行 python manage.py migrate 加载代码表")
        self.tech_by_name: dict[str, str] = {}
        for code, name in self.names[CodeTable.TECH_TITLE].items():
            self.tech_by_name.setdefault(name, code)

    def id(self, table: str, code: str) -> int:
        try:
            return self.ids[table][code]
        except KeyError:
            raise DemoDataError(f"代码表 {table} 中缺少代码 {code}，请先更新代码表") from None

    def name(self, table: str, code: str) -> str:
        return self.names[table][code]


# --- small helpers ---------------------------------------------------------------------------------------


def _month(index: int) -> datetime.date:
    """The first day of month ``index`` (year * 12 + month - 1)."""
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _ym(index: int) -> str:
    return f"{index // 12}.{index % 12 + 1:02d}"


def _fmt(template: str, area: _Area) -> str:
    return template.format(n=area.name, t=area.tier_word)


def _county_name(zb01_name: str, code: str, province: str) -> tuple[str, str]:
    """(full name, short name) of a county-level ZB01 entry such as 河北清河."""
    short = zb01_name.removeprefix(province) or zb01_name
    if short.endswith(("县", "市", "区", "旗")) and len(short) > 1:
        return short, short[:-1] if len(short) > 2 else short
    suffix = "市" if int(code[4:]) >= 81 else "区" if int(code[4:]) <= 20 else "县"
    return short + suffix, short


def _county_team_count(cadres: float) -> int:
    """Leadership teams of a county with ``cadres`` cadres: 70 at 2,000
    (DOMAIN.md 7), proportionally fewer below, growing with the square root
    above (a big county has more townships and institutions, not 3× the
    teams)."""
    ratio = cadres / BASE_CADRES
    teams = BASE_TEAMS * (ratio if ratio <= 1 else math.sqrt(ratio))
    return max(MIN_TEAMS, round(teams))


def planned_counts(size: int) -> tuple[int, int]:
    """(counties, teams per county) the plan starts from for ``size`` cadres;
    exposed for tests of the proportions."""
    counties = 1 if size <= COUNTY_MAX_CADRES else math.ceil(size / COUNTY_MAX_CADRES)
    return counties, _county_team_count(size / counties)


# --- planning the units ----------------------------------------------------------------------------------


class _Planner:
    def __init__(self, rng: random.Random, codes: _Codes) -> None:
        self.rng = rng
        self.codes = codes

    def plan(self, size: int) -> _Plan:
        counties_wanted, _ = planned_counts(size)
        areas = self._areas(counties_wanted)
        counties = [a for a in areas if a.tier == "county"]
        # Counties of equal standing still differ in size.
        factors = [1.0] if len(counties) == 1 else [self.rng.uniform(0.75, 1.25) for _ in counties]
        share = size / sum(factors)
        root = self._region_unit(areas[0], None)
        regions: dict[str, _UnitSpec] = {areas[0].code: root}
        units = [root]
        for area in areas[1:]:
            parent = regions[area.parent.code if area.parent else areas[0].code]
            unit = regions[area.code] = self._region_unit(area, parent)
            unit.sort_order = sum(1 for u in units if u.parent is parent) + 1
            units.append(unit)
        # Teams come after all regions, so a parent always precedes its children.
        for area in areas:
            if area.tier == "province":
                continue
            factor = factors[counties.index(area)] if area.tier == "county" else 1.0
            count = _county_team_count(share * factor) if area.tier == "county" else None
            teams = self._teams(area, regions[area.code], count)
            for position, unit in enumerate(teams, start=1):
                unit.sort_order = position
                unit.weight *= factor
            units.extend(teams)
        return _Plan(root=root, units=units, areas=areas)

    # -- regions --

    def _areas(self, wanted: int) -> list[_Area]:
        names = self.codes.names[CodeTable.REGION]
        province_name = names[HOME_PROVINCE]
        # County-level entries of the province, grouped by city (ZB01 folds a
        # city's districts into the city's own entry).
        cities: dict[str, list[str]] = {}
        for code in names:
            if code[:2] == HOME_PROVINCE[:2] and code != HOME_PROVINCE:
                if code.endswith("00"):
                    cities.setdefault(code, [])
                else:
                    cities.setdefault(code[:4] + "00", []).append(code)
        home = cities.get(HOME_CITY, [])
        if HOME_COUNTY not in home:
            raise DemoDataError(f"代码表 ZB01 中缺少 {HOME_COUNTY}（清河），请先更新代码表")
        home.remove(HOME_COUNTY)
        home.insert(0, HOME_COUNTY)
        order = [HOME_CITY, *(c for c in cities if c != HOME_CITY)]
        available = sum(len(cities[c]) for c in order)
        wanted = min(wanted, available)

        def county(code: str, parent: _Area | None) -> _Area:
            full, short = _county_name(names[code], code, province_name)
            return _Area(full, code, "county", short[0], parent)

        def city(code: str, parent: _Area | None) -> _Area:
            short = names[code].removeprefix(province_name)
            return _Area(short + "市", code, "city", short[0], parent)

        if wanted == 1:
            return [county(HOME_COUNTY, None)]
        if wanted <= len(home):
            city_area = city(HOME_CITY, None)
            return [city_area, *(county(c, city_area) for c in home[:wanted])]
        province = _Area(province_name + "省", HOME_PROVINCE, "province", "冀")
        areas = [province]
        remaining = wanted
        for city_code in order:
            if remaining <= 0:
                break
            members = cities[city_code][:remaining]
            if not members:
                continue
            city_area = city(city_code, province)
            areas.append(city_area)
            areas.extend(county(c, city_area) for c in members)
            remaining -= len(members)
        return areas

    def _region_unit(self, area: _Area, parent: _UnitSpec | None) -> _UnitSpec:
        level = _TIER_LEVELS[area.tier][0]
        short = area.name + DEMO_MARK if parent is None else area.name
        return _UnitSpec(
            name=area.name,
            short_name=short,
            kind=UnitKind.REGION,
            level=level,
            area=area,
            parent=parent,
            prefix=area.name,
            group="region",
            weight=0.0,
        )

    # -- teams --

    def _post(self, area: _Area, role: str, title_template: str, unit_kind: str, group: str) -> _Post:
        title = _fmt(title_template, area)
        level = _ROLE_LEVELS[area.tier][role]
        principal = role in ("P", "p")
        avoid = any(_fmt(t, area) == title for t in _AVOID_HOME) and group in ("top", "gov") and role in ("P", "D", "p")
        # 局长（公安） marks the police chief for avoidance; the title itself is 局长.
        title = title.replace("（公安）", "")
        elected = group == "top" and unit_kind in (UnitKind.GOVERNMENT, UnitKind.PEOPLES_CONGRESS, UnitKind.CPPCC)
        elected = elected or (title in ("院长", "检察长") and group == "top")
        party_words = ("党", "书记", "常委", "委员", "纪")
        party_only = unit_kind == UnitKind.PARTY or any(w in title for w in party_words) or principal
        return _Post(title, level, principal, elected, avoid, party_only)

    def _teams(self, area: _Area, region: _UnitSpec, count: int | None) -> list[_UnitSpec]:
        """The leadership teams of a county (the first ``count`` by priority)
        or of a city (its own organs, no townships), in the conventional
        order: 四套班子 and the judiciary, party and government departments,
        mass organizations, institutions, townships."""
        top_level, dept_level = _TIER_LEVELS[area.tier]
        units: list[_UnitSpec] = []
        for _key, name, short, prefix, kind, posts, weight in _TOP_TEAMS:
            unit = _UnitSpec(
                name=_fmt(name, area),
                short_name=_fmt(short, area),
                kind=kind,
                level=top_level,
                area=area,
                parent=region,
                prefix=_fmt(prefix, area),
                group="top",
                weight=weight,
            )
            unit.posts = [self._post(area, role, title, kind, "top") for role, title in posts]
            units.append(unit)
        groups: dict[str, list[_UnitSpec]] = {}
        for group, name, short, kind, principal, deputy, deputies, weight in _DEPARTMENTS:
            unit = _UnitSpec(
                name=_fmt(name, area),
                short_name=_fmt(short, area),
                kind=kind,
                level=dept_level,
                area=area,
                parent=region,
                prefix=_fmt(name, area),
                group=group,
                weight=weight * (1.5 if area.tier == "city" else 1.0),
                reference=short in _REFERENCE_UNITS or kind == UnitKind.MASS_ORG,
                profile=_profile(short),
            )
            unit.posts = [self._post(area, "p", principal, kind, group)]
            unit.posts += [self._post(area, "d", deputy, kind, group) for _ in range(deputies)]
            if short == "妇联":
                for post in unit.posts:
                    post.female = True
            groups.setdefault(group, []).append(unit)
        if area.tier == "county":
            groups["town"] = self._townships(area, region)
        # Interleave the groups by priority so that a small county still gets
        # a mix of departments, townships and institutions.
        others = [u for members in groups.values() for u in members]
        template_order = {id(u): position for position, u in enumerate(others)}
        for members in groups.values():
            for index, unit in enumerate(members):
                unit.priority = (index + 0.5) / len(members)
        chosen = sorted(others, key=lambda u: u.priority)  # stable: template order breaks ties
        if count is not None:
            wanted = max(count, MIN_TEAMS) - len(units)
            chosen = chosen[:wanted]
        chosen.sort(key=lambda u: template_order[id(u)])
        area.towns = [u.name for u in chosen if u.kind == UnitKind.TOWNSHIP]
        if count is not None and len(units) + len(chosen) < count:
            chosen += self._extra_units(area, region, count - len(units) - len(chosen))
        return units + chosen

    def _townships(self, area: _Area, region: _UnitSpec) -> list[_UnitSpec]:
        units = []
        for _ in range(_DEFAULT_TOWNSHIPS):
            suffix = "乡" if self.rng.random() < 0.25 else "镇"
            units.append(self._township(area, region, self._town_name(area) + suffix, UnitKind.TOWNSHIP))
        for base in _SUBDISTRICT_NAMES[:_DEFAULT_SUBDISTRICTS]:
            area.stems.add(base)
            units.append(self._township(area, region, base + "街道", UnitKind.SUBDISTRICT))
        return units

    def _town_name(self, area: _Area) -> str:
        """A township name (without 镇/乡) not yet used in the county."""
        rng = self.rng
        while True:
            first = rng.choice(_TOWN_FIRST)
            middle = rng.choice(_TOWN_MIDDLE) if rng.random() < 0.4 else ""
            name = first + middle + rng.choice(_TOWN_LAST)
            if name not in area.stems:
                area.stems.add(name)
                return name

    def _township(self, area: _Area, region: _UnitSpec, name: str, kind: str) -> _UnitSpec:
        head = name[-1] if kind == UnitKind.TOWNSHIP else ""
        unit = _UnitSpec(
            name=name,
            short_name=name,
            kind=kind,
            level=_TIER_LEVELS[area.tier][1],
            area=area,
            parent=region,
            prefix=area.name + name,
            group="town",
            weight=_TOWN_WEIGHT if kind == UnitKind.TOWNSHIP else _SUBDISTRICT_WEIGHT,
        )
        if kind == UnitKind.TOWNSHIP:
            titles = [
                ("p", "党委书记"),
                ("p", f"党委副书记、{head}长"),
                ("p", "人大主席"),
                ("d", "党委副书记"),
                ("d", "纪委书记"),
                ("d", "党委委员、组织委员"),
                ("d", "党委委员、宣传委员"),
                ("d", "党委委员、政法委员"),
                ("d", "党委委员、武装部部长"),
                ("d", f"党委委员、副{head}长"),
                ("d", f"党委委员、副{head}长"),
                *(("d", f"副{head}长"),) * 3,
            ]
        else:
            titles = [
                ("p", "党工委书记"),
                ("p", "党工委副书记、办事处主任"),
                ("d", "党工委副书记"),
                ("d", "纪工委书记"),
                ("d", "党工委委员、组织委员"),
                ("d", "党工委委员、宣传委员"),
                ("d", "党工委委员、武装部部长"),
                ("d", "办事处副主任"),
                ("d", "办事处副主任"),
            ]
        unit.posts = [self._post(area, role, title, kind, "town") for role, title in titles]
        return unit

    def _extra_units(self, area: _Area, region: _UnitSpec, count: int) -> list[_UnitSpec]:
        """Teams beyond the named template for a big county: more townships
        (up to 30), then middle schools and township health centres."""
        units: list[_UnitSpec] = []
        while len(units) < count and len(area.towns) < _MAX_TOWNSHIPS:
            suffix = "乡" if self.rng.random() < 0.25 else "镇"
            unit = self._township(area, region, self._town_name(area) + suffix, UnitKind.TOWNSHIP)
            area.towns.append(unit.name)
            units.append(unit)
        number = 2
        while len(units) < count:
            index = len(units)
            if index % 2 == 0 or not area.towns:
                name, short, profile, head = f"{area.name}第{_chinese_number(number)}中学", "中学", "school", "校长"
                number += 1
            else:
                town = area.towns[index % len(area.towns)]
                name, short, profile, head = f"{area.name}{town}中心卫生院", "卫生院", "hospital", "院长"
            unit = _UnitSpec(
                name=name,
                short_name=short,
                kind=UnitKind.INSTITUTION,
                level=_TIER_LEVELS[area.tier][1],
                area=area,
                parent=region,
                prefix=name,
                group="inst",
                weight=24.0,
                profile=profile,
            )
            unit.posts = [self._post(area, "p", head, UnitKind.INSTITUTION, "inst")]
            unit.posts += [self._post(area, "d", "副" + head, UnitKind.INSTITUTION, "inst") for _ in range(2)]
            units.append(unit)
        return units


def _profile(short: str) -> str:
    if "医院" in short or "疾控" in short or "卫生院" in short:
        return "hospital"
    if "中学" in short or "职教" in short:
        return "school"
    if "融媒体" in short:
        return "media"
    return "other"


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")
