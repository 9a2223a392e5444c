"""The sample site's own prose: titles, repeated paragraphs (with a {city} slot), lead-ins and trap sentences.

All wording is ours. Repeated paragraphs carry an id: the facts file lists them so the dedup
work can score its boilerplate flag against what the generator knows it repeated.
"""

from __future__ import annotations

from pipelines.sample_site.world import Statement

SITE_NAME = "社保网"

# Title phrasings; {c} is the injected city, {y} the publication year.
TITLES: tuple[str, ...] = (
    "{c}退休人员医保卡每月打入多少钱",
    "{c}退休人员医保卡每月打入多少钱？余额怎么查",
    "{y}年{c}医保个人账户每月返多少钱？附查询方法",
    "{c}退休职工医保每月划入标准是多少",
    "医保卡每月返钱怎么查？每月返多少（{c}篇）",
    "{c}医保返钱新规：退休人员每月能返多少",
    "{c}退休老人医保卡每个月到账多少，怎么查",
    "{c}职工医保个人账户划入比例是多少？",
    "{c}医保卡每月进账多少钱？退休人员看过来",
    "退休后{c}医保卡每月能打多少钱",
)

# Repeated paragraphs: id -> (kind, template). {city} is the title city.
BOILERPLATE: dict[str, tuple[str, str]] = {
    "intro_a": ("p", "{city}的退休人员经常问：医保卡每个月到底能打进来多少钱？本文把各地个人账户的划入办法整理在一起，方便大家对照查看。"),
    "intro_b": ("p", "不少{city}读者留言询问医保个人账户的划入标准。下面结合各地公开的做法，说说退休人员每月能到账多少、怎样查询余额。"),
    "intro_c": ("p", "医保个人账户每月划入多少，是{city}退休职工最关心的话题之一。小编整理了相关规定和查询方法，供大家参考。"),
    "heading_amount": ("heading", "一、{city}退休人员医保每月划入多少？"),
    "factors": ("p", "个人账户每月划入多少并没有全国统一的标准，主要看参保地的政策、退休人员的年龄以及当地平均养老金水平等因素。"),
    "heading_rules": ("heading", "二、各地划入标准举例"),
    "hypothetical_a": ("p", "举个例子帮助理解：假如某市上年度月人均基本养老金为4200元，按2.5%的比例计算，每月划入个人账户的就是105元。"),
    "hypothetical_b": ("p", "再算一笔账：若某地按3%的比例划入，当地月人均养老金是3500元，那么每个月大约能划入105元。"),
    "tilt": ("p", "部分地区对高龄退休人员有倾斜，比如上海、重庆、山东等地，年龄越大划入的金额越高。"),
    "low": ("p", "经济欠发达地区的划入额度相对较低，有的地方每月只有几十元。"),
    "flat": ("p", "也有一些地区不区分年龄，例如安徽、河南、江西等地，60岁和75岁的退休人员划入金额相同。"),
    "heading_query": ("heading", "三、怎样查询医保个人账户余额和每月到账金额？"),
    "query_online": ("p", "线上查询：下载国家医保服务平台App，注册并激活医保电子凭证后，在“个人账户”栏目就能看到每月划入明细；也可以在微信或支付宝的“城市服务”里进入当地医保查询页面。"),
    "query_offline": ("p", "线下查询：带上身份证或社保卡，到当地医保经办窗口、定点医院或定点药店的自助机上刷卡查询，工作人员也可以帮忙打印明细。"),
    "query_phone": ("p", "电话查询：拨打12393医疗保障服务热线，按语音提示输入社保卡号和密码即可查询余额。"),
    "tip": ("p", "温馨提示：个人账户里的钱可以在定点药店买药、支付门诊费用中个人负担的部分，但不能提取现金，也不能挪作他用。"),
    "scope": ("p", "需要注意的是，个人账户划入只针对参加职工医保并办理了退休手续的人员，参加城乡居民医保的人员没有这项待遇。"),
    "reform_a": ("p", "近几年各地陆续推进职工医保门诊共济保障改革，在职职工单位缴费的部分不再划入个人账户，而是全部计入统筹基金，用来提高门诊看病的报销待遇。"),
    "reform_b": ("p", "退休人员的个人账户改为由统筹基金按定额或按比例划入。改革之后每月到账的钱看起来少了，但门诊费用可以按比例报销，整体保障水平是提高的。"),
    "heading_usage": ("heading", "四、个人账户里的钱能用来做什么？"),
    "usage_a": ("p", "个人账户资金主要用于支付参保人在定点医疗机构发生的政策范围内自付费用，以及在定点零售药店购买药品、医疗器械和医用耗材的费用。"),
    "usage_b": ("p", "实行家庭共济后，个人账户还可以支付配偶、父母、子女在定点机构就医购药时个人负担的部分，也可以替他们缴纳城乡居民医保的个人缴费。"),
    "usage_c": ("p", "个人账户的余额可以结转使用，也可以依法继承，不会因为当年没有用完就被清零。"),
    "heading_faq": ("heading", "五、常见问题解答"),
    "faq_less": ("p", "问：为什么这个月的划入金额比上个月少？答：可能是当地调整了划入办法，也可能是当月有补扣或冲正，可以到经办窗口打印明细核对。"),
    "faq_moved": ("p", "问：异地安置的退休人员，个人账户按哪里的标准划入？答：一般按参保地也就是待遇享受地的标准划入，和实际居住地没有关系。"),
    "faq_start": ("p", "问：刚办完退休手续，什么时候开始按退休人员的标准划入？答：通常从办结退休手续的次月起执行，具体以当地经办规定为准。"),
    "faq_cash": ("p", "问：个人账户的钱能不能取出来？答：不能提取现金，只能用于规定范围内的医疗费用支出。"),
    "faq_family": ("p", "问：家里人没有参加职工医保，能用我的个人账户吗？答：可以，只要在当地完成家庭共济绑定，就能在定点医药机构为家人支付个人负担的费用。"),
    "heading_notes": ("heading", "六、办理退休时医保方面要注意什么？"),
    "notes_years": ("p", "办理退休前，先确认职工医保的累计缴费年限和实际缴费年限是否达到参保地的要求；年限不够的，需要一次性补足或继续缴费到够年限，才能享受退休人员医保待遇。"),
    "notes_transfer": ("p", "在多个城市工作过的，要提前办理医保关系转移接续，把各地的缴费年限合并计算，避免出现年限断档。"),
    "notes_card": ("p", "退休手续办结后，记得激活社保卡的金融功能并开通医保电子凭证，之后看病买药、查询余额都会方便很多。"),
    "summary": ("p", "总的来说，{city}退休人员每月能划入多少，要以当地医保部门公布的最新标准为准，有疑问可以就近咨询医保经办机构。"),
    "disclaimer": ("p", "免责声明：本文内容根据公开资料整理，仅供参考，各地具体标准以当地医疗保障部门最新公布的为准。"),
}

INTROS = ("intro_a", "intro_b", "intro_c")
HYPOTHETICALS = ("hypothetical_a", "hypothetical_b")
NUMBERLESS = ("tilt", "low", "flat")
USAGE = ("usage_a", "usage_b", "usage_c")
NOTES = ("notes_years", "notes_transfer", "notes_card")
FAQ = ("faq_less", "faq_moved", "faq_start", "faq_cash", "faq_family")

# Lead-in sentences before an article's own rule paragraph; they name the title city, never a number.
LEAD_INS: tuple[str, ...] = (
    "{city}的读者可以拿外地的规定做个对比。",
    "再来看看其他地方的做法。",
    "很多{city}网友关心外地的标准，这里举一个例子。",
    "以下情况供{city}的朋友参考。",
    "",
)
TABLE_HEADING = "部分地区划入标准一览"

# A rule stated a second time in the same article (one claim, two evidence sentences).
RECAP_BEIJING_TEMPLATE = "最后再提醒一句，北京市不满70周岁的退休人员，每月定额划入的是⟦0a:100⟧元。"


def recap_statement() -> Statement:
    """The Beijing recap sentence as a statement of the lower Beijing band."""
    from pipelines.sample_site.world import BJ_LOW

    return Statement("recap_beijing", (BJ_LOW,), (RECAP_BEIJING_TEMPLATE,))


# Rule-like sentences outside the body, about places no body ever names: (location, place, text).
TRAPS: tuple[tuple[str, str, str], ...] = (
    ("sidebar", "郑州市", "问：郑州退休人员医保卡每月打入多少？答：郑州目前每月定额划入230元。"),
    ("sidebar", "昆明市", "问：昆明70岁以上退休人员每月划入多少？答：每人每月210元。"),
    ("comments", "哈尔滨市", "网友“清风徐来”：我在哈尔滨，去年退休，每个月医保卡进账188元，跟文章说的不太一样。"),
    ("comments", "昆明市", "网友“老李头”：昆明这边按养老金的3.5%划入，不知道准不准。"),
    ("comments", "郑州市", "网友“向日葵”：郑州今年涨到每月245元了，大家那边呢？"),
)

# Harmless comments (no numbers) mixed with the traps.
COMMENTS: tuple[str, ...] = (
    "网友“夕阳红”：写得很清楚，收藏了。",
    "网友“小王”：查了一下医保App，确实每月都有到账记录。",
    "网友“老周”：希望能多介绍一下异地就医怎么报销。",
    "网友“云淡风轻”：家庭共济绑定以后，给孙子买药方便多了。",
    "网友“退休老师”：每个月看一眼到账短信，心里踏实。",
    "网友“晨练的老刘”：线下自助机查询挺快的，不用排队。",
)

SIDEBAR_QA: tuple[str, ...] = (
    "问：医保个人账户的钱可以给家人用吗？答：多数地区支持家庭共济，可以在定点机构为家人支付。",
    "问：退休后医保还要交钱吗？答：缴费年限满足当地规定的，退休后不再缴纳。",
)
