"""Synthetic demo data: a county (or a city or province of counties) with its
leadership teams, quotas and cadres, every sub-record of the national form
filled in plausibly (``manage.py demo_data``).

Design:

* Deterministic: one ``random.Random(seed)`` drives everything, consumed in a
  fixed order, so the same seed, size and reference date give the same names,
  ID numbers, dates and codes (database ids differ: they come from the
  sequences).
* Scalable to 1,000,000 cadres: units and positions are planned in memory
  (tens of thousands at most); people are generated and written in batches
  with PostgreSQL ``COPY`` so memory stays bounded, with ids drawn from the
  sequences per batch.
* Honest to the domain (DOMAIN.md): valid GB 11643 ID numbers agreeing with
  birth date and sex, ZB09 post levels with matching 2019 ranks, nobody past
  statutory retirement (``personnel.rules``), careers whose posts, 简历 lines
  and dates agree, home-county avoidance for the posts that require it.

The demo roots are marked by a short name ending in ``DEMO_MARK`` so that
``--reset`` (and other tools, such as a demo-accounts command) can find them.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import itertools
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import pgtrigger
from django.db import IntegrityError, connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from psycopg import sql
from pypinyin import Style, lazy_pinyin

from core.history import history_context
from personnel import rules
from personnel.models import (
    AppointmentMethod,
    Appraisal,
    AppraisalGrade,
    Cadre,
    CadreStatus,
    Code,
    CodeTable,
    Education,
    EducationKind,
    FamilyMember,
    IdentityCategory,
    LeadershipQuota,
    ManagementCategory,
    Photo,
    PostHeld,
    ResumeEntry,
    RewardKind,
    RewardPunishment,
    Unit,
    UnitKind,
    UnitLevel,
)
from personnel.policy import retirement_policy

T = TypeVar("T")

DEFAULT_SIZE = 2000
DEFAULT_SEED = 20240701
MIN_SIZE = 100
MAX_SIZE = 1_000_000
# Short-name suffix of the demo roots (visible in the UI on purpose: nobody
# should mistake synthetic people for real ones).
DEMO_MARK = "（演示）"

# One county holds up to this many cadres; beyond it the demo becomes a city
# (and beyond one city's counties, a province) of counties of about this size.
COUNTY_MAX_CADRES = 8000
# The default county: 71 teams and 418 leaders in the seed district (DOMAIN.md 7).
BASE_CADRES = 2000
BASE_TEAMS = 70
MIN_TEAMS = 10

HOME_PROVINCE = "130000"  # 河北
HOME_CITY = "130500"  # 邢台
HOME_COUNTY = "130534"  # 清河

# The tracked models, in dependency order.
DEMO_MODELS: tuple[type[models.Model], ...] = (
    Unit,
    LeadershipQuota,
    Cadre,
    Education,
    ResumeEntry,
    PostHeld,
    FamilyMember,
    RewardPunishment,
    Appraisal,
)


class DemoDataError(Exception):
    """The demo data cannot be generated; the message is for the user."""


# --- weighted choices ------------------------------------------------------------------------------------


class _Weighted(Generic[T]):
    """A weighted population sampled with one ``random()`` and a bisection."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        self.items: list[T] = []
        self.cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight <= 0:
                continue
            total += weight
            self.items.append(item)
            self.cum.append(total)
        if not self.items:
            raise ValueError("empty weighted population")
        self.total = total

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _parse_weighted(text: str) -> list[tuple[str, float]]:
    """``"王:7.1 李:7.0"`` → pairs; a bare item weighs 1."""
    pairs = []
    for token in text.split():
        item, _, weight = token.partition(":")
        pairs.append((item, float(weight) if weight else 1.0))
    return pairs


# --- reference data --------------------------------------------------------------------------------------

# Surnames with rough frequencies (per cent, northern China). Surnames whose
# pinyin depends on being a surname (曾, 单, 解, 仇, 查, 朴, 区, 乐, 缪 …) are left
# out: search pinyin is computed character by character, as the registry does.
_SURNAMES = """
王:9.0 李:8.2 张:8.4 刘:6.3 陈:3.2 杨:3.3 赵:3.1 黄:1.4 周:1.5 吴:1.2 徐:1.2 孙:1.9 马:1.8 朱:1.1 胡:1.0
郭:1.6 何:0.7 高:1.6 林:0.6 罗:0.5 郑:0.8 梁:0.8 谢:0.5 宋:0.9 唐:0.5 许:0.8 韩:1.0 冯:0.8 邓:0.4 曹:0.8
彭:0.4 肖:0.4 田:0.8 董:0.9 袁:0.5 潘:0.3 于:0.8 蒋:0.3 蔡:0.3 余:0.2 杜:0.6 叶:0.2 程:0.5 苏:0.5 魏:0.6
吕:0.5 丁:0.5 任:0.6 沈:0.3 姚:0.4 卢:0.4 姜:0.5 崔:0.6 钟:0.2 谭:0.2 陆:0.2 汪:0.2 范:0.6 金:0.3 石:0.5
廖:0.1 贾:0.7 夏:0.3 付:0.4 方:0.3 白:0.5 邹:0.2 孟:0.6 熊:0.2 秦:0.4 邱:0.2 江:0.2 尹:0.3 薛:0.4 闫:0.6
段:0.3 雷:0.2 侯:0.5 龙:0.1 史:0.5 陶:0.2 贺:0.3 顾:0.2 毛:0.2 郝:0.6 龚:0.1 邵:0.3 万:0.2 钱:0.2 严:0.1
武:0.6 戴:0.2 孔:0.3 常:0.4 温:0.2 康:0.3 施:0.1 牛:0.5 樊:0.3 葛:0.3 邢:0.4 安:0.3 齐:0.4 乔:0.4 庞:0.2
颜:0.1 倪:0.1 庄:0.1 聂:0.2 章:0.1 鲁:0.2 岳:0.2 殷:0.2 申:0.3 耿:0.3 关:0.2 焦:0.3 左:0.1 柳:0.1 祝:0.1
尚:0.2 纪:0.2 梅:0.1 毕:0.2 季:0.1 裴:0.2 霍:0.3 苗:0.3 谷:0.3 曲:0.2 路:0.3 辛:0.2 靳:0.3 柴:0.2 房:0.2
屈:0.1 穆:0.2 司:0.2 吉:0.1 连:0.2 褚:0.1 窦:0.2 景:0.2 宫:0.2 卫:0.1 米:0.1 宗:0.1 臧:0.1 边:0.2 姬:0.1
栾:0.1 甄:0.1 苑:0.2 欧阳:0.05 司马:0.02
"""

# Given-name characters by sex and generation (older names favour 国/建/红,
# younger ones 浩/欣): (classic, modern) pools.
_MALE_CLASSIC = "国:3 建:3 军:3 华:2 明:2 平:2 伟:3 强:2 勇:2 志:3 文:2 海:2 东:2 峰:2 永:2 春:1 立:2 新:2 庆:1 光:2 金:1 德:1 胜:1 学:2 振:1 亮:2 忠:1 兵:1 宏:2 玉:1 福:1 清:1 生:1 利:1 江:1 山:1 良:1 刚:2 辉:2 林:1 斌:1 涛:1 波:1 超:1 磊:1 杰:1 彬:1 卫:1 民:1 红:1"  # noqa: E501
_MALE_MODERN = "浩:3 宇:3 轩:2 晨:2 昊:2 睿:2 航:1 铭:1 哲:1 嘉:1 豪:1 鹏:2 鑫:2 凯:2 健:2 俊:2 帅:1 旭:2 龙:1 阳:2 博:2 瑞:1 坤:1 泽:2 然:1 涛:2 磊:2 杰:2 超:2 飞:2 宁:1 帆:1 文:1 明:1 伟:2 亮:1 斌:1 彬:1 锋:1"  # noqa: E501
_FEMALE_CLASSIC = "芳:3 娜:2 敏:3 静:3 丽:3 艳:3 娟:2 霞:2 燕:2 玲:2 桂:1 英:2 秀:2 兰:2 萍:2 红:3 梅:2 琳:1 洁:2 雪:2 华:2 荣:1 凤:1 春:1 香:1 淑:1 秋:1 云:2 丹:1 琴:1 莉:2 彩:1 晓:2 慧:2 颖:1 君:1 玉:1"  # noqa: E501
_FEMALE_MODERN = "欣:3 怡:3 婷:3 倩:2 颖:2 佳:2 璐:2 蕾:1 薇:2 悦:2 晶:2 妍:2 茜:1 月:1 梦:2 雨:2 蓉:1 莹:2 爽:1 媛:1 菲:1 露:1 娇:1 琪:2 瑶:2 雯:2 晓:2 丹:2 雪:2 静:2 敏:1 慧:2 琳:2 楠:1 宁:1 萌:1 思:2 可:1"  # noqa: E501

# 民族 (GB3304) of cadres in a northern county: mostly 汉族.
_ETHNICITIES = "01:93.6 03:2.4 11:2.6 02:0.7 10:0.2 08:0.2 15:0.2 06:0.1"

_UNIVERSITIES = """
河北大学:8 河北师范大学:8 河北经贸大学:6 河北农业大学:6 河北工业大学:4 燕山大学:3 河北科技大学:3 河北医科大学:2
石家庄铁道大学:2 邢台学院:5 邯郸学院:3 衡水学院:2 河北工程大学:3 华北理工大学:2 石家庄学院:2 唐山师范学院:1
保定学院:1 廊坊师范学院:1 河北地质大学:2 河北北方学院:1 北京师范大学:1 中国人民大学:1 南开大学:1 天津大学:1
山东大学:1 郑州大学:1 中国政法大学:1 中国农业大学:1 华北电力大学:1 山西大学:1 聊城大学:1
"""
_COLLEGES = """
邢台职业技术学院:5 邢台医学高等专科学校:2 河北政法职业学院:3 石家庄职业技术学院:2 河北交通职业技术学院:1
河北工业职业技术学院:1 河北女子职业技术学院:1 邢台师范高等专科学校:3 河北公安警察职业学院:1 河北建材职业技术学院:1
"""
_SECONDARY_SCHOOLS = "邢台农业学校:3 邢台师范学校:3 河北省邢台财贸学校:2 邢台卫生学校:1 河北省清河师范学校:2"
_PARTY_SCHOOLS = {
    "1A": "中共中央党校",
    "1B": "中共河北省委党校",
    "22": "中共中央党校",
    "23": "中共河北省委党校",
    "32": "中共河北省委党校",
}
_PARTY_SCHOOL_MAJORS = "经济管理:4 法律:3 行政管理:3 政治学:1 党政管理:2"
_IN_SERVICE_UNIVERSITIES = "河北大学:3 河北师范大学:2 河北经贸大学:2 中央广播电视大学:3 河北农业大学:1"

# Majors by degree field (the last two digits of a GB6864 degree code).
_MAJORS: dict[str, tuple[str, ...]] = {
    "02": ("经济学", "财政学", "金融学", "国际经济与贸易", "税收学"),
    "03": ("法学", "政治学与行政学", "社会学", "思想政治教育", "社会工作"),
    "04": ("教育学", "体育教育", "学前教育", "小学教育"),
    "05": ("汉语言文学", "新闻学", "英语", "秘书学"),
    "06": ("历史学",),
    "07": ("数学与应用数学", "化学", "地理科学", "物理学", "统计学"),
    "08": ("计算机科学与技术", "土木工程", "水利水电工程", "机械设计制造及其自动化", "环境工程", "电气工程及其自动化"),
    "09": ("农学", "园艺", "植物保护", "动物医学", "林学"),
    "10": ("临床医学", "中医学", "预防医学"),
    "12": ("行政管理", "工商管理", "会计学", "公共事业管理", "农林经济管理", "土地资源管理", "人力资源管理"),
}
_FIELDS = "03:20 12:20 02:12 05:12 08:12 09:8 04:6 07:5 10:3 06:2"
_COLLEGE_MAJORS = "法律事务:3 会计:3 计算机应用技术:2 文秘:2 汉语言文学教育:2 农业技术:1 临床医学:1 护理:1"
_SECONDARY_MAJORS = "农学:3 财会:2 中师:3 医士:1"
# Professional master's degrees earned in service (GB6864).
_IN_SERVICE_MASTERS = "349:5 346:1 341:1 347:1 343:1"
_IN_SERVICE_MASTER_MAJORS = {"349": "公共管理", "346": "工商管理", "341": "法律", "347": "农业推广", "343": "工程管理"}

_TOWN_FIRST = "葛连油谢王坝柳杨马高李新白刘张赵孙胡冯郭何石黄田董宋范贾尚苏邢韩曹金东西南北"
_TOWN_MIDDLE = "仙家官楼辛古大小新西东"
_TOWN_LAST = "庄屯营集寨坊店河桥铺堡口固"
_SUBDISTRICT_NAMES = ("城东", "城西", "城南", "城北", "新华", "和平", "胜利", "振兴", "建设", "光明", "育才", "文化")
_VILLAGE_LAST = "庄村屯营寨店堡"

_EXPERTISE = {
    "party": ("熟悉党务工作", "熟悉组织人事工作", "熟悉宣传思想工作", "熟悉纪检监察工作"),
    "gov": ("熟悉经济管理工作", "熟悉财政金融工作", "熟悉城乡建设管理", "熟悉社会事业管理", "熟悉行政管理工作"),
    "town": ("熟悉农村工作", "熟悉基层治理工作", "熟悉乡村振兴工作"),
    "judicial": ("熟悉法律工作", "熟悉政法工作"),
    "other": ("熟悉行政管理工作", "熟悉群众工作", "熟悉经济管理工作"),
}

_SPOUSE_JOBS = (
    "{c}第一中学教师",
    "{c}实验小学教师",
    "{c}人民医院医生",
    "{c}人民医院护士",
    "{c}财政局科员",
    "{c}市场监督管理局科员",
    "中国农业银行{c}支行职员",
    "国网{c}供电公司职工",
    "{c}农村信用合作联社职员",
    "个体经营",
    "{c}{town}{village}村村民",
    "{city}建设投资集团有限公司职员",
)

# --- unit templates --------------------------------------------------------------------------------------
# Post roles: "P"/"D" are the principal/deputy posts of a region's own level
# (县处级 in a county, 厅局级 in a city), "p"/"d" the next level down.
_ROLE_LEVELS = {
    "county": {"P": "1A31", "D": "1A32", "p": "1A41", "d": "1A42"},
    "city": {"P": "1A21", "D": "1A22", "p": "1A31", "d": "1A32"},
}
_TIER_LEVELS = {
    "county": (UnitLevel.COUNTY, UnitLevel.SECTION),
    "city": (UnitLevel.BUREAU, UnitLevel.COUNTY),
    "province": (UnitLevel.PROVINCE, UnitLevel.BUREAU),
}
# Titles whose holder may not come from the county itself (任职回避, DOMAIN.md 6.4).
_AVOID_HOME = ("书记", "{t}长", "常委、组织部部长", "书记、{t}监委主任", "院长", "检察长", "局长（公安）")

PostTemplate = tuple[str, str]  # (role, title)

# (key, name, short name, post prefix, kind, posts, staff weight)
_TOP_TEAMS: tuple[tuple[str, str, str, str, str, tuple[PostTemplate, ...], float], ...] = (
    (
        "committee",
        "中共{n}委员会",
        "{t}委",
        "中共{n}委",
        UnitKind.PARTY,
        (
            ("P", "书记"),
            ("D", "副书记"),
            ("D", "常委、组织部部长"),
            ("D", "常委、宣传部部长"),
            ("D", "常委、统战部部长"),
            ("D", "常委、政法委书记"),
            ("D", "常委、办公室主任"),
        ),
        0,
    ),
    (
        "government",
        "{n}人民政府",
        "{t}政府",
        "{n}人民政府",
        UnitKind.GOVERNMENT,
        (("P", "{t}长"), ("D", "常务副{t}长"), *(("D", "副{t}长"),) * 5),
        0,
    ),
    (
        "congress",
        "{n}人大常委会",
        "{t}人大",
        "{n}人大常委会",
        UnitKind.PEOPLES_CONGRESS,
        (("P", "主任"), *(("D", "副主任"),) * 5),
        8,
    ),
    (
        "cppcc",
        "政协{n}委员会",
        "{t}政协",
        "政协{n}委员会",
        UnitKind.CPPCC,
        (("P", "主席"), *(("D", "副主席"),) * 5),
        8,
    ),
    (
        "discipline",
        "中共{n}纪律检查委员会",
        "{t}纪委监委",
        "中共{n}纪委",
        UnitKind.PARTY,
        (
            ("D", "书记、{t}监委主任"),
            ("p", "副书记、{t}监委副主任"),
            ("p", "副书记、{t}监委副主任"),
            *(("d", "常委"),) * 3,
        ),
        25,
    ),
    (
        "court",
        "{n}人民法院",
        "法院",
        "{n}人民法院",
        UnitKind.JUDICIAL,
        (("D", "院长"), *(("p", "副院长"),) * 4),
        40,
    ),
    (
        "procuratorate",
        "{n}人民检察院",
        "检察院",
        "{n}人民检察院",
        UnitKind.JUDICIAL,
        (("D", "检察长"), *(("p", "副检察长"),) * 4),
        30,
    ),
)

# Departments: (group, name, short name, kind, principal title, deputy title, deputies, staff weight)
_DEPARTMENTS: tuple[tuple[str, str, str, str, str, str, int, float], ...] = (
    ("party", "中共{n}委办公室", "{t}委办", UnitKind.PARTY, "常务副主任", "副主任", 4, 14),
    ("party", "中共{n}委组织部", "组织部", UnitKind.PARTY, "常务副部长", "副部长", 4, 14),
    ("party", "中共{n}委宣传部", "宣传部", UnitKind.PARTY, "常务副部长", "副部长", 4, 10),
    ("party", "中共{n}委统战部", "统战部", UnitKind.PARTY, "常务副部长", "副部长", 3, 8),
    ("party", "中共{n}委政法委员会", "政法委", UnitKind.PARTY, "常务副书记", "副书记", 3, 8),
    ("party", "中共{n}委机构编制委员会办公室", "编办", UnitKind.PARTY, "主任", "副主任", 3, 6),
    ("party", "中共{n}委直属机关工作委员会", "直属机关工委", UnitKind.PARTY, "书记", "副书记", 3, 5),
    ("party", "中共{n}委党校", "党校", UnitKind.PARTY, "常务副校长", "副校长", 3, 10),
    ("party", "中共{n}委巡察工作领导小组办公室", "巡察办", UnitKind.PARTY, "主任", "副主任", 3, 8),
    ("party", "中共{n}委老干部局", "老干部局", UnitKind.PARTY, "局长", "副局长", 3, 5),
    ("gov", "{n}人民政府办公室", "政府办", UnitKind.GOVERNMENT, "主任", "副主任", 5, 16),
    ("gov", "{n}发展和改革局", "发改局", UnitKind.GOVERNMENT, "局长", "副局长", 5, 18),
    ("gov", "{n}教育局", "教育局", UnitKind.GOVERNMENT, "局长", "副局长", 5, 24),
    ("gov", "{n}工业和信息化局", "工信局", UnitKind.GOVERNMENT, "局长", "副局长", 4, 14),
    ("gov", "{n}公安局", "公安局", UnitKind.GOVERNMENT, "局长（公安）", "副局长", 6, 80),
    ("gov", "{n}民政局", "民政局", UnitKind.GOVERNMENT, "局长", "副局长", 4, 14),
    ("gov", "{n}司法局", "司法局", UnitKind.GOVERNMENT, "局长", "副局长", 4, 18),
    ("gov", "{n}财政局", "财政局", UnitKind.GOVERNMENT, "局长", "副局长", 5, 26),
    ("gov", "{n}人力资源和社会保障局", "人社局", UnitKind.GOVERNMENT, "局长", "副局长", 5, 20),
    ("gov", "{n}自然资源和规划局", "自然资源局", UnitKind.GOVERNMENT, "局长", "副局长", 5, 22),
    ("gov", "{n}住房和城乡建设局", "住建局", UnitKind.GOVERNMENT, "局长", "副局长", 5, 20),
    ("gov", "{n}交通运输局", "交通运输局", UnitKind.GOVERNMENT, "局长", "副局长", 4, 18),
    ("gov", "{n}水利局", "水利局", UnitKind.GOVERNMENT, "局长", "副局长", 4, 14),
    ("gov", "{n}农业农村局", "农业农村局", UnitKind.GOVERNMENT, "局长", "副局长", 5, 26),
    ("gov", "{n}商务局", "商务局", UnitKind.GOVERNMENT, "局长", "副局长", 4, 10),
    ("gov", "{n}文化广电和旅游局", "文广旅局", UnitKind.GOVERNMENT, "局长", "副局长", 4, 12),
    ("gov", "{n}卫生健康局", "卫健局", UnitKind.GOVERNMENT, "局长", "副局长", 5, 18),
    ("gov", "{n}退役军人事务局", "退役军人局", UnitKind.GOVERNMENT, "局长", "副局长", 3, 8),
    ("gov", "{n}应急管理局", "应急局", UnitKind.GOVERNMENT, "局长", "副局长", 4, 12),
    ("gov", "{n}审计局", "审计局", UnitKind.GOVERNMENT, "局长", "副局长", 4, 12),
    ("gov", "{n}市场监督管理局", "市场监管局", UnitKind.GOVERNMENT, "局长", "副局长", 6, 36),
    ("gov", "{n}统计局", "统计局", UnitKind.GOVERNMENT, "局长", "副局长", 3, 8),
    ("gov", "{n}医疗保障局", "医保局", UnitKind.GOVERNMENT, "局长", "副局长", 3, 10),
    ("gov", "{n}行政审批局", "行政审批局", UnitKind.GOVERNMENT, "局长", "副局长", 4, 14),
    ("gov", "{n}信访局", "信访局", UnitKind.GOVERNMENT, "局长", "副局长", 3, 8),
    ("gov", "{n}城市管理综合行政执法局", "城管执法局", UnitKind.GOVERNMENT, "局长", "副局长", 4, 24),
    ("mass", "{n}总工会", "总工会", UnitKind.MASS_ORG, "主席", "副主席", 2, 5),
    ("mass", "共青团{n}委员会", "团{t}委", UnitKind.MASS_ORG, "书记", "副书记", 2, 4),
    ("mass", "{n}妇女联合会", "妇联", UnitKind.MASS_ORG, "主席", "副主席", 2, 4),
    ("mass", "{n}科学技术协会", "科协", UnitKind.MASS_ORG, "主席", "副主席", 1, 3),
    ("mass", "{n}工商业联合会", "工商联", UnitKind.MASS_ORG, "主席", "副主席", 2, 3),
    ("mass", "{n}残疾人联合会", "残联", UnitKind.MASS_ORG, "理事长", "副理事长", 1, 3),
    ("inst", "{n}融媒体中心", "融媒体中心", UnitKind.INSTITUTION, "主任", "副主任", 2, 16),
    ("inst", "{n}人民医院", "人民医院", UnitKind.INSTITUTION, "院长", "副院长", 3, 70),
    ("inst", "{n}中医院", "中医院", UnitKind.INSTITUTION, "院长", "副院长", 2, 36),
    ("inst", "{n}第一中学", "第一中学", UnitKind.INSTITUTION, "校长", "副校长", 3, 40),
    ("inst", "{n}职业技术教育中心", "职教中心", UnitKind.INSTITUTION, "主任", "副主任", 2, 26),
    ("inst", "{n}档案馆", "档案馆", UnitKind.INSTITUTION, "馆长", "副馆长", 1, 6),
    ("inst", "{n}疾病预防控制中心", "疾控中心", UnitKind.INSTITUTION, "主任", "副主任", 2, 16),
    ("inst", "{n}供销合作社联合社", "供销社", UnitKind.INSTITUTION, "主任", "副主任", 2, 6),
    ("ent", "{n}城市建设投资有限公司", "城投公司", UnitKind.ENTERPRISE, "董事长", "副总经理", 2, 10),
)
# Units whose staff are managed under the civil-service law without being
# civil servants (参公).
_REFERENCE_UNITS = ("党校", "档案馆", "供销社")
_DEFAULT_TOWNSHIPS = 12
_DEFAULT_SUBDISTRICTS = 4
_MAX_TOWNSHIPS = 30
_TOWN_WEIGHT = 36.0
_SUBDISTRICT_WEIGHT = 26.0

# ZB09 level of a career stage → the stages before it (DOMAIN.md 6.2: 副职 →
# 正职 at a level, lower 正职 → higher 副职), with the minimum months in each.
_LADDER = {
    "1A42": ("staff",),
    "1A41": ("staff", "1A42"),
    "1A32": ("staff", "1A42", "1A41"),
    "1A31": ("staff", "1A42", "1A41", "1A32"),
    "1A22": ("staff", "1A42", "1A41", "1A32", "1A31"),
    "1A21": ("staff", "1A42", "1A41", "1A32", "1A31", "1A22"),
}
_MIN_MONTHS = {"staff": 36, "1A42": 24, "1A41": 36, "1A32": 24, "1A31": 36, "1A22": 24, "lateral": 12}
# Age ranges (years) of leaders by level.
_LEADER_AGES = {
    "1A21": (50, 58, 55),
    "1A22": (45, 57, 53),
    "1A31": (43, 58, 52),
    "1A32": (36, 58, 50),
    "1A41": (31, 58, 48),
    "1A42": (27, 57, 42),
}
# The rank (ZJ2019) a leader holds at each post level: (usual, senior).
_LEADER_RANKS = {
    "1A21": ("01", "01"),
    "1A22": ("02", "02"),
    "1A31": ("04", "03"),
    "1A32": ("06", "05"),
    "1A41": ("08", "07"),
    "1A42": ("10", "09"),
}
# Ranks of non-leading civil servants by years of service.
_STAFF_RANKS = ((15, "09"), (8, "10"), (3, "11"), (0, "12"))
RANK_REFORM = datetime.date(2019, 6, 1)
# 政治面貌 of 党外 cadres (GB4762): the democratic parties and 无党派.
_NON_PARTY_LEADERS = ("04", "05", "06", "07", "08", "10", "12")
_NON_PARTY_STAFF = ("05", "07", "10", "12")

_TECH_TITLES = {
    "hospital": ("主任医师:1 副主任医师:3 主治医师:6 医师:5 主管护师:4 护师:5", "10"),
    "school": ("高级教师（中学）:3 一级教师（中学）:6 二级教师（中学）:4", "04"),
    "media": ("主任记者:1 记者:4 编辑:3", "05"),
    "other": ("高级工程师:1 工程师:4 助理工程师:3 会计师:2 经济师:2 高级农艺师:1 农艺师:2", "08"),
}


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
                f"{model.__name__} 的字段已变化（{sorted(expected ^ set(columns))}），请同步更新 personnel/demo.py"
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


class _Generator:
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


# --- writing ---------------------------------------------------------------------------------------------


class _Writer:
    """COPY into the tables on the connection of the current transaction."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.raw = connection.connection

    def copy(self, model: type[models.Model], rows: Sequence[Row]) -> None:
        if not rows:
            return
        columns = _COLUMNS[model]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        )
        # A statement through Django first, so that the transaction-local
        # settings its execute wrappers inject (pgtrigger.ignore, the
        # pghistory context) are in force for the raw COPY below.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    @staticmethod
    def next_ids(model: type[models.Model], count: int) -> list[int]:
        """``count`` fresh primary keys from the table's sequence."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())


# --- entry points ----------------------------------------------------------------------------------------


def demo_roots() -> QuerySet[Unit]:
    """The root units of generated demo data."""
    return Unit.objects.filter(parent__isnull=True, kind=UnitKind.REGION, short_name__endswith=DEMO_MARK)


def demo_data_reset(*, keep_root: Unit | None = None) -> int:
    """Delete the generated demo trees: units, quotas, cadres and their
    sub-records (everything but ``keep_root`` itself, so that references to
    it, such as a jurisdiction, stay valid). Raw SQL,
    because the ORM's cascade would load a million cadres into memory. Rows
    of other apps that still point at demo units or cadres make this fail
    (DemoDataError) rather than dangle. Returns the number of cadres deleted."""
    deleted = 0
    units = "SELECT id FROM personnel_unit WHERE path LIKE %s"
    cadres = f"SELECT id FROM personnel_cadre WHERE unit_id IN ({units})"  # noqa: S608 - constant SQL
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Immediate: with deferred foreign keys every deleted row queues
            # its checks until commit, and each history trigger that aborts a
            # subtransaction (an unset setting caught in PL/pgSQL) rescans
            # that queue: quadratic, minutes for 100,000 cadres, not seconds.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for root in demo_roots():
                pattern = root.path + "%"
                for model in (Education, ResumeEntry, PostHeld, FamilyMember, RewardPunishment, Appraisal, Photo):
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"DELETE FROM {table} WHERE cadre_id IN ({cadres})", [pattern])  # noqa: S608
                cursor.execute(f"DELETE FROM personnel_cadre WHERE id IN ({cadres})", [pattern])  # noqa: S608
                deleted += cursor.rowcount
                cursor.execute(f"DELETE FROM personnel_leadershipquota WHERE unit_id IN ({units})", [pattern])  # noqa: S608
                keep = keep_root.pk if keep_root is not None else 0
                cursor.execute("DELETE FROM personnel_unit WHERE path LIKE %s AND id <> %s", [pattern, keep])
    except IntegrityError as exc:
        raise DemoDataError(f"演示数据仍被其他记录引用（如账号的所在单位或业务记录），无法删除：{exc}") from exc
    return deleted


def demo_data_generate(
    *,
    size: int = DEFAULT_SIZE,
    seed: int = DEFAULT_SEED,
    as_of: datetime.date | None = None,
    reset: bool = False,
    keep_history: bool = False,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Generate a synthetic county (or city, or province) of ``size`` cadres.

    Deterministic for (seed, size, as_of): ``as_of`` (the reference date of
    ages and tenures) defaults to 1 January of the current year, so a seed
    gives the same data all year. One transaction: all of it or none. With
    ``reset`` the existing demo tree is replaced, keeping its root unit (same
    id and path) so that jurisdictions granted on it still apply.

    History: the registry's pghistory triggers would write one insert event
    per row. For synthetic bulk data those events record nothing anyone did,
    and at 100,000 cadres they cost 1.35–1.6× the time and 2.2× the disk
    (284 → 627 MB, bench/demo_data.py); so by default the insert and delete
    triggers are skipped with ``pgtrigger.ignore`` for this transaction only,
    and every later change to the demo records is tracked as usual.
    ``keep_history=True`` writes them, attributed to ``source=demo_data``.
    (Disabling the triggers outright with ALTER TABLE would save another
    ~25 % but lock the registry tables against every reader for the whole
    load.)
    """
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise DemoDataError(f"规模应在 {MIN_SIZE} 到 {MAX_SIZE:,} 名干部之间")
    if batch_size < 1:
        raise DemoDataError("批量大小应为正整数")
    _check_columns()
    started = time.perf_counter()
    as_of = as_of or datetime.date(timezone.localdate().year, 1, 1)
    summary = DemoSummary(seed=seed, size=size, as_of=as_of, history_kept=keep_history)
    tracked: tuple[type[models.Model], ...] = (*DEMO_MODELS, Photo)
    uris = [f"personnel.{m._meta.object_name}:{op}" for m in tracked for op in ("insert_insert", "delete_delete")]
    with transaction.atomic(), history_context(actor=None, source="demo_data"):
        with connection.cursor() as cursor:
            # Django's foreign keys are deferred: checking millions of them
            # at commit would queue every check in memory first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if keep_history:
                # Every history trigger first reads this setting inside a
                # PL/pgSQL EXCEPTION block; left unset, each row raises and
                # rolls back a subtransaction (measured: 95 s → 61 s at 100,000).
                cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        with pgtrigger.ignore(*uris) if not keep_history else contextlib.nullcontext():
            existing = list(demo_roots().order_by("pk"))
            if existing and not reset:
                names = "、".join(root.name for root in existing)
                raise DemoDataError(f"已存在演示数据（{names}），如需重新生成请加 --reset")
            if existing:
                demo_data_reset(keep_root=existing[0])
            _generate(
                summary, seed=seed, batch_size=batch_size, progress=progress, root=existing[0] if existing else None
            )
        with connection.cursor() as cursor:
            for model in DEMO_MODELS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    summary.seconds = time.perf_counter() - started
    return summary


def _generate(
    summary: DemoSummary,
    *,
    seed: int,
    batch_size: int,
    progress: Callable[[int, int], None] | None,
    root: Unit | None,
) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    codes = _Codes()
    plan = _Planner(rng, codes).plan(summary.size)
    writer = _Writer()
    now = timezone.now()
    leaders = _fill_positions(plan, rng, summary.size)
    _distribute_staff(plan.units, summary.size - leaders)
    _write_units(plan, writer, now, root)
    quotas: list[Row] = []
    for unit in plan.units:
        counts: dict[str, int] = {}
        for post in unit.posts:
            counts[post.level] = counts.get(post.level, 0) + 1
        year = rng.randint(2019, 2023)
        for level, count in counts.items():
            # The 三定方案 document the quota comes from.
            note = f"{unit.area.abbr}编〔{year}〕{rng.randint(1, 60)}号"
            quotas.append((unit.id, codes.id(CodeTable.POST_LEVEL, level), count, note))
            summary.quota_posts += count
    writer.copy(LeadershipQuota, quotas)
    summary.root = plan.root.name
    summary.units = len(plan.units)
    summary.teams = sum(1 for u in plan.units if u.posts)
    summary.quota_rows = len(quotas)
    summary.leaders = leaders

    generator = _Generator(rng=rng, codes=codes, plan=plan, as_of=summary.as_of, now=now, seed=seed)
    batch = _Batch()
    pending: list[int] = []
    done = 0

    def flush() -> None:
        nonlocal batch
        for model, rows in batch.tables():
            writer.copy(model, rows)
        summary.cadres += len(batch.cadres)
        summary.educations += len(batch.educations)
        summary.resume_entries += len(batch.resume)
        summary.posts += len(batch.posts)
        summary.family_members += len(batch.family)
        summary.rewards += len(batch.rewards)
        summary.appraisals += len(batch.appraisals)
        batch = _Batch()
        if progress is not None:
            progress(done, summary.size)

    for unit in plan.units:
        people: list[_Post | None] = [*(p for p in unit.posts if p.filled), *([None] * unit.staff)]
        for person in people:
            if not pending:
                # Ids for the next batch, handed out in ascending order.
                pending = writer.next_ids(Cadre, min(batch_size, summary.size - done))[::-1]
            generator.cadre(pending.pop(), unit, person, batch)
            done += 1
            if len(batch.cadres) >= batch_size:
                flush()
    if batch.cadres:
        flush()


def _fill_positions(plan: _Plan, rng: random.Random, size: int) -> int:
    """Decide which posts are filled: some units are fully staffed, the
    others have vacancies; a small run keeps at least half of its cadres for
    ordinary staff. Returns the number of leaders."""
    for unit in plan.units:
        full = rng.random() < 0.45
        for post in unit.posts:
            if not full:
                post.filled = rng.random() >= (0.04 if post.principal else 0.12)
    filled = [p for u in plan.units for p in u.posts if p.filled]
    excess = len(filled) - size // 2
    if excess > 0:
        # Deputies go first, from the end of the plan (the least central units).
        ordered = [p for p in filled if not p.principal][::-1] + [p for p in filled if p.principal][::-1]
        for post in ordered[:excess]:
            post.filled = False
    return sum(1 for u in plan.units for p in u.posts if p.filled)


def _write_units(plan: _Plan, writer: _Writer, now: datetime.datetime, root: Unit | None) -> None:
    """Write the units with ids drawn first, so the materialized paths
    (root ``/<id>/``, child ``parent.path + <id>/``) go in with them. An
    existing demo root is reused in place."""
    new_units = plan.units[1:] if root is not None else plan.units
    if root is not None:
        plan.root.id = root.pk
    for unit, unit_id in zip(new_units, writer.next_ids(Unit, len(new_units)), strict=True):
        unit.id = unit_id
    for unit in plan.units:
        unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.id}/"
    if root is not None:
        top = plan.root
        Unit.objects.filter(pk=root.pk).update(
            name=top.name,
            short_name=top.short_name,
            kind=top.kind,
            level=top.level,
            region_code=top.area.code,
            path=top.path,
            is_active=True,
            updated_at=now,
        )
    rows = [
        (
            u.id,
            u.name,
            u.short_name,
            u.parent.id if u.parent else None,
            u.path,
            u.kind,
            u.level,
            u.area.code if u.group == "region" else "",
            u.sort_order,
            True,
            now,
            now,
        )
        for u in new_units
    ]
    writer.copy(Unit, rows)


def _distribute_staff(units: list[_UnitSpec], staff: int) -> None:
    """Share ``staff`` ordinary cadres among the units by weight (largest
    remainder, so the total is exact)."""
    weighted = [u for u in units if u.weight > 0]
    total = sum(u.weight for u in weighted)
    if staff <= 0 or not weighted:
        return
    shares = [(u, staff * u.weight / total) for u in weighted]
    for unit, share in shares:
        unit.staff = int(share)
    left = staff - sum(u.staff for u in weighted)
    remainders = sorted(range(len(shares)), key=lambda i: shares[i][1] - int(shares[i][1]), reverse=True)
    for index in remainders[:left]:
        shares[index][0].staff += 1
