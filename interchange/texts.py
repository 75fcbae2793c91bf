"""The free-text cells of the national form, read into structured rows and
written back: 简历 (résumé lines), 年度考核结果 (yearly grades) and the
入党时间 cell. Pure functions over strings (no ORM), so every quirk is easy
to test; messages are Chinese, for the import preview."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from personnel import facts
from personnel.dates import DateParseError, PartialDate, Precision, parse_date
from personnel.models import AppraisalGrade

# --- 简历 -----------------------------------------------------------------------------

# A dated line: a start (1998.07, 1998.7, 199807, 1998年7月), a separator
# (--, —, ——, -, ～, 至 and their full-width forms after NFKC), an optional
# end, then the text. The separator may be followed by nothing at all
# (“2018.03-” as the open-ended last line).
_D = "[0-9０-９]"
_DATE = rf"{_D}{{4}}(?:\s*[.．/年]\s*{_D}{{1,2}}\s*月?|{_D}{{2}})"
_RESUME_LINE = re.compile(
    rf"^\s*(?P<start>{_DATE})\s*(?P<sep>[-－]+|—+|–+|[~～]|至)\s*(?P<end>{_DATE})?\s*(?P<text>.*)$"
)
# （其间：…） at the end of an entry, full- or half-width brackets and colons.
_NOTE = re.compile(r"[（(]\s*其间\s*[：:]\s*(?P<note>.*?)\s*[）)]\s*$", re.DOTALL)

RESUME_CONTENT_MAX = 300
RESUME_NOTE_MAX = 300


@dataclass
class ResumeParse:
    entries: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _month(raw: str) -> PartialDate:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))
    value = parse_date(text)
    if value is None:  # pragma: no cover - the regex never matches an empty date
        raise DateParseError(f"“{raw}”不是日期")
    return PartialDate(value.value.replace(day=1), Precision.MONTH)


def parse_resume(text: str) -> ResumeParse:
    """简历 text → entries ``{start_date, end_date, content, note, sort_order}``.

    A line that starts with a date range begins an entry; any other
    non-empty line continues the entry before it (the editor wraps long
    lines and indents the rest with spaces); a （其间：…） remark at the end
    of an entry goes to ``note``. The last entry may be open-ended."""
    result = ResumeParse()
    current: dict[str, Any] | None = None
    parts: list[str] = []

    def finish() -> None:
        if current is None:
            return
        body = "".join(parts).strip()
        note = ""
        match = _NOTE.search(body)
        if match:
            note = match.group("note").strip()
            body = body[: match.start()].rstrip()
        current["content"] = body
        current["note"] = note
        line = f"{current['start_date']}--{current['end_date'] or ''}"
        if not body:
            result.errors.append(f"简历“{line}”一行没有经历内容")
        if len(body) > RESUME_CONTENT_MAX:
            result.errors.append(f"简历“{line}”一行的经历超过{RESUME_CONTENT_MAX}字")
        if len(note) > RESUME_NOTE_MAX:
            result.errors.append(f"简历“{line}”一行的（其间：…）说明超过{RESUME_NOTE_MAX}字")
        result.entries.append(current)

    for number, raw_line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        # Matched as written: the text keeps its own (full-width) punctuation.
        line = raw_line.strip()
        if not line:
            continue
        match = _RESUME_LINE.match(line)
        if match:
            try:
                start = _month(match.group("start"))
                end = _month(match.group("end")) if match.group("end") else None
            except DateParseError as exc:
                result.errors.append(f"简历第{number}行“{raw_line.strip()}”：{exc}")
                continue
            finish()
            if end is not None and end.value < start.value:
                result.errors.append(f"简历第{number}行“{raw_line.strip()}”的截止年月早于起始年月")
            current = {"start_date": start, "end_date": end, "sort_order": len(result.entries)}
            parts = [match.group("text").strip()]
        elif current is None:
            result.errors.append(f"简历第{number}行“{raw_line.strip()}”不是以“起始年月--截止年月”开头的经历")
        else:
            # A wrapped line: Chinese text joins without a space.
            parts.append(line)
    finish()
    open_ended = [e for e in result.entries[:-1] if e["end_date"] is None]
    for entry in open_ended:
        result.warnings.append(f"简历“{entry['start_date']}--”一行没有截止年月，但不是最后一行")
    return result


def resume_line(entry: dict[str, Any]) -> str:
    """One entry as the form writes it (personnel.facts):
    ``2015.09--2018.03  某职务（其间：…）``."""
    end = entry.get("end_date")
    return facts.resume_line(
        start_date=entry["start_date"].value,
        end_date=end.value if end else None,
        content=str(entry.get("content", "")),
        note=str(entry.get("note") or ""),
    ).line


def resume_text(entries: list[dict[str, Any]]) -> str:
    return "\n".join(resume_line(entry) for entry in entries)


# --- 年度考核结果 ------------------------------------------------------------------------

_GRADES = {label: value for value, label in AppraisalGrade.choices}
# Longest first: 基本称职 and 不称职 contain 称职.
_GRADE = re.compile("|".join(sorted(map(re.escape, _GRADES), key=len, reverse=True)))
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_NOTHING = {"", "无", "暂无", "/"}


@dataclass
class AppraisalParse:
    rows: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_appraisals(text: str) -> AppraisalParse:
    """年度考核结果 → rows ``{year, grade, note}``. The wording varies
    (``2021年度考核称职；2022年度考核优秀``, ``2021年年度考核为称职,2022年年度考核为优秀。``):
    each segment between punctuation that names a year and a grade is one
    row; a segment with neither is reported, never silently dropped."""
    result = AppraisalParse()
    normalized = unicodedata.normalize("NFKC", text or "").strip()
    if normalized in _NOTHING:
        return result
    by_year: dict[int, dict[str, Any]] = {}
    for segment in re.split(r"[;,.。;，、\n]+", normalized):
        segment = segment.strip()
        if segment in _NOTHING:
            continue
        years = _YEAR.findall(segment)
        grades = _GRADE.findall(segment)
        if len(years) == 1 and len(grades) == 1:
            year = int(years[0])
            if year in by_year:
                result.warnings.append(f"年度考核结果中{year}年出现多次，取最后一次")
            by_year[year] = {"year": year, "grade": _GRADES[grades[0]], "note": ""}
        else:
            result.warnings.append(
                f"年度考核结果“{segment}”未能识别为“某年度考核某等次”（等次应为优秀、称职、基本称职、不称职或不定等次），未导入"
            )
    result.rows = [by_year[year] for year in sorted(by_year)]
    return result


def appraisal_text(rows: list[dict[str, Any]]) -> str:
    """The usual wording: ``2021年度考核称职；2022年度考核优秀。``"""
    labels = dict(AppraisalGrade.choices)
    ordered = sorted(rows, key=lambda row: row["year"])
    if not ordered:
        return ""
    return "；".join(f"{row['year']}年度考核{labels.get(row['grade'], row['grade'])}" for row in ordered) + "。"


# --- 入党时间 -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyCell:
    date: PartialDate | None
    party_name: str  # a party named instead of (or beside) a date, e.g. 民盟
    error: str = ""


def parse_party_cell(text: str) -> PartyCell:
    """入党时间: a year-month, or the name of a non-communist party for 党外干部
    (DOMAIN.md 3), or both (``199506；民盟`` for a cross member)."""
    normalized = unicodedata.normalize("NFKC", text or "").strip()
    if not normalized:
        return PartyCell(None, "")
    date: PartialDate | None = None
    names: list[str] = []
    for part in re.split(r"[;,，、\s]+", normalized):
        if not part:
            continue
        if part[0].isdigit():
            try:
                parsed = parse_date(part)
            except DateParseError as exc:
                return PartyCell(None, "", str(exc))
            if parsed is not None:
                date = parsed
        else:
            names.append(part)
    return PartyCell(date, "".join(names))


def party_cell_text(date: PartialDate | None, party_name: str) -> str:
    """The 入党时间 cell as LRMX carries it (``199506；民盟``)."""
    return facts.PartyJoin(date.value if date else None, party_name).text("%Y%m")


DECEASED_MARKERS = ("已去世", "去世", "已故", "病故", "已逝世")


def is_deceased_text(text: str) -> bool:
    return any(marker in text for marker in DECEASED_MARKERS)
