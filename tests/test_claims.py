"""Claim extraction, one test per rule of DESIGN.md "Semantics", on sentences written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.claims import extract_claims
from extractors.records import Article, Claim, Paragraph

SEO_TITLE = "资阳退休人员医保卡每月打入多少钱"

Block = tuple[str, str] | tuple[str, str, str]  # (kind, text) or (kind, text, section)


def article(*blocks: Block | str, title: str | None = SEO_TITLE) -> Article:
    """An article of body blocks; a bare string is a paragraph."""
    paragraphs = []
    for ordinal, block in enumerate(blocks):
        kind, text, section = ("p", block, None) if isinstance(block, str) else (*block, None)[:3]
        paragraphs.append(Paragraph(ordinal=ordinal, text=text, section=section, kind=kind))
    return Article(
        article_id="a1",
        url="http://example.test/a1.html",
        site="example.test",
        title=title,
        published_at=None,
        fetched_at=None,
        title_region=None,
        content_sha256="x",
        extractor="test",
        paragraphs=tuple(paragraphs),
    )


def claims_of(*blocks: Block | str, title: str | None = SEO_TITLE) -> list[Claim]:
    return extract_claims(article(*blocks, title=title))


def summary(claim: Claim) -> tuple:
    """The fields most tests look at: place, band, method, monthly amount, ratios."""
    return (
        claim.region,
        claim.age_min,
        claim.age_max,
        claim.method,
        claim.monthly_yuan,
        claim.ratio_min,
        claim.ratio_max,
    )


# ----------------------------------------------------------------------------- places


def test_place_is_the_sentences_never_the_title_city() -> None:
    claims = claims_of("说到外地的做法，北京市退休人员每月定额划入100元。")
    assert [c.region for c in claims] == ["北京市"]
    assert [c.region_code for c in claims] == ["110000"]


@pytest.mark.parametrize(
    "blocks",
    [
        # the heading names only the title's SEO city: no place to take
        [
            ("heading", "一、资阳退休人员每月划入多少？"),
            ("p", "退休人员每月划入90元。", "一、资阳退休人员每月划入多少？"),
        ],
        # a lead-in naming the SEO city does not lend it to the next sentence
        ["以下情况供资阳的朋友参考。退休人员每月划入90元。"],
        # no place anywhere
        ["退休人员每月可以划入90元。"],
    ],
)
def test_no_claim_without_a_named_place(blocks: list) -> None:
    assert claims_of(*blocks) == []


@pytest.mark.parametrize(
    ("blocks", "region"),
    [
        # the sentence names no place: the heading's place (not the SEO city) is taken
        (
            [
                ("heading", "二、广州市的划入办法"),
                ("p", "退休人员按本人养老金的2%划入个人账户。", "二、广州市的划入办法"),
            ],
            "广州市",
        ),
        # an earlier sentence of the paragraph names the place
        (["成都市去年调整了个人账户的办法。退休人员现在每月划入165元。"], "成都市"),
        # a question names the place, the answer states the value
        (["问：南宁退休人员每月划入多少？答：每月95元。"], "南宁市"),
        # list items inherit the lead-in's place
        ([("p", "兰州市的标准如下："), ("li", "退休人员每月定额划入110元")], "兰州市"),
    ],
)
def test_place_falls_back_to_the_paragraph_or_heading(blocks: list, region: str) -> None:
    assert [c.region for c in claims_of(*blocks)] == [region]


# ----------------------------------------------------------------------------- examples and national


@pytest.mark.parametrize(
    "sentence",
    [
        "假如某市人均养老金为4000元，按2%划入就是每月80元。",
        "若按3%计算，一位养老金3500元的退休人员每月划入105元。",
        "某地规定退休人员每月划入120元。",
        "打个比方，养老金3000元的人按2%每月划入60元。",
        "再算一笔账：当地平均养老金4200元，按2.5%划入是105元。",
        "以养老金4000元为例，按2%划入，每月80元。",
        "比如，一位退休人员的养老金是3000元，那么每月划入就是60元。",
    ],
)
def test_worked_examples_yield_nothing(sentence: str) -> None:
    assert claims_of(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "low", "high", "approximate"),
    [
        ("全国普遍按平均养老金的2%~3%划入退休人员个人账户。", 0.02, 0.03, False),
        ("国家要求退休人员的划入额度控制在当地平均养老金的2%左右。", 0.02, 0.02, True),
        ("大部分地区按2%—3%的比例划入个人账户。", 0.02, 0.03, False),
        ("一般按当地平均养老金的2%划入。", 0.02, 0.02, False),
        ("国家医保局明确，退休人员划入额度为当地平均养老金的2%左右。", 0.02, 0.02, True),
        ("按国务院指导意见，退休人员划入额度为平均养老金的2%左右。", 0.02, 0.02, True),
    ],
)
def test_national_statements_yield_quanguo(
    sentence: str, low: float, high: float, approximate: bool
) -> None:
    (claim,) = claims_of(sentence)
    assert (claim.region, claim.region_code) == ("全国", "000000")
    assert (claim.method, claim.ratio_min, claim.ratio_max, claim.approximate) == (
        "ratio",
        low,
        high,
        approximate,
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "经济欠发达地区每月划入的钱只有几十元。",
        "上海、重庆、山东对高龄退休人员的划入有倾斜。",
        "北京市的划入标准在全国算比较高的。",
        "拨打12393可以查询每月划入的金额。",
    ],
)
def test_statements_without_a_value_yield_nothing(sentence: str) -> None:
    assert claims_of(sentence) == []


# ----------------------------------------------------------------------------- age bands


@pytest.mark.parametrize(
    ("sentence", "bands"),
    [
        (
            "北京市70岁以下的退休人员每月划入100元，70岁及以上的每月划入110元。",
            [(None, 70), (70, None)],
        ),
        ("重庆市74岁以下每月划入95元，75岁及以上每月划入115元。", [(None, 75), (75, None)]),
        (
            "天津市不满70周岁的每月划入105元，70周岁至79周岁的每月划入115元，80周岁及以上的每月划入125元。",
            [(None, 70), (70, 80), (80, None)],
        ),
        ("河北省年满70周岁的退休人员每月划入120元。", [(70, None)]),
        ("山西省70岁以下的退休人员每月划入100元。", [(None, 71)]),  # alone, 以下 includes 70
        (
            "辽宁省70岁以下、70岁及以上的退休人员每月分别划入100元和110元。",
            [(None, 70), (70, None)],
        ),
        ("吉林省返款为100元（70岁以下）/110元（70岁以上）。", [(None, 70), (70, None)]),
    ],
)
def test_age_bands_are_half_open(sentence: str, bands: list[tuple]) -> None:
    assert [(c.age_min, c.age_max) for c in claims_of(sentence)] == bands


def test_bands_pair_across_sentences_of_one_article() -> None:
    claims = claims_of(
        "山东省70岁以下的退休人员每月划入100元。", "山东省70岁及以上的退休人员每月划入125元。"
    )
    assert [(c.age_min, c.age_max) for c in claims] == [(None, 70), (70, None)]


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("sentence", "monthly", "amount", "period"),
    [
        ("西安市每月定额划入１３０元。", 130.0, 130.0, "month"),
        ("西安市每月定额划入一百三十元。", 130.0, 130.0, "month"),
        ("南京市每年划入1,800元，分月到账。", 150.0, 1800.0, "year"),
        ("南京市每年划入１，８００元。", 150.0, 1800.0, "year"),
        ("上海市退休人员每年划入1680元。", 140.0, 1680.0, "year"),
        ("上海市退休人员划入标准为1680元/年。", 140.0, 1680.0, "year"),
        ("九江市退休人员每月划入八十五元。", 85.0, 85.0, "month"),  # 九江 stays a name
        (
            "上海市每年划入1680元（月均140元）。",
            140.0,
            1680.0,
            "year",
        ),  # the gloss is no second claim
        ("天津市2025年划入105元，按月到账。", 105.0, 105.0, "month"),  # a date, not a period
    ],
)
def test_amounts_in_any_writing_become_monthly(
    sentence: str, monthly: float, amount: float, period: str
) -> None:
    (claim,) = claims_of(sentence)
    assert (claim.monthly_yuan, claim.amount_yuan, claim.period, claim.method) == (
        monthly,
        amount,
        period,
        "fixed",
    )


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [
        ("江苏省按平均养老金的百分之二点五划入。", 0.025, 0.025),
        ("浙江省按平均养老金的2%至3%划入。", 0.02, 0.03),
        ("福建省按平均养老金的2%—3%划入。", 0.02, 0.03),
        ("广东省按平均养老金的2%-3%划入。", 0.02, 0.03),
        ("深圳市按本人养老金的２．８％划入。", 0.028, 0.028),
    ],
)
def test_ratios_become_fractions(sentence: str, low: float, high: float) -> None:
    (claim,) = claims_of(sentence)
    assert (claim.method, claim.ratio_min, claim.ratio_max) == ("ratio", low, high)


@pytest.mark.parametrize(
    ("sentence", "base"),
    [
        ("深圳市按本人基本养老金的2.8%划入。", "individual_pension"),
        ("江苏省按上年度月人均基本养老金的2.5%划入。", "regional_avg_pension"),
        ("湖南省按当地平均养老金的2%划入。", "regional_avg_pension"),
        ("湖北省按基本养老金平均水平的2%划入。", "regional_avg_pension"),
        ("广州市在职职工按本人缴费基数的2%划入个人账户。", "contribution_base"),
        ("韶关市在职职工按本人上年度月平均工资的2%划入个人账户。", "contribution_base"),
    ],
)
def test_ratio_base(sentence: str, base: str) -> None:
    (claim,) = claims_of(sentence)
    assert claim.base == base


def test_base_declared_for_the_section() -> None:
    claims = claims_of(
        ("p", "划入基数：以退休人员所在地区的人均养老金水平为基准，而不是本人养老金。", "比例"),
        ("p", "全国普遍采用2%~3%的划入比例。", "比例"),
    )
    assert [c.base for c in claims] == ["regional_avg_pension"]


@pytest.mark.parametrize(
    ("sentence", "approximate", "method"),
    [
        ("武汉市退休人员每月到账约160元。", True, None),
        ("深圳市退休人员每月到账可以达到250元左右。", True, None),
        ("武汉市退休人员每月到账在160元上下。", True, None),
        ("武汉市退休人员每月定额划入160元。", False, "fixed"),
    ],
)
def test_hedged_amounts_are_approximate_without_method(
    sentence: str, approximate: bool, method: str | None
) -> None:
    (claim,) = claims_of(sentence)
    assert (claim.approximate, claim.method) == (approximate, method)


@pytest.mark.parametrize(
    "sentence",
    [
        "福州市退休人员每月到账97元（已扣除3元大病保险）。",
        "福州市扣除3元大病保险后，退休人员每月实际到账97元。",
        "福州市退休人员每月到账97元，这是扣除3元大病保险后的金额。",
    ],
)
def test_deduction_is_kept_and_is_no_claim(sentence: str) -> None:
    (claim,) = claims_of(sentence)
    assert (claim.monthly_yuan, claim.deduction_yuan) == (97.0, 3.0)


def test_employees_and_retirees_in_one_sentence() -> None:
    claims = claims_of("广州市在职职工按本人缴费基数的2%划入，退休人员按平均养老金的2.5%划入。")
    assert [(c.population, c.ratio_min, c.base) for c in claims] == [
        ("employee", 0.02, "contribution_base"),
        ("retiree", 0.025, "regional_avg_pension"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "北京市人均养老金为每月4000元，个人账户按比例划入。",  # a pension figure, no credit value
        "北京市住院报销比例为90%，个人账户另行划入。",
        "北京市灵活就业人员每月缴费500元，其中一部分划入个人账户。",
        "上海市每月划入的钱比北京市多40元。",  # a difference, not a level
        "北京市80岁以上老人每月领取高龄津贴100元，与个人账户划入无关。",
        "苏州市个人账户每季度划入300元。",  # a period a claim cannot hold
        "北京市退休人员住院报销后个人只需承担200元，个人账户照常划入。",
        "北京市职工去世后可领丧葬费5000元，个人账户余额可以继承。",
        "北京市80岁以上退休人员每月可以领取100元的护理补贴，个人账户另算。",
        "各地每月划入的金额在100-200元之间。",  # a range of amounts is no value
        "郑州市退休人员每月划入不低于100元。",  # a floor, not a level
        "郑州市退休人员划入标准今年上调，上调幅度为10%。",  # a raise, not a ratio
        "开封市退休人员大病保险每年180元，由个人账户代扣。",  # a premium taken from the account
        "洛阳市退休的张大爷每月医保卡到账100元。",  # one person's case
    ],
)
def test_numbers_that_are_not_credits_yield_nothing(sentence: str) -> None:
    assert claims_of(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a band's top-up over the base amount is that band's level
        ("长春市每月划入110元，其中70岁以上另加10元。", [(None, 70, 110.0), (70, None, 120.0)]),
        (
            "常德市退休人员每月划入90元，75周岁以上的每月多划入15元。",
            [(None, 75, 90.0), (75, None, 105.0)],
        ),
        # several bands' top-ups count from the base amount, unless one says 在此基础上再
        (
            "常德市每月划入100元，70岁以上的每月增加10元，80岁以上的每月增加20元。",
            [(None, 70, 100.0), (70, 80, 110.0), (80, None, 120.0)],
        ),
        (
            "常德市每月划入100元，70岁以上的每月增加10元，80岁以上的在此基础上再增加10元。",
            [(None, 70, 100.0), (70, 80, 110.0), (80, None, 120.0)],
        ),
        (
            "常德市每月划入100元，70岁以上、80岁以上分别多划入10元和20元。",
            [(None, 70, 100.0), (70, 80, 110.0), (80, None, 120.0)],
        ),
        # a level stated after the difference is the level; the difference adds nothing
        (
            "益阳市每月划入80元，年满80周岁的再增加20元，即每月100元。",
            [(None, 80, 80.0), (80, None, 100.0)],
        ),
        # a difference over time or between places with no band is no level
        ("衡阳市今年每月划入的钱比去年多了10元，达到95元。", [(None, None, 95.0)]),
        ("岳阳市每月划入100元，比衡阳市多5元。", [(None, None, 100.0)]),
        ("岳阳市每月定额划入80元，比全省平均水平低10元。", [(None, None, 80.0)]),
        ("株洲市在上述标准的基础上，每月另加10元。", []),
    ],
)
def test_a_difference_is_no_level_but_tops_up_a_band(sentence: str, expected: list[tuple]) -> None:
    claims = claims_of(sentence)
    assert [(c.age_min, c.age_max, c.monthly_yuan) for c in claims] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("郴州市退休人员每月划入标准由原来的85元提高到100元。", [100.0]),
        ("永州市每月划入从70元调整为90元。", [90.0]),
        ("永州市每月划入标准由每月75元调整为每月90元。", [90.0]),
        ("永州市每月划入由75元增至90元。", [90.0]),
        ("永州市原标准每月划入75元，新标准每月划入90元。", [90.0]),
        ("2026年起，娄底市退休人员每月划入120元；2025年为100元。", [120.0]),
        ("邵阳市去年每月划入75元，今年每月划入85元。", [85.0]),
        ("邵阳市每月划入85元，比2025年的75元有所提高。", [85.0]),  # a value named for comparison
        ("邵阳市按比例每月划入85元。", [85.0]),  # 比例 is no comparison
        # years of different places are no history
        ("2025年娄底市每月划入100元，2026年怀化市每月划入110元。", [100.0, 110.0]),
        # a year alone is no history: this year's amount
        ("2026年怀化市退休人员每月划入110元。", [110.0]),
    ],
)
def test_an_earlier_value_is_no_claim(sentence: str, expected: list[float]) -> None:
    assert [c.monthly_yuan for c in claims_of(sentence)] == expected


def test_a_place_followed_lends_no_place_to_the_next_sentence() -> None:
    claims = claims_of("廊坊市参照北京市的标准执行。退休人员每月划入100元。")
    assert [(c.region, c.monthly_yuan) for c in claims] == [("廊坊市", 100.0)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("廊坊市参照北京市的标准，退休人员每月划入100元。", [("廊坊市", 100.0)]),
        ("三河市退休人员比照北京市标准执行，每月划入105元。", [("三河市", 105.0)]),
        # a place compared with is no subject
        ("漳州的划入标准比厦门高，每月110元。", [("漳州市", 110.0)]),
        ("与厦门相比，漳州退休人员每月划入110元。", [("漳州市", 110.0)]),
        # a place followed is no subject: without another place there is no claim
        ("退休人员参照天津市的标准，每月划入100元。", []),
        ("滨海新区退休人员每月划入100元（参照天津市标准）。", []),  # nor named after the values
    ],
)
def test_a_place_followed_or_compared_with_is_not_the_subject(
    sentence: str, expected: list[tuple]
) -> None:
    assert [(c.region, c.monthly_yuan) for c in claims_of(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "bands"),
    [
        (
            "衢州市70岁以上每月划入120元，80岁以上每月划入150元。",
            [(70, 80, 120.0), (80, None, 150.0)],
        ),
        (
            "衢州市退休人员每月划入100元，满80岁后每月划入150元，满90岁后每月划入200元。",
            [(None, 80, 100.0), (80, 90, 150.0), (90, None, 200.0)],
        ),
        (
            "衢州市退休人员70周岁前每月划入100元，70周岁后每月划入120元。",
            [(None, 70, 100.0), (70, None, 120.0)],
        ),
    ],
)
def test_an_open_band_stops_where_the_next_starts(sentence: str, bands: list[tuple]) -> None:
    assert [(c.age_min, c.age_max, c.monthly_yuan) for c in claims_of(sentence)] == bands


@pytest.mark.parametrize(
    ("sentence", "bands"),
    [
        ("营口市60岁以上退休人员每月划入90元。", [(None, None, 90.0)]),
        (
            "营口市60周岁至69周岁每月划入100元，70周岁及以上每月划入120元。",
            [(None, 70, 100.0), (70, None, 120.0)],
        ),
        (
            "营口市55周岁以上的退休人员每月80元，70周岁以上每月划入100元。",
            [(None, 70, 80.0), (70, None, 100.0)],
        ),
        # a band below 60 is stated: 60 is a real bound
        (
            "营口市不满60周岁的退休人员每月80元，60周岁以上每月划入100元。",
            [(None, 60, 80.0), (60, None, 100.0)],
        ),
    ],
)
def test_sixty_and_over_is_every_retiree(sentence: str, bands: list[tuple]) -> None:
    assert [(c.age_min, c.age_max, c.monthly_yuan) for c in claims_of(sentence)] == bands


@pytest.mark.parametrize(
    "sentence",
    [
        "湘潭市医保卡里的钱买药花了200元，个人账户每月照常到账。",
        "张家界市退休职工李大爷说，他的个人账户里现在有600元，够买常用药。",  # a balance
        "湘潭市退休人员的医保卡里还剩300元。",
        "湘西的退休人员每月划入都超过100元。",  # a bound
    ],
)
def test_balances_and_bounds_are_no_claim(sentence: str) -> None:
    assert claims_of(sentence) == []


# ----------------------------------------------------------------------------- lists, tables, repeats


def test_respectively_spreads_values_over_listed_places() -> None:
    claims = claims_of(
        "北京、甘肃等地按定额划入，返款金额分别为100元（70岁以下）/110元（70岁以上）和120元。"
    )
    assert [summary(c) for c in claims] == [
        ("北京市", None, 70, "fixed", 100.0, None, None),
        ("北京市", 70, None, "fixed", 110.0, None, None),
        ("甘肃省", None, None, "fixed", 120.0, None, None),
    ]


def test_respectively_in_rounds_of_one_value_per_place_per_band() -> None:
    claims = claims_of(
        "上饶、鹰潭两市70岁以下退休人员每月划入分别为100元、90元，70岁及以上分别为120元、110元。"
    )
    assert [(c.region, c.age_min, c.age_max, c.monthly_yuan) for c in claims] == [
        ("上饶市", None, 70, 100.0),
        ("鹰潭市", None, 70, 90.0),
        ("上饶市", 70, None, 120.0),
        ("鹰潭市", 70, None, 110.0),
    ]


def test_one_value_for_several_places_applies_to_each() -> None:
    claims = claims_of("安徽、江西两省退休人员每月定额划入70元。")
    assert [c.region for c in claims] == ["安徽省", "江西省"]


def test_table_rows_with_header_context() -> None:
    claims = claims_of(
        ("p", "部分地区的划入标准见下表。"),
        ("table_row", "地区 | 年龄段 | 划入方式 | 年划入金额"),
        ("table_row", "上海市 | 不满75周岁 | 定额 | 1680元"),
        ("table_row", "上海市 | 75周岁及以上 | 定额 | 1890元"),
    )
    assert [(c.region, c.age_min, c.age_max, c.monthly_yuan, c.period) for c in claims] == [
        ("上海市", None, 75, 140.0, "year"),
        ("上海市", 75, None, 157.5, "year"),
    ]
    assert claims[0].evidence == "上海市 | 不满75周岁 | 定额 | 1680元"


def test_wide_table_bands_and_units_from_the_header() -> None:
    claims = claims_of(
        ("table_row", "地区 | 70岁以下每月划入（元） | 70岁及以上每月划入（元）"),
        ("table_row", "北京市 | 100 | 110"),
    )
    assert [summary(c) for c in claims] == [
        ("北京市", None, 70, "fixed", 100.0, None, None),
        ("北京市", 70, None, "fixed", 110.0, None, None),
    ]


BANDED_HEADER = ("table_row", "地区 | 70周岁以下 | 70周岁及以上")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # a colspan group row above the band columns (the group row is the shorter one)
        (
            [
                ("table_row", "地区 | 每月划入标准（元）"),
                BANDED_HEADER,
                ("table_row", "南通市 | 120 | 150"),
            ],
            [("南通市", None, 70, 120.0), ("南通市", 70, None, 150.0)],
        ),
        # one value over both band columns (a colspan cell repeated) is for every age
        (
            [BANDED_HEADER, ("table_row", "扬州市 | 每月130元 | 每月130元")],
            [("扬州市", None, None, 130.0)],
        ),
        # an empty cell keeps the next value in its own column
        ([BANDED_HEADER, ("table_row", "泰州市 |  | 每月125元")], [("泰州市", 70, None, 125.0)]),
        # a row short of its header: the last cell may span the columns left, so no band
        ([BANDED_HEADER, ("table_row", "宿迁市 | 每月115元")], [("宿迁市", None, None, 115.0)]),
        # columns of years: today's column only
        (
            [
                ("table_row", "地区 | 2025年（元/月） | 2026年（元/月）"),
                ("table_row", "淮安市 | 100 | 110"),
            ],
            [("淮安市", None, None, 110.0)],
        ),
        # a column of changes is no level, nor is a +8元
        (
            [
                ("table_row", "地区 | 2025年 | 2026年 | 变化"),
                ("table_row", "淮安市 | 100元 | 108元 | +8元"),
            ],
            [("淮安市", None, None, 108.0)],
        ),
        # a yearly column named 年度划入额
        (
            [("table_row", "地区 | 年度划入额（元）"), ("table_row", "盐城市 | 1440")],
            [("盐城市", None, None, 120.0)],
        ),
    ],
)
def test_table_columns_spans_and_years(rows: list[Block], expected: list[tuple]) -> None:
    claims = claims_of(*rows, title="各地医保每月划入标准")
    assert [(c.region, c.age_min, c.age_max, c.monthly_yuan) for c in claims] == expected


def test_rows_dated_for_different_places_all_stand() -> None:
    claims = claims_of(
        ("p", "近期各地公布的退休人员个人账户划入标准："),
        ("table_row", "发布时间 | 地区 | 每月划入"),
        ("table_row", "2025年12月 | 蚌埠市 | 100元"),
        ("table_row", "2026年1月 | 淮南市 | 95元"),
    )
    assert [(c.region, c.monthly_yuan) for c in claims] == [("蚌埠市", 100.0), ("淮南市", 95.0)]


def test_table_unit_in_brackets_skips_label_columns_and_people_from_the_header() -> None:
    claims = claims_of(
        ("p", "各地退休人员医保个人账户划入标准（元/月）："),
        ("table_row", "序号 | 地区 | 退休人员 | 在职职工"),
        ("table_row", "8 | 连云港市 | 100 | 缴费基数的2%"),
    )
    assert [(c.region, c.population, c.monthly_yuan, c.ratio_min) for c in claims] == [
        ("连云港市", "retiree", 100.0, None),  # the 序号 8 is no 8元
        ("连云港市", "employee", None, 0.02),
    ]


def test_a_table_of_years_gives_the_latest_row() -> None:
    claims = claims_of(
        ("p", "下表为淮北市历年划入标准："),
        ("table_row", "年份 | 每月划入（元）"),
        ("table_row", "2024年 | 90"),
        ("table_row", "2026年 | 110"),
        ("table_row", "2025年 | 100"),
    )
    assert [(c.region, c.monthly_yuan) for c in claims] == [("淮北市", 110.0)]


def test_a_top_up_in_the_next_sentence_counts_from_the_amount_before() -> None:
    claims = claims_of("龙岩市退休人员每月划入110元。70周岁以上的，每月再多划入10元。")
    assert [(c.region, c.age_min, c.age_max, c.monthly_yuan) for c in claims] == [
        ("龙岩市", None, 70, 110.0),
        ("龙岩市", 70, None, 120.0),
    ]


def test_a_top_up_for_another_place_counts_from_nothing() -> None:
    claims = claims_of("龙岩市退休人员每月划入110元。三明市70周岁以上的，每月多划入10元。")
    assert [(c.region, c.monthly_yuan) for c in claims] == [("龙岩市", 110.0)]


def test_a_sentence_restating_a_banded_row_adds_no_bandless_claim() -> None:
    restated = "表中林芝市按年度划入，折算后分别为每月120元和140元。"
    claims = claims_of(
        BANDED_HEADER,
        ("table_row", "林芝市 | 每月120元 | 每月140元"),
        ("p", restated),
        ("p", "昌都市每月划入100元。"),  # no band of 昌都 states 100: a rule of its own
        title="各地医保每月划入标准",
    )
    assert [(c.region, c.age_min, c.age_max, c.monthly_yuan) for c in claims] == [
        ("林芝市", None, 70, 120.0),
        ("林芝市", 70, None, 140.0),
        ("昌都市", None, None, 100.0),
    ]
    assert claims[0].evidence_more == (restated,)


def test_table_of_fees_yields_nothing() -> None:
    claims = claims_of(
        ("table_row", "地区 | 住院起付线 | 报销比例"),
        ("table_row", "北京市 | 1300元 | 90%"),
        title="北京医保每月划入多少",
    )
    assert claims == []


def test_list_items_are_read() -> None:
    claims = claims_of(("li", "厦门市：按平均养老金的2.5%划入个人账户"))
    assert [(c.region, c.ratio_min) for c in claims] == [("厦门市", 0.025)]


def test_paragraph_with_line_breaks() -> None:
    claims = claims_of("北京市每月定额划入100元\n甘肃省每月定额划入120元")
    assert [(c.region, c.monthly_yuan) for c in claims] == [("北京市", 100.0), ("甘肃省", 120.0)]


def test_rule_stated_twice_is_one_claim_with_both_sentences() -> None:
    first = "西安市退休人员每月定额划入130元。"
    second = "再提醒一次，西安市退休人员每月的划入标准是130元。"
    (claim,) = claims_of(first, "中间说点别的。", second)
    assert claim.evidence == first
    assert claim.evidence_more == (second,)
    assert claim.paragraph_ordinal == 0


def test_claims_carry_provenance_and_no_cluster() -> None:
    (claim,) = claims_of("无关的开头。", "西安市退休人员每月定额划入130元。")
    assert (claim.article_id, claim.paragraph_ordinal, claim.cluster_id) == ("a1", 1, None)
    assert claim.evidence == "西安市退休人员每月定额划入130元。"


# ----------------------------------------------------------------------------- title city, neighbours, net amounts


def test_title_city_lent_by_a_plain_lead_in_but_not_by_filler() -> None:
    title = "青岛医保个人账户按年龄划入标准一览"
    lead = ("p", "下表为青岛市退休人员个人账户的划入标准。")
    rows = [("table_row", "年龄段 | 每月划入"), ("table_row", "70周岁以下 | 100元")]
    assert [c.region for c in claims_of(lead, *rows, title=title)] == ["青岛市"]
    filler = ("p", "很多青岛网友关心外地的标准，这里举一个例子。")
    assert claims_of(filler, *rows, title=title) == []


def test_place_of_the_paragraph_just_before() -> None:
    claims = claims_of("绵阳市退休人员按定额划入个人账户。", "在职职工按本人缴费基数的2%划入。")
    assert [(c.region, c.population, c.base) for c in claims] == [
        ("绵阳市", "employee", "contribution_base")
    ]


def test_placeless_rule_lines_pass_on_the_place_before_them() -> None:
    claims = claims_of(
        "宁夏回族自治区退休人员按年龄分段定额划入，具体如下。",
        "不满70周岁的，每人每月划入100元；",
        "年满70周岁的，每人每月划入120元。",
    )
    assert [(c.region, c.age_min, c.age_max, c.monthly_yuan) for c in claims] == [
        ("宁夏回族自治区", None, 70, 100.0),
        ("宁夏回族自治区", 70, None, 120.0),
    ]


def test_a_general_statement_passes_on_no_place() -> None:
    claims = claims_of(
        "银川市退休人员每月划入100元。",
        "其他地区一般按平均养老金的2%划入。",
        "70岁以上每月划入120元。",
    )
    assert [(c.region, c.monthly_yuan) for c in claims] == [("银川市", 100.0), ("全国", None)]


def test_a_line_that_states_no_rule_passes_on_no_place() -> None:
    claims = claims_of("银川市的标准见下文。", "办理时请携带身份证。", "每人每月划入100元。")
    assert claims == []


def test_gross_and_net_amounts_are_one_claim_with_the_net_value() -> None:
    (claim,) = claims_of("泸州市退休人员每月定额划入85元，扣除3元大病保险后实际到账82元。")
    assert (claim.monthly_yuan, claim.deduction_yuan) == (82.0, 3.0)
    # the deducted item named before its amount
    (claim,) = claims_of("泸州市退休人员每月划入85元，扣除大额医疗保险费3元后，实际到账82元。")
    assert (claim.monthly_yuan, claim.deduction_yuan) == (82.0, 3.0)


def test_unbanded_amount_beside_an_older_band_covers_the_rest() -> None:
    claims = claims_of("宁德市退休人员每月划入120元，年满80周岁的退休人员每月划入150元。")
    assert [(c.age_min, c.age_max, c.monthly_yuan) for c in claims] == [
        (None, 80, 120.0),
        (80, None, 150.0),
    ]


def test_general_wording_without_a_place_is_national_only_for_ratios() -> None:
    assert [c.region for c in claims_of("一般按平均养老金的2%划入。")] == ["全国"]
    assert claims_of("一般每月能划入100元左右。") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a pension named after its amount makes the credited amount a computation
        (
            "池州市退休人员按本人养老金的2%划入，以3000元养老金计算，每月可划入60元。",
            [(None, 0.02)],
        ),
        # a total over several years is no rule
        ("宣城市退休人员每月划入80元，一年960元，十年就是9600元。", [(80.0, None)]),
    ],
)
def test_computations_and_totals_are_no_rules(sentence: str, expected: list[tuple]) -> None:
    assert [(c.monthly_yuan, c.ratio_min) for c in claims_of(sentence)] == expected


def test_computed_amount_dropped_but_the_ratio_kept() -> None:
    claims = claims_of("长沙市按本人养老金的2.2%划入，养老金3000元的每月划入66元。")
    assert [(c.region, c.method, c.ratio_min) for c in claims] == [("长沙市", "ratio", 0.022)]


def test_amount_right_after_yi_shang_is_a_value() -> None:
    claims = claims_of("哈尔滨市70岁以下92元/月，70岁以上102元/月，个人账户按月划入。")
    assert [(c.age_min, c.age_max, c.monthly_yuan) for c in claims] == [
        (None, 70, 92.0),
        (70, None, 102.0),
    ]


def test_hedge_a_few_characters_before_the_value() -> None:
    (claim,) = claims_of("青海省退休人员每月约划入120元。")
    assert (claim.approximate, claim.method) == (True, None)


def test_place_named_after_the_values() -> None:
    claims = claims_of("退休人员个人账户每月划入：70岁以下按2%，70岁及以上按2.5%（贵阳市标准）。")
    assert [(c.region, c.age_min, c.age_max, c.ratio_min) for c in claims] == [
        ("贵阳市", None, 70, 0.02),
        ("贵阳市", 70, None, 0.025),
    ]
    assert claims_of("退休人员每月划入100元，比上海市高一些。") == []


def test_transposed_table_takes_places_from_the_header() -> None:
    claims = claims_of(
        ("table_row", "年龄段 | 北京市 | 上海市"),
        ("table_row", "70岁以下 | 100元 | 140元"),
        ("table_row", "70岁及以上 | 110元 | 150元"),
    )
    assert {(c.region, c.age_min, c.age_max, c.monthly_yuan) for c in claims} == {
        ("北京市", None, 70, 100.0),
        ("上海市", None, 70, 140.0),
        ("北京市", 70, None, 110.0),
        ("上海市", 70, None, 150.0),
    }


def test_an_excluded_place_is_no_subject() -> None:
    assert claims_of("除北京外，其他地区每月划入100元。") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "杭州市退休人员划入额度约为当地平均养老金的2%。",
            ("杭州市", None, 0.02, "regional_avg_pension", True),
        ),
        ("上海市每年划入1680元，平均每月约140元。", ("上海市", 140.0, None, None, False)),
        ("深圳市按其基本养老金的2.8%划入。", ("深圳市", None, 0.028, "individual_pension", False)),
    ],
)
def test_hedged_ratios_glosses_and_own_pension(sentence: str, expected: tuple) -> None:
    (claim,) = claims_of(sentence)
    assert (
        claim.region,
        claim.monthly_yuan,
        claim.ratio_min,
        claim.base,
        claim.approximate,
    ) == expected


@pytest.mark.parametrize(
    "blocks",
    [
        ["网友“老张”：我们这边按养老金的3.5%划入，不知道准不准。"],
        [
            ("heading", "热门问答"),
            ("p", "问：昆明市退休人员每月划入多少？答：每月210元。", "热门问答"),
        ],
        [("heading", "网友评论"), ("p", "哈尔滨市去年退休，每个月进账188元。", "网友评论")],
    ],
)
def test_comments_and_recommendations_that_slipped_into_a_body_yield_nothing(blocks: list) -> None:
    assert claims_of(*blocks) == []


def test_a_heading_about_popular_cities_is_body() -> None:
    claims = claims_of(
        ("heading", "热门城市划入标准"),
        ("p", "苏州市退休人员每月定额划入120元。", "热门城市划入标准"),
    )
    assert [c.region for c in claims] == ["苏州市"]


FRAGMENTS = [
    "北京市",
    "上海",
    "全国",
    "某地",
    "70岁以下",
    "及以上",
    "不满",
    "周岁",
    "至",
    "每月",
    "每年",
    "划入",
    "元",
    "%",
    "百分之",
    "二点五",
    "１２０",
    "1,800",
    "约",
    "左右",
    "扣除",
    "分别",
    "、",
    "，",
    "。",
    "（",
    "）",
    " | ",
    "\n",
    "在职职工",
    "养老金",
    "的",
    "为",
    "100",
    "2.8",
]


@given(
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=30),
    st.sampled_from(["p", "li", "table_row"]),
)
def test_property_any_text_gives_well_formed_claims(parts: list[str], kind: str) -> None:
    claims = claims_of((kind, "".join(parts)))
    for claim in claims:
        assert claim.region_code.isdigit() and len(claim.region_code) == 6
        assert claim.age_min is None or claim.age_max is None or claim.age_min < claim.age_max
        assert (claim.method == "ratio") == (claim.ratio_min is not None)
        assert claim.monthly_yuan is None or claim.monthly_yuan > 0
        assert claim.evidence


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a contribution base belongs to people still working
        ("原则上职工医保个人账户每月划入金额为本人缴费基数×2%。", [("全国", "employee", 0.02)]),
        # a fee word in the clause, but the clause credits the account
        ("在职职工个人缴纳的2%全部计入个人账户，原则上如此。", [("全国", "employee", 0.02)]),
        ("成都市单位缴纳6.5%，个人缴纳2%，个人账户另行划入。", []),
        # the individual's own contribution is a rule for people still working
        (
            "宜昌市单位缴费部分不再划入，个人缴费部分2%计入个人账户。",
            [("宜昌市", "employee", 0.02)],
        ),
        # an amount computed from a contribution base is an example, the ratio is the rule
        (
            "宜昌市在职职工每月划入金额=缴费基数×2%，例如缴费基数5000元，每月划入100元。",
            [("宜昌市", "employee", 0.02)],
        ),
        # bounds are no levels
        ("北京市、上海市每月划入一般在200元以上。", []),
        ("厦门市划入比例在2%以上。", []),
        ("厦门市退休人员个人账户划入比例不低于2%。", []),
        ("厦门市退休人员个人账户划入比例最高不超过3%。", []),
        ("各统筹地区按平均养老金的2%~3%划入。", [("全国", "retiree", 0.02)]),
    ],
)
def test_populations_fees_and_bounds(sentence: str, expected: list[tuple]) -> None:
    claims = claims_of(sentence)
    assert [(c.region, c.population, c.ratio_min) for c in claims] == expected


def test_list_number_glued_to_an_age() -> None:
    claims = claims_of(
        ("p", "兰州市的标准："),
        ("li", "1.70岁以下每月划入100元"),
        ("li", "2.70岁及以上每月划入110元"),
    )
    assert [(c.region, c.age_min, c.age_max, c.monthly_yuan) for c in claims] == [
        ("兰州市", None, 70, 100.0),
        ("兰州市", 70, None, 110.0),
    ]


@pytest.mark.parametrize(
    ("header", "monthly"),
    [("地区 | 金额（元/年）", 150.0), ("地区 | 每月划入", None), ("地区 | 2025年标准", None)],
)
def test_period_from_a_table_header(header: str, monthly: float | None) -> None:
    claims = claims_of(
        ("table_row", header), ("table_row", "南京市 | 1800元"), title="各地医保每月划入标准"
    )
    # 1800元 a month is beyond any credit: only the yearly reading gives a claim
    assert [c.monthly_yuan for c in claims] == ([monthly] if monthly else [])


def test_county_level_city_is_its_own_place() -> None:
    claims = claims_of("苏州市区退休人员每月划入100元，昆山市每月划入110元。")
    assert [(c.region, c.region_code, c.monthly_yuan) for c in claims] == [
        ("苏州市", "320500", 100.0),
        ("昆山市", "320583", 110.0),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 确保定额 does not name 保定
        ("为确保定额划入及时到账，邢台市每人每月划入100元。", [("邢台市", 100.0)]),
        # an ambiguous short name listed beside a place is a place
        ("菏泽、日照两市均为每月定额划入95元。", [("菏泽市", 95.0), ("日照市", 95.0)]),
        # a district written after its city is its own place
        ("南京市江宁区退休人员每月划入115元。", [("江宁区", 115.0)]),
        # a county-level city named beside its prefecture is its own place
        ("金华市每月划入100元，东阳每月划入110元。", [("金华市", 100.0), ("东阳市", 110.0)]),
    ],
)
def test_places_inside_words_in_lists_and_counties(sentence: str, expected: list[tuple]) -> None:
    assert [(c.region, c.monthly_yuan) for c in claims_of(sentence)] == expected


def test_unit_stated_once_for_the_table() -> None:
    claims = claims_of(
        ("p", "天津市退休人员个人账户划入标准（单位：元/年）："),
        ("table_row", "70岁以下 | 70岁及以上"),
        ("table_row", "1260 | 1380"),
    )
    assert [(c.region, c.age_min, c.age_max, c.monthly_yuan, c.period) for c in claims] == [
        ("天津市", None, 70, 105.0, "year"),
        ("天津市", 70, None, 115.0, "year"),
    ]


def test_other_places_do_not_inherit_the_place_before() -> None:
    claims = claims_of("北京市每月定额划入100元。", "其他地区一般按平均养老金的2%左右划入。")
    assert [(c.region, c.method) for c in claims] == [("北京市", "fixed"), ("全国", "ratio")]


def test_a_heading_that_states_a_rule_is_read() -> None:
    claims = claims_of(
        ("heading", "三、西安市每月定额划入130元"),
        ("p", "具体以当地公布为准。", "三、西安市每月定额划入130元"),
    )
    assert [(c.region, c.monthly_yuan) for c in claims] == [("西安市", 130.0)]


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        # a population heading keeps the page's place (以杭州市为例 / 在职职工 / … / 退休人员 / 每月160元)
        (["以杭州市为例。", ("heading", "在职职工"), "个人账户按本人缴费基数的2%计入。",
          ("heading", "退休人员"), "每人每月划入160元。"],
         [("杭州市", None, None, "ratio", None, 0.02, 0.02), ("杭州市", None, None, "fixed", 160.0, None, None)]),
        # a gov 政策解读: the place is named once in the lead, then 我市 and numbered headings follow
        (["近日，市医保局印发了《郑州市实施办法》。", ("heading", "一、出台背景"), "我市自2026年1月1日起调整计入办法。",
          ("heading", "二、个人账户怎么计入"), "退休人员个人账户划入额度为每人每月115元。"],
         [("郑州市", None, None, "fixed", 115.0, None, None)]),
        # a heading of general scope passes on no place
        (["杭州市的情况如上。", ("heading", "其他地区"), "每人每月划入90元。"], []),
        # a heading that names a place gives its own
        (["杭州市的情况如上。", ("heading", "宁波市"), "每人每月划入90元。"],
         [("宁波市", None, None, "fixed", 90.0, None, None)]),
    ],
)
def test_a_placeless_topic_heading_keeps_the_place_before(blocks: list, expected: list[tuple]) -> None:
    assert sorted(map(summary, claims_of(*blocks)), key=str) == sorted(expected, key=str)


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        # the count word of the next paragraph stands for the list named before it
        (["山西、陕西两省的标准不同。", "在职职工方面，两省分别按缴费基数的2%和2.5%计入。"],
         [("山西省", None, None, "ratio", None, 0.02, 0.02), ("陕西省", None, None, "ratio", None, 0.025, 0.025)]),
        # … and of the next sentence in the same paragraph
        (["鄂州、孝感、黄冈三市已公布标准。三市均为每月划入100元。"],
         [(r, None, None, "fixed", 100.0, None, None) for r in ("鄂州市", "孝感市", "黄冈市")]),
        # a count that does not match the list stands for something else: no claim
        (["山西、陕西两省的标准不同。", "三市分别按缴费基数的2%、2%和2.5%计入。"], []),
    ],
)
def test_a_count_of_places_stands_for_the_list_before(blocks: list, expected: list[tuple]) -> None:
    assert sorted(map(summary, claims_of(*blocks)), key=str) == sorted(expected, key=str)


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        # a band's top-up in its own paragraph counts from the amount the paragraph before ended on
        (["鞍山市退休人员个人账户每月划入105元。", "70周岁以上的退休人员，在此基础上每月再多划入10元。"],
         [("鞍山市", None, 70, "fixed", 105.0, None, None), ("鞍山市", 70, None, "fixed", 115.0, None, None)]),
        # … but not across a paragraph that states no amount
        (["鞍山市退休人员个人账户每月划入105元。", "鞍山市的通知从1月起执行。", "70周岁以上的每月再多划入10元。"],
         [("鞍山市", None, None, "fixed", 105.0, None, None)]),
        # … nor from another place's amount
        (["鞍山市退休人员个人账户每月划入105元。", "抚顺市70周岁以上的每月多划入10元。"],
         [("鞍山市", None, None, "fixed", 105.0, None, None)]),
    ],
)
def test_a_top_up_in_the_next_paragraph(blocks: list, expected: list[tuple]) -> None:
    assert sorted(map(summary, claims_of(*blocks)), key=str) == sorted(expected, key=str)


@pytest.mark.parametrize(
    "rows",
    [
        # the earlier state in a column: 调整前 | 调整后
        [("table_row", "城市 | 调整前（元/月） | 调整后（元/月）"), ("table_row", "洛阳市 | 90 | 100"),
         ("table_row", "新乡市 | 85 | 95")],
        # … named 原标准 | 新标准
        [("table_row", "城市 | 原标准 | 新标准"), ("table_row", "洛阳市 | 每月90元 | 每月100元"),
         ("table_row", "新乡市 | 每月85元 | 每月95元")],
        # the earlier state in a row: 调整前 | 90 | 85 beside 调整后 | 100 | 95
        [("table_row", "项目 | 洛阳市 | 新乡市"), ("table_row", "调整前 | 每月90元 | 每月85元"),
         ("table_row", "调整后 | 每月100元 | 每月95元")],
    ],
)
def test_the_earlier_state_of_a_before_after_table_is_history(rows: list) -> None:
    claims = claims_of("两地上调了划入标准，对比如下：", *rows)
    assert sorted((c.region, c.monthly_yuan) for c in claims) == [("新乡市", 95.0), ("洛阳市", 100.0)]


def test_an_earlier_state_column_alone_still_reads() -> None:
    claims = claims_of("各地标准如下：", ("table_row", "城市 | 上年度人均养老金的比例"), ("table_row", "洛阳市 | 2%"))
    assert [(c.region, c.ratio_min) for c in claims] == [("洛阳市", 0.02)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("太原市每月划入98元。", [("太原市", 98.0)]),
        ("固原市每月划入95元。", [("固原市", 95.0)]),
        ("郑州市中原区每月划入95元。", [("中原区", 95.0)]),
        ("太原市退休人员原来每月划入90元，现在每月划入98元。", [("太原市", 98.0)]),
    ],
)
def test_the_yuan_of_a_place_name_is_no_earlier_value(sentence: str, expected: list[tuple]) -> None:
    assert [(c.region, c.monthly_yuan) for c in claims_of(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a sentence opening on the past states history
        ("以前太原市是按本人养老金的3.5%划到个人账户的，2023年改革以后就取消了。", []),
        ("过去，太原市按养老金的3%划入；改革后每月定额划入98元。", [("太原市", 98.0, None)]),
        ("太原市退休人员原来按养老金的3%划入，现在改为每月98元。", [("太原市", 98.0, None)]),
        # a denied or rumoured value is no rule
        ("太原市退休人员每月划入98元，而不是网传的150元。", [("太原市", 98.0, None)]),
        ("太原市退休人员并非每月200元，实际每月划入98元。", [("太原市", 98.0, None)]),
    ],
)
def test_past_and_denied_values_are_no_rules(sentence: str, expected: list[tuple]) -> None:
    assert [(c.region, c.monthly_yuan, c.ratio_min) for c in claims_of(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("太原市退休人员每月划入98元（2025年为90元）。", [("太原市", 98.0)]),
        ("太原市退休人员每月划入98元（原标准90元），70岁以上108元。", [("太原市", 98.0), ("太原市", 108.0)]),
        # a bracket that dates today's value takes nothing away
        ("太原市退休人员每月划入98元（2026年起执行），70岁以上108元。", [("太原市", 98.0), ("太原市", 108.0)]),
    ],
)
def test_a_bracketed_older_figure_is_history(sentence: str, expected: list[tuple]) -> None:
    assert sorted((c.region, c.monthly_yuan) for c in claims_of(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("宁波、温州、绍兴三地每月划入标准依次为120元、110元、100元。",
         [("宁波市", 120.0), ("温州市", 110.0), ("绍兴市", 100.0)]),
        # one different value per place, in order, even without 分别 / 依次
        ("宁波、温州、绍兴三地每月划入120元、110元、100元。",
         [("宁波市", 120.0), ("温州市", 110.0), ("绍兴市", 100.0)]),
        # one value for all listed places stays every place's
        ("宁波、温州两地每月均划入100元。", [("宁波市", 100.0), ("温州市", 100.0)]),
    ],
)
def test_listed_places_take_one_value_each(sentence: str, expected: list[tuple]) -> None:
    assert sorted((c.region, c.monthly_yuan) for c in claims_of(sentence)) == sorted(expected)


@pytest.mark.parametrize(
    ("title", "blocks", "expected"),
    [
        # a notice titled by its issuer: 我市 is the title's place when the body names none
        ("石家庄市医疗保障局关于调整职工医保个人账户划入标准的通知",
         ["现将我市职工医保个人账户划入标准通知如下：", "一、退休人员个人账户每人每月划入90元。"],
         [("石家庄市", 90.0)]),
        # an SEO title around a city lends nothing, 我市 or not
        ("石家庄退休人员医保卡每月打入多少钱", ["现将我市标准介绍如下：", "一、退休人员个人账户每人每月划入90元。"], []),
        # no 我市: the title's place is not assumed
        ("石家庄市医疗保障局关于调整职工医保个人账户划入标准的通知", ["一、退休人员个人账户每人每月划入90元。"], []),
        # a place the body names wins over the title's
        ("石家庄市医疗保障局关于调整职工医保个人账户划入标准的通知",
         ["保定市的做法是：", "我市参照执行前，退休人员个人账户每人每月划入90元。"], [("保定市", 90.0)]),
    ],
)
def test_our_city_in_a_notice_is_the_issuers_place(title: str, blocks: list, expected: list[tuple]) -> None:
    assert [(c.region, c.monthly_yuan) for c in claims_of(*blocks, title=title)] == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        # a timeline of one place's list items: the latest year is today's rule
        (["2024年：每月80元", "2025年：每月90元", "2026年：每月100元"], [("芜湖市", 100.0)]),
        # items dated for different places all stand
        (["2025年合肥市每月划入100元", "2026年蚌埠市每月划入95元"], [("合肥市", 100.0), ("蚌埠市", 95.0)]),
    ],
)
def test_the_past_items_of_a_timeline_list_are_history(items: list[str], expected: list[tuple]) -> None:
    claims = claims_of("近几年，芜湖市退休人员个人账户的划入标准如下：", *(("li", i) for i in items))
    assert sorted((c.region, c.monthly_yuan) for c in claims) == sorted(expected)


def test_a_ratios_base_in_a_later_table_cell() -> None:
    claims = claims_of(
        "部分城市按比例划入：",
        ("table_row", "城市 | 划入比例（%） | 计算基数"),
        ("table_row", "淮南市 | 2 | 本人养老金"),
        ("table_row", "淮北市 | 2 | 上年度全市平均养老金"),
        ("table_row", "六安市 | 2 | 缴费基数"),
    )
    assert sorted((c.region, c.population, c.ratio_min, c.base) for c in claims) == [
        ("六安市", "employee", 0.02, "contribution_base"),
        ("淮北市", "retiree", 0.02, "regional_avg_pension"),
        ("淮南市", "retiree", 0.02, "individual_pension"),
    ]


def test_a_ratio_row_with_a_value_after_its_base_cell() -> None:
    """The base is looked for only up to the next value of the row, and that value does not break it."""
    claims = claims_of(
        "部分城市按比例划入：",
        ("table_row", "城市 | 划入比例（%） | 计算基数 | 最低划入（元/月）"),
        ("table_row", "淮南市 | 2% | 本人养老金 | 60元"),
    )
    assert ("淮南市", 0.02, "individual_pension") in [(c.region, c.ratio_min, c.base) for c in claims]


@pytest.mark.parametrize(
    "blocks",
    [
        ["部分地区一般按2%划入。"],
        ["长三角地区通常按养老金的2.5%划入。"],
        ["北京市每月划入100元。部分地区一般按2%划入。"],
        ["北京市每月划入100元。", "东部地区按养老金的2%划入。", "每月划入120元。"],
    ],
)
def test_some_places_or_an_area_are_neither_the_nation_nor_the_place_before(blocks: list[str]) -> None:
    assert [(c.region, c.monthly_yuan) for c in claims_of(*blocks)] == (
        [("北京市", 100.0)] if "北京市" in blocks[0] else []
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 其他退休人员 after a band: the rest of the people, below that band
        ("聊城市高龄（80岁以上）退休人员每月划入125元，其他退休人员每月划入95元。",
         [("聊城市", None, 80, 95.0), ("聊城市", 80, None, 125.0)]),
        ("聊城市70岁以上退休人员每月划入110元，其余人员每月划入95元。",
         [("聊城市", None, 70, 95.0), ("聊城市", 70, None, 110.0)]),
        # 其他地区 after a place: the values after it are not that place's
        ("聊城市退休人员每月划入95元，其他地区每月划入90元。", [("聊城市", None, None, 95.0)]),
        ("聊城市退休人员每月划入95元，部分地区每月划入90元。", [("聊城市", None, None, 95.0)]),
    ],
)
def test_the_rest_of_the_people_and_other_places(sentence: str, expected: list[tuple]) -> None:
    assert sorted(((c.region, c.age_min, c.age_max, c.monthly_yuan) for c in claims_of(sentence)), key=str) == sorted(
        expected, key=str
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("举例来说，菏泽市退休职工老李每月到账105元。", []),
        ("菏泽市退休的张先生说，他每月到账105元。", []),
        ("菏泽市老年人每月划入105元。", [("菏泽市", 105.0)]),
        ("菏泽市王家庄社区退休人员每月划入105元。", [("菏泽市", 105.0)]),
        ("菏泽市按老方法每月划入105元。", [("菏泽市", 105.0)]),
    ],
)
def test_one_named_persons_case_is_no_rule(sentence: str, expected: list[tuple]) -> None:
    assert [(c.region, c.monthly_yuan) for c in claims_of(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("菏泽市职工（不含退休）个人账户按2%计入。", [("employee", None, 0.02)]),
        ("菏泽市未退休的职工个人账户按2%计入。", [("employee", None, 0.02)]),
        ("菏泽市在岗职工个人账户按2%计入。", [("employee", None, 0.02)]),
        ("菏泽市参保人退休前个人账户按缴费基数的2%计入，退休后每月划入105元。",
         [("employee", None, 0.02), ("retiree", 105.0, None)]),
    ],
)
def test_people_not_yet_retired_are_employees(sentence: str, expected: list[tuple]) -> None:
    assert [(c.population, c.monthly_yuan, c.ratio_min) for c in claims_of(sentence)] == expected


@pytest.mark.parametrize("sentence", ["菏泽市退休人员每两个月划入210元。", "菏泽市退休人员每2个月划入210元。", "菏泽市退休人员隔月划入210元。"])
def test_amounts_over_several_months_are_no_monthly_rule(sentence: str) -> None:
    assert claims_of(sentence) == []


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        (["问：听说德州市每月返200元，是真的吗？", "答：不是。德州市退休人员每月划入85元。"], [("德州市", 85.0)]),
        (["有人说德州市每月能返200元，这个说法不对。"], []),
        (["据传德州市每月划入200元。"], []),
        (["德州市每月划入200元？假的！"], []),
        (["德州市每月划入200元的消息不实。"], []),
        (["网传每月返200元不实，德州市实际每月划入85元。"], [("德州市", 85.0)]),
        # 不对外 is no denial
        (["德州市每月划入85元，不对外公开查询。"], [("德州市", 85.0)]),
    ],
)
def test_hearsay_questions_and_debunked_values_are_no_rules(blocks: list[str], expected: list[tuple]) -> None:
    assert [(c.region, c.monthly_yuan) for c in claims_of(*blocks)] == expected


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        # a wire story's dateline names where it was filed, not its subject; 国家医保局 passes on the nation
        (["华讯社北京3月5日电 记者5日从国家医保局获悉，改革平稳推进。",
          "退休人员个人账户划入额度逐步调整到统筹地区基本养老金平均水平的2%左右。"], [("全国", None, 0.02)]),
        (["本报上海讯 上海市退休人员每年划入1680元。"], [("上海市", 140.0, None)]),
        # the nation lends itself to ratios only, never to one amount for everyone
        (["记者从国家医保局获悉，改革平稳推进。", "退休人员每月划入100元。"], []),
    ],
)
def test_datelines_and_the_nation_before(blocks: list[str], expected: list[tuple]) -> None:
    assert [(c.region, c.monthly_yuan, c.ratio_min) for c in claims_of(*blocks)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("湖北省省直退休人员每月划入标准与武汉市一致，为110元。", [("武汉市", 110.0), ("湖北省", 110.0)]),
        ("武汉市与鄂州市标准相同，均为每月110元。", [("武汉市", 110.0), ("鄂州市", 110.0)]),
        ("宜昌市每月划入95元，与武汉市不同。", [("宜昌市", 95.0)]),
    ],
)
def test_a_place_sharing_the_subjects_standard_holds_it_too(sentence: str, expected: list[tuple]) -> None:
    assert sorted((c.region, c.monthly_yuan) for c in claims_of(sentence)) == sorted(expected)


def test_a_value_of_that_time_is_history() -> None:
    claims = claims_of("宜昌市当时每月划入85元，现在每月划入100元。")
    assert [(c.region, c.monthly_yuan) for c in claims] == [("宜昌市", 100.0)]
