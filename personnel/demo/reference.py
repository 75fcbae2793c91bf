"""The demo county's reference data: names, schools, places, unit templates
and career ladders, with their weights (see ``personnel.demo``)."""

from __future__ import annotations

import bisect
import datetime
import random
from collections.abc import Iterable
from typing import Generic, TypeVar

from django.db import models

from personnel.models import (
    Appraisal,
    Cadre,
    Education,
    FamilyMember,
    LeadershipQuota,
    PostHeld,
    ResumeEntry,
    RewardPunishment,
    Unit,
    UnitKind,
    UnitLevel,
)

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
