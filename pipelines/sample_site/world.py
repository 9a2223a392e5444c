"""The synthetic world the sample site writes about: places, credit-rule facts and how sentences state them.

Every rule sentence is a template whose number spans are tokens ``⟦<fact><field>:<text>⟧``
(field a = amount, d = deduction, r = ratio, l/h = ratio range low/high). Rendering strips the
markers and checks each token's value against its fact, so the facts cannot drift from the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

from pipelines.sample_site.records import RuleFact

RETIREE, EMPLOYEE = "retiree", "employee"
AVG, OWN, BASE = "regional_avg_pension", "individual_pension", "contribution_base"

# Token of a number span inside a rule template: fact index, field letter, text as written.
TOKEN = re.compile(r"⟦(\d)([adrlh]):([^⟧]+)⟧")
# Full-width digits and punctuation that templates may use for a number span.
FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


class TemplateError(ValueError):
    """A rule template's number tokens disagree with the facts it is declared to state."""


# ----------------------------------------------------------------------------- places

# Cities injected into titles (SEO slot). None of them is the subject of any rule.
TITLE_CITIES: tuple[tuple[str, str, str], ...] = (
    ("资阳", "资阳市", "512000"), ("安庆", "安庆市", "340800"), ("九江", "九江市", "360400"),
    ("绵阳", "绵阳市", "510700"), ("宜宾", "宜宾市", "511500"), ("赣州", "赣州市", "360700"),
    ("襄阳", "襄阳市", "420600"), ("岳阳", "岳阳市", "430600"), ("常德", "常德市", "430700"),
    ("洛阳", "洛阳市", "410300"), ("南阳", "南阳市", "411300"), ("芜湖", "芜湖市", "340200"),
    ("蚌埠", "蚌埠市", "340300"), ("泉州", "泉州市", "350500"), ("漳州", "漳州市", "350600"),
    ("柳州", "柳州市", "450200"), ("桂林", "桂林市", "450300"), ("遵义", "遵义市", "520300"),
    ("曲靖", "曲靖市", "530300"), ("宝鸡", "宝鸡市", "610300"), ("天水", "天水市", "620500"),
    ("包头", "包头市", "150200"), ("大同", "大同市", "140200"), ("烟台", "烟台市", "370600"),
    ("潍坊", "潍坊市", "370700"), ("临沂", "临沂市", "371300"), ("济宁", "济宁市", "370800"),
    ("盐城", "盐城市", "320900"), ("扬州", "扬州市", "321000"), ("镇江", "镇江市", "321100"),
    ("台州", "台州市", "331000"), ("金华", "金华市", "330700"), ("嘉兴", "嘉兴市", "330400"),
    ("绍兴", "绍兴市", "330600"), ("湖州", "湖州市", "330500"), ("上饶", "上饶市", "361100"),
)

# Places named only in sidebars and comments: any claim for them is a leak from outside the body.
TRAP_PLACES: tuple[tuple[str, str], ...] = (("郑州", "郑州市"), ("哈尔滨", "哈尔滨市"), ("昆明", "昆明市"))

# Extra rule places for large generated sites (name, canonical, code); values derive from the code.
SCALE_PLACES: tuple[tuple[str, str, str], ...] = (
    ("长沙", "长沙市", "430100"), ("南昌", "南昌市", "360100"), ("合肥", "合肥市", "340100"),
    ("济南", "济南市", "370100"), ("青岛", "青岛市", "370200"), ("沈阳", "沈阳市", "210100"),
    ("大连", "大连市", "210200"), ("长春", "长春市", "220100"), ("石家庄", "石家庄市", "130100"),
    ("太原", "太原市", "140100"), ("南宁", "南宁市", "450100"), ("贵阳", "贵阳市", "520100"),
    ("兰州", "兰州市", "620100"), ("海口", "海口市", "460100"), ("厦门", "厦门市", "350200"),
    ("宁波", "宁波市", "330200"), ("苏州", "苏州市", "320500"), ("无锡", "无锡市", "320200"),
    ("呼和浩特", "呼和浩特市", "150100"), ("银川", "银川市", "640100"), ("西宁", "西宁市", "630100"),
    ("河北", "河北省", "130000"), ("山西", "山西省", "140000"), ("辽宁", "辽宁省", "210000"),
    ("吉林", "吉林省", "220000"), ("浙江", "浙江省", "330000"), ("安徽", "安徽省", "340000"),
    ("福建", "福建省", "350000"), ("江西", "江西省", "360000"), ("山东", "山东省", "370000"),
    ("湖南", "湖南省", "430000"), ("广东", "广东省", "440000"), ("贵州", "贵州省", "520000"),
)

# ----------------------------------------------------------------------------- facts


def _fixed(region: str, code: str, amount: float, **kw: object) -> RuleFact:
    """A fixed (定额) rule, monthly unless ``period`` says year."""
    period = kw.pop("period", "month")
    return RuleFact(region, code, method="fixed", amount_yuan=amount, period=period, **kw)  # type: ignore[arg-type]


def _ratio(region: str, code: str, low: float, high: float, base: str, **kw: object) -> RuleFact:
    """A ratio (比例) rule of ``base``."""
    return RuleFact(region, code, method="ratio", ratio_min=low, ratio_max=high, base=base, **kw)  # type: ignore[arg-type]


NATIONAL = _ratio("全国", "000000", 0.02, 0.03, AVG)
BJ_LOW = _fixed("北京市", "110000", 100, age_max=70)
BJ_HIGH = _fixed("北京市", "110000", 110, age_min=70)
GANSU = _fixed("甘肃省", "620000", 120)
SZ_APPROX = RuleFact("深圳市", "440300", amount_yuan=250, period="month", approximate=True)
SZ_RATIO = _ratio("深圳市", "440300", 0.028, 0.028, OWN)
SH_LOW = _fixed("上海市", "310000", 1680, age_max=75, period="year")
SH_HIGH = _fixed("上海市", "310000", 1890, age_min=75, period="year")
TJ_1 = _fixed("天津市", "120000", 105, age_max=70)
TJ_2 = _fixed("天津市", "120000", 115, age_min=70, age_max=80)
TJ_3 = _fixed("天津市", "120000", 125, age_min=80)
CQ_LOW = _fixed("重庆市", "500000", 95, age_max=75)
CQ_HIGH = _fixed("重庆市", "500000", 115, age_min=75)
JIANGSU = _ratio("江苏省", "320000", 0.025, 0.025, AVG)
NANJING = _fixed("南京市", "320100", 1800, period="year")
FUZHOU = _fixed("福州市", "350100", 97, deduction_yuan=3)
XIAN = _fixed("西安市", "610100", 130)
GZ_EMPLOYEE = _ratio("广州市", "440100", 0.02, 0.02, BASE, population=EMPLOYEE)
WUHAN = RuleFact("武汉市", "420100", amount_yuan=160, period="month", approximate=True)
# The changed region: older articles state CD_OLD, newer ones CD_NEW for the same key.
CD_OLD = _fixed("成都市", "510100", 150)
CD_NEW = _fixed("成都市", "510100", 165)


@dataclass(frozen=True, slots=True)
class Table:
    """A table statement: header cells, then one row of cells per fact (row i states fact i)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Phrasing = str | Table


@dataclass(frozen=True, slots=True)
class Statement:
    """Facts stated together, and the interchangeable ways the site writes them."""

    sid: str
    facts: tuple[RuleFact, ...]
    phrasings: tuple[Phrasing, ...]


# Written once into most articles, verbatim: the repeated rule paragraphs of such sites.
BOILERPLATE_STATEMENTS: tuple[Statement, ...] = (
    Statement("bp_national", (NATIONAL,), (
        "说到划入比例，国家并没有规定一个全国统一的数字。目前全国多数统筹地区按当地上年度月人均基本养老金的⟦0l:2⟧%~⟦0h:3⟧%划入退休人员个人账户，具体比例由各地医保部门结合基金情况确定。",
    )),
    Statement("bp_fixed", (BJ_LOW, BJ_HIGH, GANSU), (
        "也有地方采用定额划入的办法，金额不随养老金高低变化。北京市实行定额划入，70岁以下的退休人员每月⟦0a:100⟧元，70岁及以上的每月⟦1a:110⟧元。甘肃省同样按定额划入，退休人员每人每月⟦2a:120⟧元。",
    )),
    Statement("bp_shenzhen", (SZ_APPROX,), (
        "经济发达城市的划入额度普遍更高一些。深圳市的退休人员，个人账户每月到账可以达到⟦0a:250⟧元左右，实际金额以当年核定为准。",
    )),
)

# Written into single articles, one phrasing drawn per article.
ARTICLE_STATEMENTS: tuple[Statement, ...] = (
    Statement("national_range", (NATIONAL,), (
        "从全国范围看，退休人员个人账户的划入比例一般在当地月人均基本养老金的⟦0l:2⟧%至⟦0h:3⟧%之间。",
        "就全国来说，多数地方按当地月人均基本养老金的⟦0l:２⟧%—⟦0h:３⟧%给退休人员划入个人账户。",
    )),
    Statement("shanghai", (SH_LOW, SH_HIGH), (
        "上海市退休人员的个人账户按年度定额划入：不满75周岁的每年⟦0a:1680⟧元，75周岁及以上的每年⟦1a:1890⟧元。",
        "在上海，退休人员个人账户实行按年定额划入，不满75周岁的每年划入⟦0a:1,680⟧元，75周岁及以上的每年划入⟦1a:1,890⟧元。",
        Table(("地区", "年龄段", "划入方式", "年划入金额"), (
            ("上海市", "不满75周岁", "定额", "⟦0a:1680⟧元/年"),
            ("上海市", "75周岁及以上", "定额", "⟦1a:1890⟧元/年"),
        )),
    )),
    Statement("shenzhen_ratio", (SZ_RATIO,), (
        "深圳市退休人员的个人账户按比例划入，标准为本人基本养老金的⟦0r:2.8⟧%。",
        "深圳市对退休人员实行比例划入，每月按本人基本养老金的⟦0r:２．８⟧%计入个人账户。",
    )),
    Statement("tianjin", (TJ_1, TJ_2, TJ_3), (
        "天津市按年龄段定额划入：不满70周岁的退休人员每月⟦0a:105⟧元，70周岁至79周岁的每月⟦1a:115⟧元，80周岁及以上的每月⟦2a:125⟧元。",
        Table(("地区", "年龄段", "划入方式", "每月划入"), (
            ("天津市", "不满70周岁", "定额", "⟦0a:105⟧元"),
            ("天津市", "70周岁至79周岁", "定额", "⟦1a:115⟧元"),
            ("天津市", "80周岁及以上", "定额", "⟦2a:125⟧元"),
        )),
    )),
    Statement("chongqing", (CQ_LOW, CQ_HIGH), (
        "重庆市对高龄退休人员有所倾斜，实行定额划入：74岁以下的每月⟦0a:95⟧元，75岁及以上的每月⟦1a:115⟧元。",
        "重庆市退休人员按定额划入，74岁以下每人每月⟦0a:九十五⟧元，75岁及以上每人每月⟦1a:一百一十五⟧元。",
    )),
    Statement("jiangsu", (JIANGSU,), (
        "江苏省的做法是按比例划入，退休人员个人账户每月按全省上年度月人均基本养老金的⟦0r:2.5⟧%计入。",
        "江苏省退休人员的个人账户按比例划入，划入标准为全省上年度月人均基本养老金的百分之⟦0r:二点五⟧。",
    )),
    Statement("nanjing", (NANJING,), (
        "南京市退休人员的个人账户实行定额划入，每年⟦0a:1,800⟧元，分月到账。",
        "南京市对退休人员按年定额划入，标准为每人每年⟦0a:1800⟧元。",
    )),
    Statement("fuzhou", (FUZHOU,), (
        "福州市退休人员个人账户实行定额划入，扣除⟦0d:3⟧元大病保险后，每月实际到账⟦0a:97⟧元。",
        "福州市按定额划入，退休人员每月到账⟦0a:97⟧元，这是扣除⟦0d:3⟧元大病保险后的金额。",
    )),
    Statement("xian", (XIAN,), (
        "西安市退休人员的个人账户每月定额划入⟦0a:１３０⟧元。",
        "西安市实行定额划入，退休人员每人每月⟦0a:130⟧元。",
        "西安市退休人员按定额划入，每月⟦0a:一百三十⟧元。",
    )),
    Statement("guangzhou_employee", (GZ_EMPLOYEE,), (
        "广州市在职职工的个人账户按比例划入，标准为本人缴费基数的⟦0r:2⟧%。",
        "在职职工方面，广州市按本人缴费基数的⟦0r:２⟧%划入个人账户。",
    )),
    Statement("wuhan", (WUHAN,), (
        "武汉市的退休人员，个人账户每月到账约⟦0a:160⟧元。",
        "据了解，武汉市退休人员个人账户每月到账在⟦0a:160⟧元左右。",
    )),
    Statement("city_table", (XIAN, NANJING, FUZHOU), (
        Table(("地区", "划入方式", "划入金额"), (
            ("西安市", "定额", "每月⟦0a:130⟧元"),
            ("南京市", "定额", "每年⟦1a:1,800⟧元"),
            ("福州市", "定额", "每月⟦2a:97⟧元（已扣除⟦2d:3⟧元大病保险）"),
        )),
    )),
)

CHENGDU_OLD = Statement("chengdu_old", (CD_OLD,), (
    "成都市退休人员的个人账户实行定额划入，每人每月⟦0a:150⟧元。",
    "成都市按定额给退休人员划入个人账户，标准是每月⟦0a:150⟧元。",
))
CHENGDU_NEW = Statement("chengdu_new", (CD_NEW,), (
    "成都市调整了划入标准，退休人员个人账户现按每人每月⟦0a:165⟧元定额划入。",
    "新标准执行后，成都市退休人员每月定额划入⟦0a:165⟧元。",
))


def scale_statement(name: str, canonical: str, code: str) -> Statement:
    """A rule statement for an extra place of a large site; its value is fixed by the place's code."""
    step = int(code) // 100 % 13
    if code.endswith("0000"):  # provinces: a ratio of the regional average pension
        pct = round(2.0 + 0.1 * (step % 9), 1)
        fact = _ratio(canonical, code, pct / 100, pct / 100, AVG)
        return Statement(f"scale_{code}", (fact,), (
            f"{canonical}退休人员个人账户按比例划入，标准为全省上年度月人均基本养老金的⟦0r:{pct:g}⟧%。",
        ))
    amount = 85 + 5 * step
    fact = _fixed(canonical, code, amount)
    return Statement(f"scale_{code}", (fact,), (
        f"{canonical}退休人员个人账户实行定额划入，每人每月⟦0a:{amount}⟧元。",
        f"{name}按定额划入，退休人员每月到账⟦0a:{amount}⟧元。",
    ))


# ----------------------------------------------------------------------------- token handling


def token_value(text: str) -> float:
    """Numeric value of a token as written: ASCII, full-width, thousands separators or Chinese numerals."""
    plain = text.translate(FULLWIDTH).replace(",", "")
    try:
        return float(plain)
    except ValueError:
        return float(cn2an.cn2an(text, "normal"))


def _expected(fact: RuleFact, field: str) -> float | None:
    """The value a token of ``field`` must have for ``fact`` (ratios in percent)."""
    if field == "a":
        return fact.amount_yuan
    if field == "d":
        return fact.deduction_yuan
    ratio = {"r": fact.ratio_min, "l": fact.ratio_min, "h": fact.ratio_max}[field]
    return None if ratio is None else round(ratio * 100, 6)


def check_tokens(template: str, facts: tuple[RuleFact, ...]) -> list[tuple[int, str]]:
    """(fact index, text) of every token; raises TemplateError when a token disagrees with its fact."""
    found = []
    for match in TOKEN.finditer(template):
        index, field, text = int(match.group(1)), match.group(2), match.group(3)
        want = _expected(facts[index], field)
        if want is None or abs(token_value(text) - want) > 1e-6:
            raise TemplateError(f"template token {match.group(0)} states {text}, fact {index} says {want}: {template}")
        found.append((index, text))
    return found


def strip_tokens(template: str) -> str:
    """The text as rendered: token markers removed."""
    return TOKEN.sub(lambda m: m.group(3), template)


def _check_catalogue() -> None:
    """Validate every template at import: a wrong number in a template is a bug, not a fact."""
    for stmt in (*BOILERPLATE_STATEMENTS, *ARTICLE_STATEMENTS, CHENGDU_OLD, CHENGDU_NEW):
        for phrasing in stmt.phrasings:
            cells = phrasing.rows if isinstance(phrasing, Table) else ((phrasing,),)
            seen = {i for row in cells for i, _ in check_tokens(" ".join(row), stmt.facts)}
            if seen != set(range(len(stmt.facts))):
                raise TemplateError(f"{stmt.sid}: a phrasing does not state every fact: {phrasing}")


_check_catalogue()
