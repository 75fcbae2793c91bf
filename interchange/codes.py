"""Code lookups for a batch of files: each table's index is built once per
``CodeBook`` (a zip of a thousand files reads the tables once, not a
thousand times), plus the spellings real forms use that are not the code
tables' own names (爱人, 党员, 大学本科 …)."""

from __future__ import annotations

from personnel.codes import CodeIndex, code_index, normalize
from personnel.models import Code, CodeTable

# Spellings seen on forms → the code they stand for. The table's own names
# and codes always match first; these are only tried after them.
ALIASES: dict[str, dict[str, str]] = {
    CodeTable.POLITICAL: {
        "党员": "01",
        "共产党员": "01",
        "中共": "01",
        "中国共产党党员": "01",
        "中共预备党员": "02",
        "中国共产党预备党员": "02",
        "团员": "03",
        "中国共产主义青年团团员": "03",
        "无党派人士": "12",
        "无党派民主人士": "12",
        "九三学社": "10",
        "九三学社社员": "10",
        "民盟盟员": "05",
        "中国民主同盟": "05",
        "中国民主建国会": "06",
        "中国民主促进会": "07",
        "中国农工民主党": "08",
        "农工民主党": "08",
        "中国致公党": "09",
        "台湾民主自治同盟": "11",
        "中国国民党革命委员会": "04",
    },
    CodeTable.EDUCATION: {
        "大学本科": "21",
        "本科": "21",
        "大学专科": "31",
        "专科": "31",
        "硕士研究生": "11",
        "博士研究生": "11",
        "研究生毕业": "11",
        "省委党校研究生": "1B",
        "省委党校大学": "23",
        "省委党校大专": "32",
    },
    CodeTable.ETHNICITY: {},
    CodeTable.HEALTH: {"良好": "1", "健康状况良好": "1"},
    CodeTable.AGE_LIMIT: {"60": "60", "63": "63", "65": "65", "66": "66", "55": "55"},
}


class CodeBook:
    """Finds codes by code, name or a known alias; one index per table, built
    on first use."""

    def __init__(self) -> None:
        self._indexes: dict[str, CodeIndex] = {}

    def index(self, table: str) -> CodeIndex:
        if table not in self._indexes:
            self._indexes[table] = code_index(table)
        return self._indexes[table]

    def find(self, table: str, text: str) -> Code | None:
        text = text.strip()
        if not text:
            return None
        index = self.index(table)
        found = index.find(text)
        if found is not None:
            return found
        alias = ALIASES.get(table, {}).get(normalize(text))
        if alias is not None:
            return index.by_code.get(normalize(alias))
        if table == CodeTable.ETHNICITY and not text.endswith("族"):
            return index.find(f"{text}族")
        if table == CodeTable.AGE_LIMIT:
            digits = "".join(ch for ch in text if ch.isdigit() or ch == "-")
            return index.by_code.get(digits) if digits else None
        return None
