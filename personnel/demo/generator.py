"""The rows of one demo cadre: the cadre, its posts, 简历, educations,
family, rewards and appraisals, appended to a batch (see ``personnel.demo``)."""

from __future__ import annotations

import contextlib
import datetime

from personnel import rules
from personnel.demo.people import Row, _Batch, _Education, _identity, _management, _People, _Position, _Reward, _Stage
from personnel.demo.plan import _Area, _month, _month_index, _Post, _UnitSpec, _ym
from personnel.demo.reference import (
    _EXPERTISE,
    _LEADER_AGES,
    _LEADER_RANKS,
    _NON_PARTY_LEADERS,
    _NON_PARTY_STAFF,
    _SPOUSE_JOBS,
    _STAFF_RANKS,
    _TOWN_FIRST,
    _VILLAGE_LAST,
    RANK_REFORM,
)
from personnel.models import (
    AppointmentMethod,
    AppraisalGrade,
    CadreStatus,
    CodeTable,
    EducationKind,
    RewardKind,
    UnitKind,
)


class _Generator(_People):
    # -- one cadre --

    def cadre(self, cadre_id: int, unit: _UnitSpec, post: _Post | None, batch: _Batch) -> None:
        """Generate one cadre of ``unit`` (holding ``post``, or an ordinary
        post when None) with every sub-record, appended to ``batch``."""
        rng = self.rng
        codes = self.codes
        area = unit.area
        tech_title = ""
        field_code: str | None = None
        if post is None and unit.kind == UnitKind.INSTITUTION and not unit.reference and rng.random() < 0.7:
            titles, field_code = self.tech_titles[unit.profile]
            tech_title = titles.pick(rng)

        # Sex and age: leaders are older; nobody is past retirement.
        if post is not None:
            female = post.female or rng.random() < 0.18
            low, high, mode = _LEADER_AGES[post.level]
            age = rng.triangular(low, high, mode)
        else:
            female = rng.random() < (0.55 if tech_title else 0.36)
            age = rng.triangular(22.5, 59.5, 34)
        sex = "2" if female else "1"
        if female and age > 55:
            age = rng.uniform(age - 20, 55)
        birth = self.birth_date(sex, age)

        educations = self.educations(birth, field_code, leader=post is not None)
        work_start = self._work_start(educations)
        status, party_join = self._political_status(post, birth, age)

        # Places: the avoidance posts never go to someone from the county itself.
        native = self.place(area, 0.72)
        while post is not None and post.avoid_home and native == area.code:
            native = self.place(area, 0.0)
        if post is not None and post.avoid_home and self.links.random() < 0.3:
            native = area.code  # a rare breach of home-county avoidance, for the checks to find
        birthplace = native if rng.random() < 0.85 or area.tier != "county" else area.code
        name = self.name(sex, birth.year)
        name_pinyin, initials = self.pinyin_of(name)
        id_number, birth = self.id_number(birthplace, birth, not female)

        if post is not None:
            roll = rng.random()
            # Most leaders have been in post a few years; some long enough
            # for the rotation rules (8 and 10 years, DOMAIN.md 6.4).
            tenure = (
                rng.randint(3, 60) if roll < 0.7 else rng.randint(60, 100) if roll < 0.92 else rng.randint(100, 140)
            )
        else:
            tenure = rng.randint(6, 180)
        stages = self.career(unit=unit, post=post, work_start=work_start, tenure=tenure)
        position = self._position(unit, post, stages, work_start, tech_title)
        grades, rewards = self._record(unit, post, work_start, party_member=status in ("01", "02"))

        expertise = ""
        if post is not None:
            group = (
                "party" if unit.kind == UnitKind.PARTY else "judicial" if unit.kind == UnitKind.JUDICIAL else unit.group
            )
            expertise = rng.choice(_EXPERTISE.get(group, _EXPERTISE["other"]))
        batch.cadres.append(
            (
                cadre_id,
                name,
                name_pinyin,
                initials,
                sex,
                birth,
                codes.id(CodeTable.ETHNICITY, self.ethnicities.pick(rng)),
                self.region_names[native],
                native,
                self.region_names[birthplace],
                birthplace,
                codes.id(CodeTable.POLITICAL, status),
                party_join,
                _month(work_start),
                codes.id(CodeTable.HEALTH, "1" if rng.random() < 0.93 else "3"),
                "",
                codes.id(CodeTable.TECH_TITLE, codes.tech_by_name[tech_title]) if tech_title else None,
                tech_title,
                expertise,
                id_number,
                _identity(unit, tech_title),
                _management(post),
                CadreStatus.ACTIVE,
                unit.id,
                position.current_post,
                _month(stages[-1].start),
                codes.id(CodeTable.POST_LEVEL, position.level) if position.level else None,
                position.level_date,
                codes.id(CodeTable.RANK, position.rank) if position.rank else None,
                position.rank_date,
                "",
                None,
                "；".join(reward.text() for reward in rewards),
                "",
                1,
                self.now,
                self.now,
            )
        )
        batch.appraisals.extend((cadre_id, year, grade, "") for year, grade in grades)
        batch.rewards.extend((cadre_id, r.kind, r.title, r.date, r.issuer, r.description) for r in rewards)
        self._education_rows(cadre_id, educations, batch)
        self._career_rows(cadre_id, unit, stages, educations, position, batch)
        self.family(cadre_id, name, sex, birth, area, batch)
        self._link_spouse(batch, cadre_id, unit, name, sex, birth, id_number)

    def _link_spouse(
        self, batch: _Batch, cadre_id: int, unit: _UnitSpec, name: str, sex: str, birth: datetime.date, id_number: str
    ) -> None:
        """Some cadres are married to an earlier cadre of the same unit or
        county: the spouse row then names that cadre (same name, birth date
        and ID number), as a real 家庭成员 entry would."""
        links = self.links
        area = unit.area
        spouse_codes = {self.codes.id(CodeTable.RELATION, "12"), self.codes.id(CodeTable.RELATION, "13")}
        rows = [
            i
            for i in range(len(batch.family) - 1, max(-1, len(batch.family) - 12), -1)
            if batch.family[i][0] == cadre_id and batch.family[i][1] in spouse_codes
        ]
        if rows and links.random() < 0.04:
            pool = self._spouse_pool.get((unit.id if links.random() < 0.5 else area.code, sex), [])
            candidates = [p for p in pool if abs(p[1].year - birth.year) <= 6]
            if candidates:
                chosen = links.choice(candidates)
                spouse_name, spouse_birth, spouse_number = chosen
                for key in ((unit.id, sex), (area.code, sex)):  # nobody is married twice
                    with contextlib.suppress(ValueError):
                        self._spouse_pool.get(key, []).remove(chosen)
                row = list(batch.family[rows[0]])
                row[3], row[4], row[7] = spouse_name, spouse_birth, spouse_number
                batch.family[rows[0]] = tuple(row)
        other = "2" if sex == "1" else "1"
        for key in ((unit.id, other), (area.code, other)):
            pool = self._spouse_pool.setdefault(key, [])
            pool.append((name, birth, id_number))
            if len(pool) > 40:
                del pool[0]

    def _work_start(self, educations: list[_Education]) -> int:
        """参加工作时间: the month after full-time schooling (sometimes a few
        months later); a graduate who has not started yet would not be on
        the roster, so the schooling moves back instead."""
        rng = self.rng
        full_time = [e for e in educations if e.kind == EducationKind.FULL_TIME]
        work_start = full_time[-1].end + (1 if rng.random() < 0.8 else rng.randint(2, 14))
        if work_start > self.as_of_m - 1:
            shift = work_start - (self.as_of_m - 1)
            for entry in educations:
                entry.start -= shift
                entry.end -= shift
            work_start -= shift
        return work_start

    def _political_status(
        self, post: _Post | None, birth: datetime.date, age: float
    ) -> tuple[str, datetime.date | None]:
        """政治面貌 (GB4762) and 入党时间: mostly 中共党员; 党外 leaders only in
        posts open to them; the young include 共青团员 and 预备党员."""
        rng = self.rng
        roll = rng.random()
        if post is not None:
            status = rng.choice(_NON_PARTY_LEADERS) if not post.party_only and roll < 0.16 else "01"
        elif age < 28:
            status = "01" if roll < 0.52 else "02" if roll < 0.58 else "03" if roll < 0.8 else "13"
        else:
            status = "01" if roll < 0.8 else "13" if roll < 0.94 else rng.choice(_NON_PARTY_STAFF)
        if status == "02":
            return status, _month(self.as_of_m - rng.randint(1, 11))
        if status != "01":
            return status, None
        join_age = rng.triangular(19, 30, 22) if post is not None else rng.triangular(19, 34, 23)
        born = _month_index(birth)
        join = min(born + int(join_age * 12), self.as_of_m - 13)
        return status, _month(max(join, born + 18 * 12))

    def _position(
        self, unit: _UnitSpec, post: _Post | None, stages: list[_Stage], work_start: int, tech_title: str
    ) -> _Position:
        """现任职务, 职务层次 with 任同级职务时间, and 职级 (ZJ2019) with its date:
        a leader's rank matches the post level (DOMAIN.md 4); an ordinary civil
        servant's rank follows years of service; institution and enterprise
        staff have no rank."""
        rng = self.rng
        current = stages[-1]
        ranks_from = _month_index(RANK_REFORM)
        if post is not None:
            level_start = current.start
            for stage in reversed(stages[:-1]):
                if stage.level != post.level:
                    break
                level_start = stage.start
            position = _Position(unit.prefix + post.title, post.level, _month(level_start))
            if unit.civil_service:
                usual, senior = _LEADER_RANKS[post.level]
                senior_ok = (self.as_of_m - level_start) >= 72 and rng.random() < 0.6
                position.rank = senior if senior_ok else usual
                rank_m = max(level_start, ranks_from)
                if senior_ok:
                    rank_m = max(rank_m, min(level_start + 48, self.as_of_m - 1))
                position.rank_date = _month(rank_m)
            return position
        if tech_title:
            current.title = tech_title
            return _Position(unit.prefix + tech_title, None, None)
        if not unit.civil_service:
            current.title = "职员"
            return _Position(unit.prefix + "职员", "1A99", _month(work_start))
        service = (self.as_of_m - work_start) / 12
        rank = next(code for years, code in _STAFF_RANKS if service >= years)
        if rank == "09":
            # Rank promotions are limited by rank quotas: not everyone moves
            # up on time.
            roll = rng.random()
            rank = "08" if service >= 22 and roll < 0.25 else "10" if roll > 0.6 else rank
        threshold = 20 if rank == "08" else next(years for years, code in _STAFF_RANKS if code == rank)
        current.title = self.codes.name(CodeTable.RANK, rank)
        # 试用期 in the first year, then 科员 (任同级职务时间 from the end of probation).
        probation = service < 1
        return _Position(
            unit.prefix + current.title,
            "1A98" if probation else "1A50",
            _month(work_start if probation else work_start + 12),
            rank,
            _month(min(max(work_start + threshold * 12, ranks_from), self.as_of_m)),
        )

    def _record(
        self, unit: _UnitSpec, post: _Post | None, work_start: int, *, party_member: bool
    ) -> tuple[list[tuple[int, str]], list[_Reward]]:
        """Annual appraisals for the last 3–5 years (mostly 称职, about 15 %
        优秀, rare 基本称职; 不定等次 in the year of joining), with the
        rewards they bring (嘉奖 for 优秀, 记三等功 for three in a row) and
        rare sanctions."""
        rng = self.rng
        area = unit.area
        first_year = self.as_of.year - rng.randint(3, 5)
        work_year = work_start // 12
        rewards: list[_Reward] = []
        punished_year = 0
        if rng.random() < 0.008:
            punished_year = rng.randint(first_year, self.as_of.year - 1)
            day = _month(punished_year * 12 + rng.randint(2, 11))
            if party_member and rng.random() < 0.6:
                rewards.append(_Reward(RewardKind.PUNISHMENT, "党内警告处分", day, f"中共{area.name}纪律检查委员会"))
            else:
                rewards.append(_Reward(RewardKind.PUNISHMENT, "政务警告处分", day, f"{area.name}监察委员会"))
            rewards[-1].description = "违反工作纪律"
        excellent = 0.18 if post is not None else 0.15
        grades: list[tuple[int, str]] = []
        for year in range(max(first_year, work_year), self.as_of.year):
            roll = rng.random()
            grade: str
            if year == work_year:
                grade = AppraisalGrade.UNRATED
            elif year == punished_year:
                grade = AppraisalGrade.BASICALLY_COMPETENT if roll < 0.3 else AppraisalGrade.COMPETENT
            elif roll < excellent:
                grade = AppraisalGrade.EXCELLENT
            elif roll < excellent + 0.012:
                grade = AppraisalGrade.BASICALLY_COMPETENT
            else:
                grade = AppraisalGrade.COMPETENT
            grades.append((year, grade))
        issuer = f"{area.name}人民政府"
        streak = 0
        for year, grade in grades:
            streak = streak + 1 if grade == AppraisalGrade.EXCELLENT else 0
            if not streak or not unit.civil_service:
                continue
            day = _month((year + 1) * 12 + 2)
            if streak % 3 == 0:
                rewards.append(
                    _Reward(RewardKind.REWARD, "记三等功", day, issuer, f"{year - 2}—{year}年度连续三年考核优秀")
                )
            elif rng.random() < 0.5:
                rewards.append(_Reward(RewardKind.REWARD, "嘉奖", day, issuer, f"{year}年度考核优秀"))
        if party_member and rng.random() < 0.03:
            year = rng.randint(first_year, self.as_of.year - 1)
            rewards.append(
                _Reward(
                    RewardKind.REWARD,
                    "优秀共产党员",
                    _month(year * 12 + 5),
                    f"中共{area.name}委员会",
                    f"{year}年度全{area.tier_word}优秀共产党员",
                )
            )
        rewards.sort(key=lambda r: r.date)
        return grades, rewards

    def _education_rows(self, cadre_id: int, educations: list[_Education], batch: _Batch) -> None:
        codes = self.codes
        # The highest education is marked; full-time wins a tie.
        highest = max(educations, key=lambda e: (e.rank, e.kind == EducationKind.FULL_TIME))
        for order, entry in enumerate(educations, start=1):
            batch.educations.append(
                (
                    cadre_id,
                    entry.kind,
                    codes.id(CodeTable.EDUCATION, entry.code),
                    codes.id(CodeTable.DEGREE, entry.degree) if entry.degree else None,
                    entry.school,
                    entry.major,
                    _month(entry.start),
                    _month(entry.end),
                    entry is highest,
                    order,
                )
            )

    def _career_rows(
        self,
        cadre_id: int,
        unit: _UnitSpec,
        stages: list[_Stage],
        educations: list[_Education],
        position: _Position,
        batch: _Batch,
    ) -> None:
        """The posts held (任职记录) and the 简历 from the same stages, so the
        two always agree: full-time study lines first, then one line per
        post, the current one open-ended, in-service study as （其间：…）."""
        rng = self.rng
        codes = self.codes
        area = unit.area
        order = 0
        for entry in educations:
            if entry.kind == EducationKind.FULL_TIME:
                order += 1
                study = "研究生" if entry.rank == 4 else ""
                content = f"{entry.school}{entry.major}专业{study}学习"
                batch.resume.append((cadre_id, _month(entry.start), _month(entry.end), content, "", order))
        in_service = [e for e in educations if e.kind == EducationKind.IN_SERVICE]
        last = len(stages) - 1
        for index, stage in enumerate(stages):
            end = _month(stages[index + 1].start) if index < last else None
            level = position.level if index == last else "1A50" if stage.level == "staff" else stage.level
            note = ""
            for entry in in_service:
                if stage.start <= entry.start and (index == last or entry.start < stages[index + 1].start):
                    what = "在职研究生" if entry.rank == 4 else "在职" + entry.label
                    note = f"{_ym(entry.start)}--{_ym(entry.end)}在{entry.school}{entry.major}专业{what}学习"
            order += 1
            batch.resume.append((cadre_id, _month(stage.start), end, stage.unit_text + stage.title, note, order))
            document = ""
            if stage.method == AppointmentMethod.APPOINTED and stage.leadership:
                # 乡科级 posts are the county's to appoint, higher ones the city's.
                issuer = area if stage.level in ("1A41", "1A42") else (area.parent or area)
                document = f"{issuer.abbr}组字〔{stage.start // 12}〕{rng.randint(1, 90)}号"
            batch.posts.append(
                (
                    cadre_id,
                    stage.unit.id if stage.unit is not None else None,
                    stage.unit.name if stage.unit is not None else stage.unit_text,
                    stage.title,
                    codes.id(CodeTable.POST_LEVEL, level) if level else None,
                    codes.id(CodeTable.RANK, position.rank) if index == last and position.rank else None,
                    stage.leadership,
                    True,
                    _month(stage.start),
                    end,
                    stage.method,
                    document,
                    index + 1,
                )
            )

    # -- family --

    def family(self, cadre_id: int, name: str, sex: str, birth: datetime.date, area: _Area, batch: _Batch) -> None:
        """家庭主要成员: spouse (GB4761 丈夫/妻子) for most, children (儿子/女儿,
        长子/次子 … when two), both parents (some 已去世); GB4762 political
        status; valid ID numbers for some of the living."""
        rng = self.rng
        codes = self.codes
        age = self.as_of.year - birth.year
        county = area if area.tier == "county" else None
        county_name = area.name
        city_name = area.parent.name if county and area.parent else self.home_city if county else area.name
        home_region = county.code if county else self.rng.choice(self.province_places)
        town = rng.choice(area.towns) if area.towns else "城关镇"
        surname = name[:2] if name[:2] in ("欧阳", "司马") else name[0]
        members: list[Row] = []

        def add(
            relation: str,
            person: str,
            born: datetime.date,
            status: str,
            work: str,
            *,
            deceased: bool = False,
            with_id: bool = False,
            male: bool = True,
        ) -> None:
            number = ""
            if with_id and not deceased:
                number, born = self.id_number(home_region, born, male)
            else:
                born = born.replace(day=1)
            members.append(
                (
                    cadre_id,
                    codes.id(CodeTable.RELATION, relation),
                    codes.name(CodeTable.RELATION, relation),
                    person,
                    born,
                    codes.id(CodeTable.POLITICAL, status),
                    "已去世" if deceased else work,
                    number,
                    deceased,
                    False,
                    len(members) + 1,
                )
            )

        def day_near(years_before: float) -> datetime.date:
            ordinal = birth.toordinal() + int(years_before * 365.25) + rng.randrange(-180, 180)
            return datetime.date.fromordinal(min(ordinal, self.as_of.toordinal() - 30))

        def village() -> str:
            return rng.choice(_TOWN_FIRST) + rng.choice(_VILLAGE_LAST)

        married = age >= 25 and rng.random() < (0.93 if age >= 30 else 0.6)
        spouse_surname = self.surnames.pick(rng)
        if married:
            spouse_male = sex == "2"
            spouse_birth = day_near(rng.uniform(-3, 4) if spouse_male else rng.uniform(-1, 5))
            spouse_age = self.as_of.year - spouse_birth.year
            job = rng.choice(_SPOUSE_JOBS).format(c=county_name, city=city_name, town=town, village=village())
            if spouse_age >= (60 if spouse_male else 55) and rng.random() < 0.7:
                job = "退休"
            status = "01" if rng.random() < 0.45 else "13"
            add(
                "12" if spouse_male else "13",
                self.name("1" if spouse_male else "2", spouse_birth.year, spouse_surname),
                spouse_birth,
                status,
                job,
                with_id=rng.random() < 0.5,
                male=spouse_male,
            )
            child_surname = surname if sex == "1" else spouse_surname
            children = 0 if rng.random() < 0.05 else 1 if rng.random() < 0.55 else 2
            kids: list[tuple[bool, datetime.date]] = []
            first = rng.uniform(24, 32)
            for index in range(children):
                child_birth = day_near(first + index * rng.uniform(2, 8))
                if child_birth.toordinal() >= self.as_of.toordinal() - 60:
                    break
                kids.append((rng.random() < 0.5, child_birth))
            sons = sum(1 for male, _ in kids if male)
            daughters = len(kids) - sons
            son_index = daughter_index = 0
            for male, child_birth in kids:
                child_age = rules.age_at(child_birth, self.as_of)
                if male:
                    relation = ("20", "21")[son_index] if sons > 1 else "14"
                    son_index += 1
                else:
                    relation = ("28", "29")[daughter_index] if daughters > 1 else "15"
                    daughter_index += 1
                if child_age < 6:
                    work, status = "学龄前儿童", "13"
                elif child_age < 12:
                    work, status = f"{county_name}实验小学学生", "13"
                elif child_age < 18:
                    work, status = f"{county_name}第一中学学生", "03" if child_age >= 14 else "13"
                elif child_age < 23:
                    work, status = f"{self.universities.pick(rng)}学生", "03" if rng.random() < 0.8 else "01"
                else:
                    work = rng.choice(_SPOUSE_JOBS[:9]).format(c=county_name, city=city_name, town=town, village="")
                    status = "01" if rng.random() < 0.3 else "03" if child_age < 28 else "13"
                add(
                    relation,
                    self.name("1" if male else "2", child_birth.year, child_surname),
                    child_birth,
                    status,
                    work,
                    with_id=child_age >= 16 and rng.random() < 0.4,
                    male=male,
                )

        for relation, parent_male in (("10", True), ("11", False)):
            parent_birth = day_near(-rng.uniform(22, 32) if parent_male else -rng.uniform(20, 30))
            parent_age = self.as_of.year - parent_birth.year
            deceased = rng.random() < _deceased_chance(parent_age + (3 if parent_male else 0))
            work = "退休" if rng.random() < 0.3 else f"{county_name}{town}{village()}村村民"
            if parent_age < 60 and work == "退休":
                work = f"{county_name}{town}{village()}村村民"
            add(
                relation,
                self.name("1" if parent_male else "2", parent_birth.year, surname if parent_male else None),
                parent_birth,
                "01" if rng.random() < 0.3 else "13",
                work,
                deceased=deceased,
                with_id=rng.random() < 0.2,
                male=parent_male,
            )
        batch.family.extend(members)


def _deceased_chance(age: int) -> float:
    if age >= 90:
        return 0.85
    if age >= 80:
        return 0.45
    if age >= 70:
        return 0.15
    if age >= 60:
        return 0.05
    return 0.02
