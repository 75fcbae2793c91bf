#!/usr/bin/env python
"""Convert the form editor's DmGrp.xml into ``personnel/data/codes.json``.

Usage::

    python tools/convert_dmgrp.py path/to/DmGrp.xml [-o personnel/data/codes.json]

The product only reads the JSON file; this script exists so the conversion can
be repeated (and checked) when a new DmGrp.xml arrives. Besides the XML groups
it writes the ZB09 post levels and the 2019 ranks (DOMAIN.md section 4), which
the XML does not contain.

Rules applied to the XML:

* attribute values are stripped (a few ZB01 names and initials carry trailing
  blanks); the initials are otherwise kept exactly as the form editor has them,
  because users search with them;
* file order becomes ``sort_order``;
* a ``parentid`` equal to the group id (``zb01``, ``ZB64``, ``GB6864``, compared
  case-insensitively) means "top level";
* a ``parentid`` naming a code that is not in the group is an error;
* an id repeated within a group is one code: the later entry wins (the file
  lists a renamed place after its old name, e.g. 530821 云南普洱 → 云南宁洱, the
  2007 rename) and the earlier names are kept in ``attrs["former_names"]`` so
  that old records can still be matched. Repeats that disagree on the parent
  are an error.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree
from pypinyin import Style, lazy_pinyin

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "personnel" / "data" / "codes.json"

# ZB09 职务级别: (code, name, attrs). ``tier`` uses the values of UnitLevel.
POST_LEVELS: list[tuple[str, str, dict[str, Any]]] = [
    ("1A11", "省部级正职", {"tier": "province", "principal": True, "leadership": True}),
    ("1A12", "省部级副职", {"tier": "province", "principal": False, "leadership": True}),
    ("1A21", "厅局级正职", {"tier": "bureau", "principal": True, "leadership": True}),
    ("1A22", "厅局级副职", {"tier": "bureau", "principal": False, "leadership": True}),
    ("1A31", "县处级正职", {"tier": "county", "principal": True, "leadership": True}),
    ("1A32", "县处级副职", {"tier": "county", "principal": False, "leadership": True}),
    ("1A41", "乡科级正职", {"tier": "section", "principal": True, "leadership": True}),
    ("1A42", "乡科级副职", {"tier": "section", "principal": False, "leadership": True}),
    ("1A50", "科员", {"leadership": False}),
    ("1A60", "办事员", {"leadership": False}),
    ("1A98", "试用期人员", {"leadership": False}),
    ("1A99", "其他", {"leadership": False}),
]

# 职级（综合管理类, 2019), highest first, with the post level each corresponds
# to (DOMAIN.md section 4). The codes are this product's own and must not change.
RANKS: list[tuple[str, str, str | None]] = [
    ("01", "一级巡视员", "1A21"),
    ("02", "二级巡视员", "1A22"),
    ("03", "一级调研员", "1A31"),
    ("04", "二级调研员", "1A31"),
    ("05", "三级调研员", "1A32"),
    ("06", "四级调研员", "1A32"),
    ("07", "一级主任科员", "1A41"),
    ("08", "二级主任科员", "1A41"),
    ("09", "三级主任科员", "1A42"),
    ("10", "四级主任科员", "1A42"),
    ("11", "一级科员", None),
    ("12", "二级科员", None),
]

Row = list[Any]  # [code, name, pinyin, parent_code | None] + optional [attrs]


class ConversionError(ValueError):
    pass


def initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).upper()


def _attr(element: Any, name: str) -> str:
    return str(element.get(name, "")).strip()


@dataclass
class _Entry:
    name: str
    pinyin: str
    parent: str | None
    former_names: list[str] = field(default_factory=list)


def convert_group(group: Any, warnings: list[str]) -> dict[str, Any]:
    group_id = _attr(group, "id")
    entries: dict[str, _Entry] = {}  # insertion order is file order
    for element in group.findall("dmcod"):
        code = _attr(element, "id")
        parent: str | None = _attr(element, "parentid") or None
        if parent is not None and parent.casefold() == group_id.casefold():
            parent = None
        entry = _Entry(name=_attr(element, "dmcpt"), pinyin=_attr(element, "PinYin"), parent=parent)
        if not code or not entry.name:
            raise ConversionError(f"{group_id}: entry without id or text: {dict(element.attrib)}")
        previous = entries.get(code)
        if previous is not None:
            if previous.parent != parent:
                raise ConversionError(f"{group_id}: id {code} repeated with different parents")
            warnings.append(f"{group_id}: id {code} repeated: {previous.name} → {entry.name} (later entry kept)")
            former = [*previous.former_names, previous.name]
            entry.former_names = [name for name in former if name != entry.name]
        entries[code] = entry  # replacing a key keeps its position

    rows: list[Row] = []
    for code, entry in entries.items():
        if entry.parent is not None and entry.parent not in entries:
            raise ConversionError(f"{group_id}: {code} names parent {entry.parent}, which is not in the group")
        row: Row = [code, entry.name, entry.pinyin, entry.parent]
        if entry.former_names:
            row.append({"former_names": entry.former_names})
        rows.append(row)
    return {"table": group_id, "name": _attr(group, "name"), "codes": rows}


def post_level_table() -> dict[str, Any]:
    rows: list[Row] = [[code, name, initials(name), None, attrs] for code, name, attrs in POST_LEVELS]
    return {"table": "ZB09", "name": "职务级别", "codes": rows}


def rank_table() -> dict[str, Any]:
    rows: list[Row] = [
        [code, name, initials(name), None, {"order": n, "post_level": post_level}]
        for n, (code, name, post_level) in enumerate(RANKS, start=1)
    ]
    return {"table": "ZJ2019", "name": "职级（综合管理类）", "codes": rows}


def build(xml_path: Path, warnings: list[str] | None = None) -> dict[str, Any]:
    """The whole data file as a dict: the XML groups in file order, then ZB09 and ZJ2019."""
    warnings = [] if warnings is None else warnings
    root = ElementTree.parse(xml_path).getroot()
    tables = [convert_group(group, warnings) for group in root.findall("dmgrp")]
    tables += [post_level_table(), rank_table()]
    names = [table["table"] for table in tables]
    if len(names) != len(set(names)):
        raise ConversionError(f"table ids repeated: {names}")
    return {"generated_by": "tools/convert_dmgrp.py", "tables": tables}


def dumps(data: dict[str, Any]) -> str:
    """One code per line: small enough to ship, easy to read and to diff."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = ["{", f'  "generated_by": {dump(data["generated_by"])},', '  "tables": [']
    for t_index, table in enumerate(data["tables"]):
        lines.append(f'    {{"table": {dump(table["table"])}, "name": {dump(table["name"])}, "codes": [')
        codes = table["codes"]
        lines += [f"      {dump(row)}{',' if i < len(codes) - 1 else ''}" for i, row in enumerate(codes)]
        lines.append(f"    ]}}{',' if t_index < len(data['tables']) - 1 else ''}")
    lines += ["  ]", "}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("xml", type=Path, help="path to DmGrp.xml")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON file")
    args = parser.parse_args(argv)
    warnings: list[str] = []
    try:
        data = build(args.xml, warnings)
    except ConversionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(dumps(data), encoding="utf-8")
    for table in data["tables"]:
        print(f"{table['table']:8} {len(table['codes']):5}  {table['name']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
