"""Word lists and small tests that decide what a number in a rule sentence means.

Each pattern carries a one-line reason; claims.py applies them while scanning a sentence.
Text given to these functions is already half-width (extractors.numbers.halfwidth).
"""

from __future__ import annotations

import re

from extractors.records import BASES

REGIONAL_AVG, INDIVIDUAL, CONTRIBUTION = BASES

# Common surnames: 老李, 王先生, 张师傅 name one person, whose case is no rule.
_SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖贾韦夏邹熊孟秦邱侯尹薛闫段雷黎史陶贺毛郝顾龚邵覃戴严莫孔汤康乔赖"  # not 方 (老方法), 钱 (老钱)
# Worked examples about an unnamed place or person: 若某地…按3%计算, 假如某市…, 再算一笔账.
HYPOTHETICAL = re.compile(
    r"某(?:地|市|省|县|区|城市|统筹地区|人|位|退休)|假如|假设|假定|举个例子|打个比方|算一笔账|算笔账"
    r"|以[^，,。；;]{0,12}\d[^，,。；;]{0,4}元为例|(?:一位|一名|一个)(?:退休|参保)"
    r"|大爷|阿姨|大妈|大叔|老伯"  # one person's case (退休的张大爷每月到账…), not the rule
    rf"|老[{_SURNAMES}](?![年人龄伴家师])|[{_SURNAMES}](?:先生|女士|师傅|大姐|大哥|奶奶|爷爷)|举例来说|举例说明"
)
# A conditional with a computation is a worked example too (若按3%计算, 如果…×…).
_CONDITIONAL = re.compile(r"若|如果|倘若|要是")
_COMPUTATION = re.compile(r"计算|算下来|算出|×|\*|=|乘以")
# Places spoken of as the whole country: a national statement (全国普遍2%~3%, 大部分地区采用…).
NATIONAL_STRONG = re.compile(
    r"全国|国家(?:规定|要求|层面|统一|医保局|医疗保障局)|国务院|国办|指导意见"
    r"|大部分地区|大多数地区|多数地区|多数统筹地区|各统筹地区|各地"
)
# Weaker national wording, used only when no place is named anywhere near (一般为2%左右).
NATIONAL_WEAK = re.compile(r"一般|通常|普遍|大多|原则上")
# Some places, or a named area of several provinces: a general word beside them (部分地区一般按3%划入,
# 长三角地区通常按2.5%) speaks of those places, not the nation — and names no one place either.
SOME_PLACES = re.compile(
    r"(?<![大绝])(?:部分|一些|有些|个别|少数|不少|某些|许多|很多)(?:地区|地方|城市|省份|省市|统筹区)"
    r"|长三角|珠三角|京津冀|成渝|粤港澳|大湾区|(?:东北|西北|西南|东南|东部|西部|中部|中西部|沿海|内陆)(?:地区|省份|城市)"
    r"|华东|华北|华南|华中|一线城市|二线城市|发达地区"
)
# Words that make a sentence about crediting the personal account (not reimbursement or fees).
CREDIT = re.compile(
    r"划入|划拨|划转|返|计入|打入|打到|打进|转入|到账|进账|注入|拨入|拨付|存入|入账|个人账户|账户"
)
# Context that makes a number a pension, wage, base or fee rather than a credit (养老金为3700元).
NOT_CREDIT_BEFORE = re.compile(
    r"(?:缴|交|费|报销|起付|封顶|限额|余额|自付|支付|津贴|补贴|补助|花|消费|买|购|承担|负担|自费|共付"
    r"|保险)[^，,；;。元%]{0,4}$"
)
# An amount named as something else right after it: 100元的护理补贴, 3000元养老金, 380元保费.
NOT_CREDIT_AFTER = re.compile(
    r"\s*的?[^，,；;。\d]{0,3}(?:补贴|津贴|补助|养老金|工资|保费|医疗费|药费|罚款|滞纳金)"
    r"|[^，,；;。\d(（]{0,8}(?:代扣|扣缴)"  # 大病保险每年180元由个人账户代扣
)
# A pension, wage or base figure (养老金为3700元): with a credited value beside it, a worked example.
FIGURE_BEFORE = re.compile(r"(?:养老金|工资|基数|收入)[^，,；;。元%]{0,4}$")
FIGURE_AFTER = re.compile(r"\s*的?(?:基本)?(?:养老金|退休金|工资|缴费基数)")  # 以3000元养老金计算
# Verbs that put money into the account (a clause with one is about the credit even if it names a fee).
CREDIT_VERB = re.compile(r"划入|计入|返还|返|打入|存入|注入|拨入|划拨")
# An amount followed by 以上/以下/起 is a bound, not a level (一般在200元以上).
BOUND_AFTER = re.compile(r"\s*(?:以上|以下|以内|之内|起|封顶)")
# Bounds, not levels: 不低于100元, 最高不超过200元, 至少80元, 都超过100元.
BOUND_BEFORE = re.compile(
    r"(?:不低于|不少于|超过|不高于|高于|多于|超出|不足|最高|最低|最多|最少|至少|上限|下限)"
    r"[^，,；;。元%]{0,3}$"
)
# Table columns of something other than the credit: fees, reimbursement, allowances.
NOT_CREDIT_HEADER = re.compile(
    r"报销|起付|封顶|缴费(?!基数)|缴纳|自付|津贴|补贴|补助|养老金(?!的)"
    r"|变化|变动|增幅|涨幅|增加额|增长|差额|调整额|提高额"  # a column of changes: 2025年 | 2026年 | 变化
)
# A difference, not a level: 比北京多10元, 每月增加10元, 提高了5元, 多划入10元 (but 提高到120元 is a level).
_DELTA_TAIL = r"(?:划入|计入|打入|发放|返还|返|拨付|发)?了?\s*$"
DELTA_BEFORE = re.compile(
    r"(?:多|少|高出|高|低于|低|增加|提高|上调|增长|上涨|涨|减少|降低|下调|相差|差|另加|加发|增发|多发|另增"
    r"|[+＋])" + _DELTA_TAIL
)
# Deltas that say which way: an age band's top-up (70岁以上多划入10元) is the base plus the delta.
DELTA_UP_BEFORE = re.compile(
    r"(?:多|高出|高|增加|提高|上调|上涨|涨|另加|加发|增发|多发|另增)" + _DELTA_TAIL
)
DELTA_DOWN_BEFORE = re.compile(r"(?:少|低|减少|降低|下调)" + _DELTA_TAIL)
# A difference counted from the band before it, not from the base amount: 80岁以上的在此基础上再增加10元.
CUMULATIVE_BEFORE = re.compile(r"再|基础上|累加|叠加")
# An earlier value, not today's: 由原来的90元提高到105元, 去年为110元, 调整前每月80元.
OLD_BEFORE = re.compile(
    r"(?:原来|原先|原本|原(?![则文件因始])|以前|此前|之前|过去|去年|上年|往年|调整前|改革前|当时|那时|彼时)"
    r"[^，,；;。元%]{0,6}$"
)
# A table column or row of the earlier state (调整前 | 调整后, 原标准 | 新标准): history, not today's rule.
# (上年度 names a ratio's base — 上年度人均养老金 — not an earlier value.)
OLD_LABEL = re.compile(
    r"调整前|改革前|变动前|原来|原先|原本|原(?:标准|额度|金额|划入)|旧标准|以前|此前|之前|过去|去年|上年(?!度)|往年"
)
# A sentence or clause that opens on the past (以前太原是按养老金的3.5%划入的，2023年以后取消了): its
# values are history until a word of the present (现在, 目前, 改为…) takes over.
HISTORY_LEAD = re.compile(r"(?:^|[，,；;。])\s*(?:以前|过去|原来|原先|此前|之前|早先|以往|早些年|改革前|调整前)")
PRESENT_MARK = re.compile(
    r"现在|目前|如今|现行|当前|今年|改为|改成|调整为|调整到|提高到|提高至|变为|变成|改革后|调整后|后来|\d月起|年起"
)
# An aside in brackets under a year or an earlier state after today's value (98元（2025年为90元）):
# the older figure for comparison.
BRACKET_PAST_BEFORE = re.compile(r"[（(]\s*(?:20\d{2}\s*年|去年|上年|往年|此前|调整前|原)[^（()）元%]{0,8}$")
# A value denied or reported as rumour: 而不是网传的150元, 并非每月200元.
DENIED_BEFORE = re.compile(
    r"(?:不是|并非|而非|网传|传言|谣传|流传|传闻|所谓|听说|据传|据说|有人说|有人称)[^，,；;。]{0,12}$"
)
# A value the sentence then calls false or asks about: 每月返200元的消息不实, …200元？假的！, …是真的吗？
DEBUNKED_AFTER = re.compile(
    r"[^。！!]{0,16}?(?:不实|有误|假的|谣言|不准确|不属实|是真的吗|真的吗|误传|说法不对|并非如此)"
)
# Another place's or year's value named for comparison: 比2025年的70元有所提高, 较北京的100元.
COMPARED_BEFORE = re.compile(r"(?:比(?!例|重)|较)[^，,；;。元%]{0,10}$")
# The old end of a change: 由90元提高到105元, 从每月80元调整为100元 (the second amount is the level).
FROM_BEFORE = re.compile(r"(?:由|从)(?:原来的?|原先的?)?\s*(?:每人)?(?:每月|每年|月均)?\s*$")
CHANGE_AFTER = re.compile(
    r"\s*(?:(?:提高|上调|调高|调整|增加|提升|上涨|涨|升|降低|下调|降|减少|变)(?:到|至|为|成)"
    r"|[增提升降调涨]至)"
)
# A year in a clause (2025年为110元): a value under a year older than the sentence's latest is history.
YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年(?!龄)")
# A balance, not a credit: 账户里现在有800元, 卡里还剩300元, 余额500元 (NOT_CREDIT_BEFORE has 余额).
BALANCE_BEFORE = re.compile(
    r"(?:[里内上](?:现在|目前|已经|已|一共|总共|共|还)?(?:有|剩下?|存有|存了)"
    r"|还剩|剩余|剩下|攒了|攒下|存了|累计|积累了?|积攒了?)\s*$"
)
# Periods a claim cannot hold (每季度, 每半年, 每两个月, totals over 十年 / 5年): such amounts are left out
# rather than misread as monthly (a date's 2025年 is no period).
OTHER_PERIOD_BEFORE = re.compile(
    r"季度|按季|每季|半年|每(?:[两二三四五六]|[2-6])个?月|隔月|双月"
    r"|(?<![\d每一全])(?:[两二三四五六七八九十]|(?<!\d)\d{1,2})\s*年(?![龄度])"
)
# Percentages of something other than the credit: reimbursement, contribution rates, raises.
NOT_CREDIT_RATIO = re.compile(
    r"报销|起付|自付|缴费比例|缴纳|费率|单位缴|增长|上涨|涨幅|增幅|幅度|提高了"
)
# Approximation before a value (约160元, 可以达到250元) and after it (250元左右).
APPROX_BEFORE = re.compile(
    r"(?:约|大约|大概|大致|可以达到|可达到|可达|能达到|差不多|将近|接近)[^，,；;。\d%元]{0,3}$"
)
# A ratio's hedge may stand before its base (约为当地平均养老金的2%): a wider window than for amounts.
APPROX_BEFORE_RATIO = re.compile(r"(?:约|大约|大概|大致|差不多)[^，,；;。\d%元]{0,14}$")
APPROX_AFTER = re.compile(r"\s*(?:左右|上下|出头)")
# A monthly gloss after a yearly amount: 1680元(月均140元), 每年1890元，月均157.5元.
GLOSS_BEFORE = re.compile(
    r"[(（,，;；]?\s*(?:月均|平均每月|每月平均|折合每月|相当于每月|即每月|合每月)\s*(?:约|大约)?\s*$"
)
# Deductions: 扣除3元大病医疗保险后, 扣除大额医疗保险费10元后 — the amount is what arrives, net.
DEDUCTION_BEFORE = re.compile(r"(?:扣除|扣减|扣掉|减去|扣)[^，,；;。\d元]{0,10}$")
# Period words before an amount (nearest wins): 每年1680元, 按年度定额划入, 年度划入额, 每月100元 —
# but not a date (2025年划入100元 is this year's monthly amount).
_PERIOD_WORDS = re.compile(
    r"(?P<year>每年|每人每年|全年|一年|按年|年度定额|(?<!\d)年度(?:划入|计入|拨付)|(?<!\d)年划入|(?<!\d)年返|(?<!\d)年金额)"
    r"|(?P<month>每月|每个月|按月|月均|(?<!\d)月划入|(?<!\d)月返|每人每月)"
)
# Bases of a ratio: the regional average pension, the retiree's own pension, the contribution base.
_BASE_WORDS = re.compile(
    r"(?P<own>本人(?:基本)?养老金|个人(?:基本)?养老金|本人.{0,4}养老金|其(?:基本)?养老金)"
    r"|(?P<avg>(?:平均|人均)(?:基本)?养老金|养老金的?平均|上年度.{0,8}养老金|当地.{0,8}养老金)"
    r"|(?P<base>缴费基数|缴费工资|工资基数|个人缴费|个人缴纳|(?:月平均|月|平均)?工资)"
)
# A statement of what ratios in a section are computed on: 以人均养老金水平为基准, 基于…人均养老金.
_BASE_STATEMENT = re.compile(
    r"以([^，,。；;]{0,30}?)为(?:基准|基数|依据|标准)|基于([^，,。；;]{0,30})"
)
# Words that make a value a rule for people still working (在职职工: often a ratio of the base).
EMPLOYEE = re.compile(r"在职职工|在职人员|在职参保|在职员工|在职|在岗职工|不含退休|不包括退休|未退休|退休前")
RETIREE = re.compile(r"(?<!不含)(?<!不包括)(?<!未)退休(?!前)")  # not 职工（不含退休）, 未退休的, 退休前
# The rest of the people after a band (高龄（80岁以上）…125元，其他退休人员…95元): the band ends there.
OTHER_PEOPLE = re.compile(r"(?:其他|其余|其它|剩余)的?(?:退休|人员|参保|年龄|人群)")
# A fixed-amount rule named as such.
FIXED_WORDS = re.compile(r"定额|固定金额")
# Distribution over listed places: 北京、甘肃等地，返款金额分别为100元…和120元 (or 依次为…).
RESPECTIVELY = re.compile(r"分别|依次")
# A place named after a value in a comparison is not the value's place (100元，比上海高).
COMPARISON = re.compile(r"比|高于|低于|相比|不同|而|和|与|同|跟|不如|超过")
# A place named to be excluded is not a subject: 除北京外，其他地区每月划入100元.
EXCEPT_BEFORE = re.compile(r"(?:除了?|不包括|不含)\s*$")
# A place whose standard another follows is not the subject: 廊坊市参照北京市的标准 → 廊坊's value.
REFERENCE_BEFORE = re.compile(r"(?:参照|比照|仿照|对标|沿用|套用)\s*$")
# A place named as the other side of a comparison is not the subject: 福州的标准比厦门高，每月110元.
COMPARED_PLACE_BEFORE = re.compile(r"(?:比(?!例)|较|不如|高于|低于|超过|相对于)\s*$")
COMPARED_PLACE_AFTER = re.compile(r"\s*(?:相比|相较|比较)")
# "Other places": the sentence is not about the place named before it (其他地区一般按2%划入).
OTHER_PLACES = re.compile(r"其他地区|其他地方|其他城市|其余地区|别的地方|外地|其他省份")
# A news dateline after a place (华讯社北京3月5日电, 本报上海讯): where the story was filed, not its subject.
DATELINE_AFTER = re.compile(r"\s*(?:\d{1,2}\s*月\s*\d{1,2}\s*日\s*)?(?:电|讯)(?![费话视梯子])")
# A place whose standard the subject shares (湖北省省直…标准与武汉市一致，为110元): both places hold it.
SAME_AS_AFTER = re.compile(r"\s*的?(?:标准|做法|政策|水平)?(?:一致|相同|一样|持平)")
# Joiners between places of one list (北京、甘肃 / 上海和重庆).
PLACE_LIST_GAP = re.compile(r"^\s*(?:、|和|及|与|以及|,|，|或)\s*$")


# The three kinds of word before a place that make it no subject, as one pattern.
_NOT_SUBJECT_BEFORE = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (EXCEPT_BEFORE, REFERENCE_BEFORE, COMPARED_PLACE_BEFORE))
)
# Those words are short: looking this far back before a place is enough.
SUBJECT_WINDOW = 8


def is_subject(text: str, start: int, end: int) -> bool:
    """False for a place named to be excluded (除北京外), followed (参照北京市的标准) or compared
    with (比厦门高, 与厦门相比), or where a wire story was filed (新华社北京3月5日电): the values
    around it are another place's."""
    if _NOT_SUBJECT_BEFORE.search(text, max(0, start - SUBJECT_WINDOW), start):
        return False
    return not (COMPARED_PLACE_AFTER.match(text, end) or DATELINE_AFTER.match(text, end))


def is_hypothetical(sentence: str) -> bool:
    """True for a worked example (某地, 假如, 若…按3%计算): it states no rule."""
    if HYPOTHETICAL.search(sentence):
        return True
    return bool(_CONDITIONAL.search(sentence) and _COMPUTATION.search(sentence))


def is_approximate(
    text: str, start: int, end: int, clause_from: int, *, ratio: bool = False
) -> bool:
    """True when the value at text[start:end] is hedged (约, 可以达到 … 左右)."""
    before = APPROX_BEFORE_RATIO if ratio else APPROX_BEFORE
    return bool(before.search(text, clause_from, start) or APPROX_AFTER.match(text, end))


def period_before(text: str, start: int, clause_from: int) -> str | None:
    """'year'/'month' from the nearest period word in the clause before an amount, else None."""
    last = None
    for match in _PERIOD_WORDS.finditer(text, clause_from, start):
        last = "year" if match.group("year") else "month"
    return last


# A bare 年/月 in a header (金额（元/年）), but not a date (2024年标准, 3月) or 年度.
_PERIOD_CHAR = re.compile(r"(?<!\d)(?:(?P<year>年)(?!度|份)|(?P<month>月))")


def period_in(text: str) -> str | None:
    """'year'/'month' named anywhere in a short text such as a table header cell."""
    match = _PERIOD_WORDS.search(text) or _PERIOD_CHAR.search(text)
    if match is None:
        return None
    return "year" if match.group("year") else "month"


def base_before(text: str, start: int) -> str | None:
    """What a ratio applies to, from the nearest base phrase before it in the sentence."""
    last = None
    for match in _BASE_WORDS.finditer(text, 0, start):
        last = match
    return _base_of(last)


def base_in(text: str) -> str | None:
    """The last base phrase of a text (不再依据个人养老金，而是以人均养老金为基准 → the average)."""
    last = None
    for match in _BASE_WORDS.finditer(text):
        last = match
    return _base_of(last)


def _base_of(match: re.Match[str] | None) -> str | None:
    """Map a base-phrase match to its BASES name."""
    if match is None:
        return None
    if match.group("own"):
        return INDIVIDUAL
    return REGIONAL_AVG if match.group("avg") else CONTRIBUTION


def base_statement(text: str) -> str | None:
    """The base a text declares for the ratios around it (以人均养老金水平为基准 → the average)."""
    if "为" not in text and "基于" not in text:  # cheap exit: most paragraphs declare nothing
        return None
    for match in _BASE_STATEMENT.finditer(text):
        if (base := base_in(match.group(1) or match.group(2))) is not None:
            return base
    return None
