"""From the form's cells as text (what an LRMX element or an LRM field
holds) to a ParsedRecord. LRMX and LRM both read their file into the LRMX
element names and call ``build_record``, so that every rule about a cell
(dates, codes, 简历, 考核, family, photo) is written once."""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from django.conf import settings

from interchange import texts
from interchange.codes import CodeBook
from interchange.parsed import ParsedRecord
from personnel import facts, rules
from personnel.dates import DateParseError, PartialDate, Precision, parse_date
from personnel.models import CodeTable, EducationKind, Sex

# The form's cells in the order of the national form (DOMAIN.md 3), with
# their labels. The LRMX writer writes exactly these, in this order.
ELEMENTS: tuple[tuple[str, str], ...] = (
    ("XingMing", "姓名"),
    ("XingBie", "性别"),
    ("ChuShengNianYue", "出生年月"),
    ("MinZu", "民族"),
    ("JiGuan", "籍贯"),
    ("ChuShengDi", "出生地"),
    ("RuDangShiJian", "入党时间"),
    ("CanJiaGongZuoShiJian", "参加工作时间"),
    ("JianKangZhuangKuang", "健康状况"),
    ("ZhuanYeJiShuZhiWu", "专业技术职务"),
    ("ShuXiZhuanYeYouHeZhuanChang", "熟悉专业有何专长"),
    ("QuanRiZhiJiaoYu_XueLi", "全日制教育学历"),
    ("QuanRiZhiJiaoYu_XueWei", "全日制教育学位"),
    ("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "全日制教育学历毕业院校系及专业"),
    ("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "全日制教育学位毕业院校系及专业"),
    ("ZaiZhiJiaoYu_XueLi", "在职教育学历"),
    ("ZaiZhiJiaoYu_XueWei", "在职教育学位"),
    ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "在职教育学历毕业院校系及专业"),
    ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "在职教育学位毕业院校系及专业"),
    ("XianRenZhiWu", "现任职务"),
    ("NiRenZhiWu", "拟任职务"),
    ("NiMianZhiWu", "拟免职务"),
    ("JianLi", "简历"),
    ("JiangChengQingKuang", "奖惩情况"),
    ("NianDuKaoHeJieGuo", "年度考核结果"),
    ("RenMianLiYou", "任免理由"),
    ("JiaTingChengYuan", "家庭主要成员及重要社会关系"),
    ("ChengBaoDanWei", "呈报单位"),
    ("JiSuanNianLingShiJian", "计算年龄时间"),
    ("TianBiaoShiJian", "填表时间"),
    ("TianBiaoRen", "填表人"),
    ("ShenFenZheng", "公民身份号码"),
    ("ZhaoPian", "照片"),
    ("GaiGeQianRenZhiNianLingJieXian", "改革前任职年龄界限"),
    ("DaoLingNianYue", "到龄年月"),
)
LABELS = dict(ELEMENTS)
FAMILY_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("ChengWei", "称谓"),
    ("XingMing", "姓名"),
    ("ChuShengRiQi", "出生年月"),
    ("ZhengZhiMianMao", "政治面貌"),
    ("GongZuoDanWeiJiZhiWu", "工作单位及职务"),
)
FAMILY_LABELS = dict(FAMILY_ELEMENTS)

SEXES = {"男": Sex.MALE.value, "女": Sex.FEMALE.value, "1": Sex.MALE.value, "2": Sex.FEMALE.value}
NAME_MAX = 40
# Cell lengths of the model fields the cells go to.
MAX_LENGTHS = {
    "JiGuan": 60,
    "ChuShengDi": 60,
    "ShuXiZhuanYeYouHeZhuanChang": 200,
    "XianRenZhiWu": 200,
    "JianKangZhuangKuang": 60,
    "ZhuanYeJiShuZhiWu": 100,
}


def photo_type(data: bytes) -> str | None:
    """The image type by its magic bytes: JPEG, PNG or BMP; anything else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"BM") and len(data) > 14:
        return "image/bmp"
    return None


def max_photo_bytes() -> int:
    return int(settings.INTERCHANGE_LIMITS["photo_bytes"])


def one_line(text: str | None) -> str:
    """A single-line cell: NFKC-normalized spaces, trimmed."""
    return " ".join((text or "").split())


class Builder:
    """Builds one ParsedRecord; ``column`` names an element the way the
    file's format names it (LRMX element, LRM 字段n)."""

    def __init__(self, source: str, column: Callable[[str], str], codes: CodeBook) -> None:
        self.record = ParsedRecord(source=source)
        self.column = column
        self.codes = codes

    def error(self, element: str, message: str, label: str | None = None) -> None:
        self.record.error(label or LABELS.get(element, element), self.column(element), message)

    def warn(self, element: str, message: str, label: str | None = None) -> None:
        self.record.warn(label or LABELS.get(element, element), self.column(element), message)

    def date(self, element: str, raw: str, *, label: str | None = None) -> PartialDate | None:
        text = one_line(raw)
        try:
            return parse_date(text)
        except DateParseError as exc:
            self.error(element, f"{exc}", label)
            return None

    def code(self, element: str, table: str, raw: str, *, label: str | None = None) -> Any:
        text = one_line(raw)
        if not text:
            return None
        found = self.codes.find(table, text)
        if found is None:
            self.warn(
                element,
                f"“{text}”不在{CodeTable(table).label}代码表（{table}）中，无法对应代码，该项未导入",
                label,
            )
        return found


def build_record(
    *,
    source: str,
    cells: dict[str, str],
    family: list[dict[str, str]],
    photo: bytes | None,
    column: Callable[[str], str],
    codes: CodeBook,
    file_version: str = "",
) -> ParsedRecord:
    """The record for the cells of one form (LRMX element names → text)."""
    b = Builder(source, column, codes)
    record = b.record
    record.file_version = file_version
    cell = {name: cells.get(name) or "" for name, _label in ELEMENTS}
    c = record.cadre

    name = "".join(unicodedata.normalize("NFKC", cell["XingMing"]).split())
    if not name:
        b.error("XingMing", "姓名不能为空")
    elif len(name) > NAME_MAX:
        b.error("XingMing", f"姓名超过{NAME_MAX}个字")
    c["name"] = name

    sex_text = one_line(cell["XingBie"])
    c["sex"] = SEXES.get(sex_text, "")
    if not sex_text:
        b.error("XingBie", "性别不能为空，应为“男”或“女”")
    elif not c["sex"]:
        b.error("XingBie", f"性别“{sex_text}”无效，应为“男”或“女”")

    c["birth_date"] = b.date("ChuShengNianYue", cell["ChuShengNianYue"])
    if c["birth_date"] is None and not any(i.column == column("ChuShengNianYue") for i in record.errors):
        b.error("ChuShengNianYue", "出生年月不能为空，应为 198503 或 1985.03 等形式")
    c["ethnicity"] = b.code("MinZu", CodeTable.ETHNICITY, cell["MinZu"])
    for element, key in (
        ("JiGuan", "native_place"),
        ("ChuShengDi", "birthplace"),
        ("ShuXiZhuanYeYouHeZhuanChang", "expertise"),
        ("XianRenZhiWu", "current_post"),
    ):
        c[key] = one_line(cell[element])
        limit = MAX_LENGTHS[element]
        if len(c[key]) > limit:
            b.error(element, f"{LABELS[element]}超过{limit}个字")

    party = texts.parse_party_cell(cell["RuDangShiJian"])
    c["party_join_date"] = party.date
    c["political_status"] = None
    if party.error:
        b.error("RuDangShiJian", f"{party.error}；也可以填写民主党派名称（如 民盟）")
    elif party.party_name:
        status = codes.find(CodeTable.POLITICAL, party.party_name)
        if status is None:
            b.warn("RuDangShiJian", f"“{party.party_name}”不是可识别的党派名称（GB4762），未导入")
        c["political_status"] = status
    elif party.date is not None:
        c["political_status"] = codes.find(CodeTable.POLITICAL, "01")

    c["work_start_date"] = b.date("CanJiaGongZuoShiJian", cell["CanJiaGongZuoShiJian"])

    health = one_line(cell["JianKangZhuangKuang"])
    c["health"] = codes.find(CodeTable.HEALTH, health) if health else None
    c["health_text"] = "" if c["health"] is not None and c["health"].name == health else health
    if len(health) > MAX_LENGTHS["JianKangZhuangKuang"]:
        b.error("JianKangZhuangKuang", f"健康状况超过{MAX_LENGTHS['JianKangZhuangKuang']}个字")
    title = one_line(cell["ZhuanYeJiShuZhiWu"])
    c["tech_title"] = codes.find(CodeTable.TECH_TITLE, title) if title else None
    c["tech_title_text"] = "" if c["tech_title"] is not None and c["tech_title"].name == title else title
    if len(title) > MAX_LENGTHS["ZhuanYeJiShuZhiWu"]:
        b.error("ZhuanYeJiShuZhiWu", f"专业技术职务超过{MAX_LENGTHS['ZhuanYeJiShuZhiWu']}个字")

    for prefix, kind in (("QuanRiZhiJiaoYu", EducationKind.FULL_TIME), ("ZaiZhiJiaoYu", EducationKind.IN_SERVICE)):
        record.educations.extend(_educations(b, prefix, kind.value, cell))

    c["rewards_text"] = (cell["JiangChengQingKuang"] or "").strip()

    resume = texts.parse_resume(cell["JianLi"])
    record.resume = resume.entries
    for message in resume.errors:
        b.error("JianLi", message)
    for message in resume.warnings:
        b.warn("JianLi", message)

    appraisals = texts.parse_appraisals(cell["NianDuKaoHeJieGuo"])
    record.appraisals = appraisals.rows
    for message in appraisals.warnings:
        b.warn("NianDuKaoHeJieGuo", message)

    _family(b, family, sex=c["sex"])

    id_text = one_line(cell["ShenFenZheng"])
    c["id_number"] = None
    if id_text:
        try:
            info = rules.parse_id_number(id_text)
        except rules.IdNumberError as exc:
            b.error("ShenFenZheng", str(exc))
        else:
            c["id_number"] = info.number
            birth = c["birth_date"].value if c["birth_date"] else None
            for problem in rules.check_id_number_matches(info, birth_date=birth, sex=c["sex"] or None):
                b.error("ShenFenZheng", problem)

    limit_text = one_line(cell["GaiGeQianRenZhiNianLingJieXian"])
    c["age_limit"] = b.code("GaiGeQianRenZhiNianLingJieXian", CodeTable.AGE_LIMIT, limit_text)
    c["retirement_category"] = ""

    record.proposed = {
        "proposed_post": (cell["NiRenZhiWu"] or "").strip(),
        "proposed_removal": (cell["NiMianZhiWu"] or "").strip(),
        "reason": (cell["RenMianLiYou"] or "").strip(),
        "reporting_unit": (cell["ChengBaoDanWei"] or "").strip(),
        "age_reference": b.date("JiSuanNianLingShiJian", cell["JiSuanNianLingShiJian"]),
        "filled_by": one_line(cell["TianBiaoRen"]),
        "filled_at": b.date("TianBiaoShiJian", cell["TianBiaoShiJian"]),
        "retirement_month": b.date("DaoLingNianYue", cell["DaoLingNianYue"]),
    }
    _check_retirement_month(b)

    if photo is not None:
        _photo(b, photo)
    return record


def _educations(b: Builder, prefix: str, kind: str, cell: dict[str, str]) -> list[dict[str, Any]]:
    education_text = one_line(cell[f"{prefix}_XueLi"])
    degree_text = one_line(cell[f"{prefix}_XueWei"])
    school = one_line(cell[f"{prefix}_XueLi_BiYeYuanXiaoXi"])
    degree_school = one_line(cell[f"{prefix}_XueWei_BiYeYuanXiaoXi"])
    if not (education_text or degree_text or school or degree_school):
        return []
    education = b.code(f"{prefix}_XueLi", CodeTable.EDUCATION, education_text)
    degree = b.code(f"{prefix}_XueWei", CodeTable.DEGREE, degree_text)
    for element, text in (
        (f"{prefix}_XueLi_BiYeYuanXiaoXi", school),
        (f"{prefix}_XueWei_BiYeYuanXiaoXi", degree_school),
    ):
        if len(text) > 100:
            b.error(element, f"{LABELS[element]}超过100个字")
    base = {"kind": kind, "major": "", "start_date": None, "end_date": None}
    if degree_school and degree_school != school and degree is not None:
        return [
            {**base, "education": education, "degree": None, "school": school, "is_highest": True, "sort_order": 0},
            {
                **base,
                "education": None,
                "degree": degree,
                "school": degree_school,
                "is_highest": False,
                "sort_order": 1,
            },
        ]
    return [
        {
            **base,
            "education": education,
            "degree": degree,
            "school": school or degree_school,
            "is_highest": True,
            "sort_order": 0,
        }
    ]


def _family(b: Builder, items: list[dict[str, str]], *, sex: str) -> None:
    label = LABELS["JiaTingChengYuan"]
    for number, item in enumerate(items, start=1):
        values = {key: one_line(item.get(key)) for key, _ in FAMILY_ELEMENTS}
        if not any(values.values()):
            continue  # the editor's blank rows

        def where(key: str, number: int = number) -> str:
            return f"{label}第{number}项{FAMILY_LABELS[key]}"

        relation_text = values["ChengWei"]
        relation = b.codes.find(CodeTable.RELATION, relation_text) if relation_text else None
        if relation is None and relation_text in ("爱人", "配偶"):
            # 爱人 is the form's usual word; the code depends on the cadre's sex.
            relation = b.codes.find(CodeTable.RELATION, "妻子" if sex == Sex.MALE.value else "丈夫")
        if relation_text and relation is None:
            b.warn("JiaTingChengYuan", f"称谓“{relation_text}”不在GB4761代码表中，按文字保存", where("ChengWei"))
        political_text = values["ZhengZhiMianMao"]
        political = b.codes.find(CodeTable.POLITICAL, political_text) if political_text else None
        if political_text and political is None:
            b.warn(
                "JiaTingChengYuan",
                f"政治面貌“{political_text}”不在GB4762代码表中，无法对应代码，保存时该项留空",
                where("ZhengZhiMianMao"),
            )
        if not values["XingMing"]:
            b.error("JiaTingChengYuan", "家庭成员的姓名不能为空", where("XingMing"))
        elif len(values["XingMing"]) > NAME_MAX:
            b.error("JiaTingChengYuan", f"姓名超过{NAME_MAX}个字", where("XingMing"))
        if len(values["GongZuoDanWeiJiZhiWu"]) > 200:
            b.error("JiaTingChengYuan", "工作单位及职务超过200个字", where("GongZuoDanWeiJiZhiWu"))
        birth = b.date("JiaTingChengYuan", values["ChuShengRiQi"], label=where("ChuShengRiQi"))
        unit = values["GongZuoDanWeiJiZhiWu"]
        b.record.family.append(
            {
                "relation": relation,
                "relation_text": "" if relation is not None and relation.name == relation_text else relation_text,
                "name": values["XingMing"],
                "birth_date": birth,
                "political_status": political,
                "political_status_text": "" if political is not None else political_text,
                "work_unit_and_post": unit,
                "is_deceased": texts.is_deceased_text(unit),
                "sort_order": len(b.record.family),
            }
        )


def _check_retirement_month(b: Builder) -> None:
    """Newer files carry DaoLingNianYue; the registry computes its own (the
    statutory month, DOMAIN.md 6.1). A different month in the file is shown."""
    in_file = b.record.proposed.get("retirement_month")
    computed = retirement_month_of(b.record)
    if (
        in_file is not None
        and computed is not None
        and (in_file.value.year, in_file.value.month)
        != (
            computed.year,
            computed.month,
        )
    ):
        b.warn(
            "DaoLingNianYue",
            f"文件中的到龄年月{in_file.value:%Y.%m}与本系统按退休政策计算的{computed:%Y.%m}不一致，以本系统计算为准",
        )


def retirement_month_of(record: ParsedRecord) -> Any:
    """The statutory retirement month (first of the month) of a record, as
    personnel.facts defines it for every page and file. None without a
    birth date or sex."""
    birth = record.cadre.get("birth_date")
    sex = record.cadre.get("sex")
    if birth is None or sex not in SEXES.values():
        return None
    code = record.cadre.get("age_limit")
    return facts.retirement_month(
        birth_date=birth.value,
        sex=str(sex),
        category=str(record.cadre.get("retirement_category") or ""),
        age_limit_code=code.code if code is not None else None,
    )


def _photo(b: Builder, data: bytes) -> None:
    limit = max_photo_bytes()
    if len(data) > limit:
        b.warn("ZhaoPian", f"照片大小{len(data) // 1024}KB，超过{limit // 1024}KB的上限，未导入")
        return
    kind = photo_type(data)
    if kind is None:
        b.warn("ZhaoPian", "照片不是JPEG、PNG或BMP图像，未导入")
        return
    b.record.photo = data
    b.record.photo_content_type = kind


_DATA_URI = re.compile(r"^data:[\w/+.-]+;base64,", re.IGNORECASE)


def decode_photo(b64: str) -> tuple[bytes | None, str]:
    """The bytes of a base64 photo (whitespace and a data-URI prefix
    tolerated), or None and the reason."""
    text = _DATA_URI.sub("", "".join((b64 or "").split()))
    if not text:
        return None, ""
    # Base64 expands by 4/3: refuse before decoding anything far too large.
    if len(text) > max_photo_bytes() * 4 // 3 + 8:
        return None, f"照片超过{max_photo_bytes() // 1024}KB的上限，未导入"
    try:
        return base64.b64decode(text, validate=True), ""
    except (binascii.Error, ValueError):
        return None, "照片不是有效的base64编码，未导入"


def month_of(value: PartialDate | None) -> str:
    return f"{value.value:%Y%m}" if value else ""


def day_or_month(value: PartialDate | None) -> str:
    if value is None:
        return ""
    return f"{value.value:%Y%m%d}" if value.precision is Precision.DAY else f"{value.value:%Y%m}"
