"""The registry: code tables, units and their quotas, cadres and the
structured sub-records of the national 干部任免审批表.

Year-month values (出生年月 when only the month is known, 入党时间, 参加工作时间,
任职时间 …) are stored as dates on the first of the month: every source the
registry reads (LRMX, LRM, rosters) gives month precision for them.
Every model here is tracked by django-pghistory: triggers write a history row
for every insert, update and delete, whatever issued it (ORM, bulk_update,
queryset.update() or raw SQL), tagged with the request or job context.
The triggers are statement-level (one INSERT of history rows per statement,
from its transition table), so that a batched write of many rows (the roster
import's INSERT … SELECT) costs one history statement, not one per row.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Reverse
from django.utils import timezone

from core.checks import policy_choices
from core.history import STATEMENT, track
from personnel import facts, rules


class CodeTable(models.TextChoices):
    SEX = "GB22611", "性别"
    HEALTH = "GB22613", "健康状况"
    AGE_LIMIT = "NLLB", "改革前任职年龄界限类别"
    ETHNICITY = "GB3304", "民族"
    RELATION = "GB4761", "家庭成员与该人员关系"
    POLITICAL = "GB4762", "政治面貌"
    REGION = "ZB01", "行政区划"
    TECH_TITLE = "GB8561", "专业技术职务"
    EDUCATION = "ZB64", "学历"
    DEGREE = "GB6864", "学位"
    POST_LEVEL = "ZB09", "职务级别"
    RANK = "ZJ2019", "职级（综合管理类）"


class Code(models.Model):
    """One entry of a national code table (DmGrp.xml), the ZB09 post levels or
    the 2019 ranks. ``parent`` keeps the hierarchy of ZB01 and ZB64;
    ``attrs`` holds table-specific facts (a rank's equivalent post level)."""

    table = models.CharField("代码表", max_length=16, choices=CodeTable.choices)
    code = models.CharField("代码", max_length=16)
    name = models.CharField("名称", max_length=100)
    pinyin = models.CharField("拼音首字母", max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    attrs = models.JSONField("附加属性", default=dict, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "代码"
        verbose_name_plural = "代码表"
        ordering = ["table", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="code_unique_in_table")]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    PARTY = "party", "党委机关"
    GOVERNMENT = "government", "政府部门"
    PEOPLES_CONGRESS = "congress", "人大机关"
    CPPCC = "cppcc", "政协机关"
    JUDICIAL = "judicial", "政法机关"
    TOWNSHIP = "township", "乡镇"
    SUBDISTRICT = "subdistrict", "街道"
    MASS_ORG = "mass_org", "群团组织"
    INSTITUTION = "institution", "事业单位"
    ENTERPRISE = "enterprise", "国有企业"
    REGION = "region", "地区（县、市）"
    OTHER = "other", "其他"


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "省部级"
    BUREAU = "bureau", "厅局级"
    COUNTY = "county", "县处级"
    SECTION = "section", "乡科级"
    OTHER = "other", "其他"


@track(level=STATEMENT)
class Unit(models.Model):
    """A node of the organization tree. ``path`` is the materialized path of
    ids (``/1/7/42/``) so that a subtree is one indexed prefix match."""

    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("层级路径", max_length=255, editable=False, default="")
    kind = models.CharField("单位类别", max_length=20, choices=UnitKind.choices, default=UnitKind.OTHER)
    level = models.CharField("机构级别", max_length=20, choices=UnitLevel.choices, default=UnitLevel.SECTION)
    region_code = models.CharField("行政区划代码", max_length=6, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        indexes = [
            # Pattern ops serve subtree prefix matches; the plain btree serves
            # ORDER BY path, the lists' default order (222 ms → 0.15 ms at 1M).
            models.Index(fields=["path"], name="unit_path_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["path"], name="unit_path_order_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_within(self, root: Unit) -> bool:
        return self.path.startswith(root.path)


@track(level=STATEMENT)
class LeadershipQuota(models.Model):
    """职数: how many leadership posts of one post level a unit may have."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="quotas")
    post_level = models.ForeignKey(
        Code, verbose_name="职务级别", on_delete=models.PROTECT, limit_choices_to={"table": CodeTable.POST_LEVEL}
    )
    count = models.PositiveSmallIntegerField("职数")
    note = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "领导职数"
        verbose_name_plural = "领导职数"
        constraints = [models.UniqueConstraint(fields=["unit", "post_level"], name="quota_unique_per_level")]

    def __str__(self) -> str:
        return f"{self.unit} {self.post_level} {self.count}"


class Sex(models.TextChoices):
    MALE = "1", "男"
    FEMALE = "2", "女"


class IdentityCategory(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", "公务员"
    REFERENCE_CIVIL_SERVANT = "reference", "参照公务员法管理"
    INSTITUTION_MANAGER = "inst_manager", "事业单位管理人员"
    INSTITUTION_PROFESSIONAL = "inst_professional", "事业单位专业技术人员"
    ENTERPRISE_MANAGER = "enterprise_manager", "国有企业管理人员"
    OTHER = "other", "其他"


class ManagementCategory(models.TextChoices):
    CITY = "city", "市管干部"
    COUNTY = "county", "县管干部"
    UNIT = "unit", "单位管理"


class CadreStatus(models.TextChoices):
    ACTIVE = "active", "在职"
    RETIRED = "retired", "退休"
    TRANSFERRED = "transferred", "调出"
    DECEASED = "deceased", "去世"


class RetirementCategory(models.TextChoices):
    """Which statutory retirement schedule of the 2025 reform applies."""

    MALE = "male", "男职工（原60周岁）"
    FEMALE_CADRE = "female_cadre", "女干部（原55周岁）"
    FEMALE_WORKER = "female_worker", "女职工（原50周岁）"


def _code_fk(table: CodeTable, verbose: str, related: str) -> models.ForeignKey[Code | None, Code | None]:
    return models.ForeignKey(
        Code,
        verbose_name=verbose,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"table": table},
        related_name=related,
    )


@track(level=STATEMENT)
class Cadre(models.Model):
    """A cadre with every field of the national form. Sub-records (education,
    résumé, posts, family, rewards, appraisals, photo) are their own rows."""

    name = models.CharField("姓名", max_length=40)
    name_pinyin = models.CharField("姓名全拼", max_length=120, blank=True, editable=False)
    name_initials = models.CharField("姓名拼音首字母", max_length=40, blank=True, editable=False)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生年月")
    ethnicity = _code_fk(CodeTable.ETHNICITY, "民族", "+")
    native_place = models.CharField("籍贯", max_length=60, blank=True)
    native_place_code = models.CharField("籍贯代码", max_length=6, blank=True)
    birthplace = models.CharField("出生地", max_length=60, blank=True)
    birthplace_code = models.CharField("出生地代码", max_length=6, blank=True)
    political_status = _code_fk(CodeTable.POLITICAL, "政治面貌", "+")
    party_join_date = models.DateField("入党时间", null=True, blank=True)
    work_start_date = models.DateField("参加工作时间", null=True, blank=True)
    health = _code_fk(CodeTable.HEALTH, "健康状况", "+")
    health_text = models.CharField("健康状况（文字）", max_length=60, blank=True)
    tech_title = _code_fk(CodeTable.TECH_TITLE, "专业技术职务", "+")
    tech_title_text = models.CharField("专业技术职务（文字）", max_length=100, blank=True)
    expertise = models.CharField("熟悉专业有何专长", max_length=200, blank=True)
    # NULL, not "": older files lack the number, and the unique constraint must ignore them.
    id_number = models.CharField("公民身份号码", max_length=18, null=True, blank=True)  # noqa: DJ001
    identity_category = models.CharField(
        "身份类别", max_length=20, choices=IdentityCategory.choices, default=IdentityCategory.CIVIL_SERVANT
    )
    management_category = models.CharField(
        "管理类别", max_length=10, choices=ManagementCategory.choices, default=ManagementCategory.COUNTY
    )
    status = models.CharField("人员状态", max_length=12, choices=CadreStatus.choices, default=CadreStatus.ACTIVE)
    unit = models.ForeignKey(Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="cadres")
    current_post = models.CharField("现任职务", max_length=200, blank=True)
    current_post_date = models.DateField("任现职时间", null=True, blank=True)
    post_level = _code_fk(CodeTable.POST_LEVEL, "现职务层次", "+")
    post_level_date = models.DateField("任同级职务时间", null=True, blank=True)
    rank = _code_fk(CodeTable.RANK, "现职级", "+")
    rank_date = models.DateField("任现职级时间", null=True, blank=True)
    retirement_category = models.CharField(
        "退休年龄类别", max_length=16, choices=RetirementCategory.choices, blank=True
    )
    age_limit = _code_fk(CodeTable.AGE_LIMIT, "改革前任职年龄界限", "+")
    rewards_text = models.TextField("奖惩情况", blank=True)
    note = models.TextField("备注", blank=True)
    # Optimistic concurrency: bumped by every service write; the ETag of the API.
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["unit__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_number"], name="cadre_id_number_unique"),
            # ID numbers are stored normalized: 18 characters, upper-case X.
            models.CheckConstraint(
                condition=Q(id_number__isnull=True) | Q(id_number__regex=r"^[0-9]{17}[0-9X]$"),
                name="cadre_id_number_format",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="cadre_unit_status_idx"),
            models.Index(fields=["birth_date"], name="cadre_birth_idx"),
            # Prefix searches (name, pinyin, initials, last digits of the ID
            # number) use these; the embedded server has no pg_trgm.
            models.Index(fields=["name"], name="cadre_name_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_pinyin"], name="cadre_pinyin_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_initials"], name="cadre_initials_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(OpClass(Reverse("id_number"), name="varchar_pattern_ops"), name="cadre_id_number_suffix_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    # Computed values (DOMAIN.md 3): thin wrappers over personnel.facts, the
    # one definition every page, export and form uses.
    def age_at(self, when: datetime.date | None = None) -> int:
        return facts.age_at(self.birth_date, when or timezone.localdate())

    def years_in_post(self, when: datetime.date | None = None) -> int | None:
        return facts.years_in_post(self.current_post_date, when or timezone.localdate())

    def years_at_level(self, when: datetime.date | None = None) -> int | None:
        return facts.years_since(self.post_level_date, when or timezone.localdate())

    @property
    def generation(self) -> str:
        return rules.generation_label(self.birth_date)

    @property
    def effective_retirement_category(self) -> str:
        return facts.retirement_category(sex=self.sex, category=self.retirement_category)

    def retirement_month(self) -> datetime.date:
        return facts.retirement_month(
            birth_date=self.birth_date,
            sex=self.sex,
            category=self.retirement_category,
            age_limit_code=self.age_limit.code if self.age_limit is not None else None,
        )


class EducationKind(models.TextChoices):
    FULL_TIME = "full_time", "全日制教育"
    IN_SERVICE = "in_service", "在职教育"


@track(level=STATEMENT)
class Education(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="educations")
    kind = models.CharField("教育类别", max_length=12, choices=EducationKind.choices)
    education = _code_fk(CodeTable.EDUCATION, "学历", "+")
    degree = _code_fk(CodeTable.DEGREE, "学位", "+")
    school = models.CharField("毕业院校系", max_length=100, blank=True)
    major = models.CharField("专业", max_length=100, blank=True)
    start_date = models.DateField("入学时间", null=True, blank=True)
    end_date = models.DateField("毕业时间", null=True, blank=True)
    is_highest = models.BooleanField("最高学历", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "学历学位"
        verbose_name_plural = "学历学位"
        ordering = ["cadre", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.education or ''}"


@track(level=STATEMENT)
class ResumeEntry(models.Model):
    """One dated line of the 简历; ``end_date`` empty for the open-ended last
    line; ``note`` holds the （其间：…） remark."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="resume_entries")
    start_date = models.DateField("起始年月")
    end_date = models.DateField("截止年月", null=True, blank=True)
    content = models.CharField("经历", max_length=300)
    note = models.CharField("其间", max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "简历"
        verbose_name_plural = "简历"
        ordering = ["cadre", "sort_order", "start_date"]

    def __str__(self) -> str:
        return self.content


class AppointmentMethod(models.TextChoices):
    ELECTED = "elected", "选任"
    APPOINTED = "appointed", "委任"
    HIRED = "hired", "聘任"
    EXAMINED = "examined", "考任"


@track(level=STATEMENT)
class PostHeld(models.Model):
    """任职记录: a post the cadre holds or held."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey(
        Unit, verbose_name="任职单位", null=True, blank=True, on_delete=models.PROTECT, related_name="posts_held"
    )
    unit_name = models.CharField("任职单位名称", max_length=100, blank=True)
    title = models.CharField("职务名称", max_length=100)
    post_level = _code_fk(CodeTable.POST_LEVEL, "职务层次", "+")
    rank = _code_fk(CodeTable.RANK, "职级", "+")
    is_leadership = models.BooleanField("领导职务", default=True)
    is_primary = models.BooleanField("主职", default=True)
    start_date = models.DateField("任职时间")
    end_date = models.DateField("免职时间", null=True, blank=True)
    appointment_method = models.CharField(
        "任职方式", max_length=12, choices=AppointmentMethod.choices, default=AppointmentMethod.APPOINTED
    )
    document_no = models.CharField("任职文号", max_length=60, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "任职记录"
        verbose_name_plural = "任职记录"
        ordering = ["cadre", "-start_date"]
        indexes = [models.Index(fields=["unit", "end_date"], name="post_unit_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="post_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_name or self.unit} {self.title}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


@track(level=STATEMENT)
class FamilyMember(models.Model):
    """家庭主要成员及重要社会关系."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="family")
    relation = _code_fk(CodeTable.RELATION, "称谓", "+")
    relation_text = models.CharField("称谓（文字）", max_length=20, blank=True)
    name = models.CharField("姓名", max_length=40)
    birth_date = models.DateField("出生年月", null=True, blank=True)
    political_status = _code_fk(CodeTable.POLITICAL, "政治面貌", "+")
    work_unit_and_post = models.CharField("工作单位及职务", max_length=200, blank=True)
    id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    is_deceased = models.BooleanField("已去世", default=False)
    is_social_relation = models.BooleanField("重要社会关系", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "家庭成员及社会关系"
        verbose_name_plural = "家庭成员及社会关系"
        ordering = ["cadre", "sort_order", "id"]
        indexes = [models.Index(fields=["id_number"], name="family_id_number_idx")]

    def __str__(self) -> str:
        return f"{self.relation_text or self.relation} {self.name}"


class RewardKind(models.TextChoices):
    REWARD = "reward", "奖励"
    PUNISHMENT = "punishment", "惩处"


@track(level=STATEMENT)
class RewardPunishment(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="rewards")
    kind = models.CharField("类别", max_length=12, choices=RewardKind.choices)
    title = models.CharField("名称", max_length=100)
    date = models.DateField("时间", null=True, blank=True)
    issuer = models.CharField("批准机关", max_length=100, blank=True)
    description = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "奖惩记录"
        verbose_name_plural = "奖惩记录"
        ordering = ["cadre", "-date"]

    def __str__(self) -> str:
        return self.title


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASICALLY_COMPETENT = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"
    UNRATED = "unrated", "不定等次"


@track(level=STATEMENT)
class Appraisal(models.Model):
    """年度考核: one grade per cadre per year."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="appraisals")
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("等次", max_length=12, choices=AppraisalGrade.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        ordering = ["cadre", "-year"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="appraisal_one_per_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_grade_display()}"


# The image bytes are left out of the history rows: the event says who
# replaced the photo and when, without copying tens of KB each time.
@track(level=STATEMENT, exclude=["data"])
class Photo(models.Model):
    """照片: kept in the database so it is backed up and versioned with the
    record (a few tens of KB each)."""

    cadre = models.OneToOneField(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="photo")
    content_type = models.CharField("类型", max_length=30, default="image/jpeg")
    data = models.BinaryField("图像")
    width = models.PositiveSmallIntegerField("宽", null=True, blank=True)
    height = models.PositiveSmallIntegerField("高", null=True, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "照片"
        verbose_name_plural = "照片"

    def __str__(self) -> str:
        return f"{self.cadre} 照片"


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已驳回"
    WITHDRAWN = "withdrawn", "已撤回"


@track(level=STATEMENT)
class ChangeRequest(models.Model):
    """信息变更审核: a unit clerk's proposed change to a cadre's record, applied
    only when org staff approve it. ``changes`` maps field names to proposed
    values and ``original`` to the values the clerk saw (both JSON: dates as
    ISO strings, codes and units by id); ``base_version`` is the record's
    version then, so that approval can tell whether the record moved on."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="change_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=12, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    changes = models.JSONField("变更内容")
    original = models.JSONField("原值")
    base_version = models.PositiveIntegerField("申请时版本")
    note = models.CharField("变更说明", max_length=500, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_reason = models.CharField("审核意见", max_length=500, blank=True)

    class Meta:
        verbose_name = "信息变更申请"
        verbose_name_plural = "信息变更申请"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="change_request_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ChangeRequestStatus.PENDING)
                | Q(status=ChangeRequestStatus.WITHDRAWN)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="change_request_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=~Q(status=ChangeRequestStatus.REJECTED) | ~Q(decision_reason=""),
                name="change_request_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.get_status_display()}"


@track()
class CadreRelation(models.Model):
    """A family relation between two cadres recorded directly (when the
    family records do not show it): ``relative`` is ``cadre``'s
    ``relation`` (GB4761, as on the family form). Moved from alerts/ with
    its rows and history (alerts 0005–0006)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="relations")
    relative = models.ForeignKey(Cadre, verbose_name="亲属（干部）", on_delete=models.CASCADE, related_name="+")
    relation = models.ForeignKey(
        Code,
        verbose_name="称谓",
        on_delete=models.PROTECT,
        limit_choices_to={"table": CodeTable.RELATION},
        related_name="+",
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "干部亲属关系"
        verbose_name_plural = "干部亲属关系"
        constraints = [
            models.UniqueConstraint(fields=["cadre", "relative"], name="cadre_relation_pair_once"),
            models.CheckConstraint(condition=~Q(cadre=models.F("relative")), name="cadre_relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} → {self.relative_id}"


class Kinship(models.Model):
    """The related pairs of cadres as the last check run's preparation found
    them (family records matched to cadres, and the recorded relations),
    lower id first. Rebuilt at the start of every run
    (``personnel.checks.registry.rebuild_kinship``); read by its chunks."""

    low = models.BigIntegerField("编号较小的干部")
    high = models.BigIntegerField("编号较大的干部")
    relation_code = models.CharField("称谓代码", max_length=8)
    matched_by = models.CharField("匹配方式", max_length=12)

    class Meta:
        verbose_name = "亲属关系（检查用）"
        verbose_name_plural = "亲属关系（检查用）"
        constraints = [models.UniqueConstraint(fields=["low", "high"], name="kinship_pair_unique")]

    def __str__(self) -> str:
        return f"{self.low}-{self.high}"


@track()
class Policy(models.Model):
    """One version of a policy (the numbers of a rule; ``core.checks``): its
    parameters from ``effective_from`` on, until a later version takes over.
    The one policy store of the project (``personnel.policy``); moved here
    from alerts (AlertPolicy) with its rows and history."""

    key = models.CharField("政策", max_length=20, choices=policy_choices)
    effective_from = models.DateField("生效日期")
    params = models.JSONField("参数")
    note = models.CharField("依据或说明", max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "政策"
        verbose_name_plural = "政策"
        ordering = ["key", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["key", "effective_from"], name="policy_one_version_per_day")]

    def __str__(self) -> str:
        return f"{self.get_key_display()}（自 {self.effective_from:%Y-%m-%d} 起）"
