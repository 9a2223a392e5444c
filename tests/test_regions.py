"""Region table: short names resolve to canonical names and GB/T 2260 codes; look-alikes do not match."""

from __future__ import annotations

import pytest

from extractors.regions import NATIONAL, find_regions, lookup, short_name, title_region


@pytest.mark.parametrize(
    ("name", "canonical", "code"),
    [
        ("北京", "北京市", "110000"),
        ("北京市", "北京市", "110000"),
        ("深圳", "深圳市", "440300"),
        ("甘肃", "甘肃省", "620000"),
        ("安徽", "安徽省", "340000"),
        ("上海", "上海市", "310000"),
        ("厦门", "厦门市", "350200"),
        ("吉林", "吉林省", "220000"),  # the province wins the short name over 吉林市
        ("吉林市", "吉林市", "220200"),
        ("海南", "海南省", "460000"),  # not 海南藏族自治州
        ("内蒙", "内蒙古自治区", "150000"),
        ("广西", "广西壮族自治区", "450000"),
        ("阿坝", "阿坝藏族羌族自治州", "513200"),
        ("伊犁", "伊犁哈萨克自治州", "654000"),
        ("喀什", "喀什地区", "653100"),
        ("锡林郭勒", "锡林郭勒盟", "152500"),
        ("中山", "中山市", "442000"),  # ambiguous in free text, fine when asked by name
        ("台湾", "台湾省", "710000"),
        ("神农架林区", "神农架林区", "429021"),
        ("全国", "全国", "000000"),
    ],
)
def test_lookup_resolves_names_to_canonical_regions(name: str, canonical: str, code: str) -> None:
    region = lookup(name)
    assert region is not None
    assert (region.name, region.code) == (canonical, code)


@pytest.mark.parametrize("name", ["朝阳区", "某市", "平台", "", "资料暂缺"])
def test_lookup_refuses_unknown_or_ambiguous_names(name: str) -> None:
    assert lookup(name) is None


def test_table_is_current() -> None:
    """和康县 was created in December 2024 under 和田地区 (6532xx): an old table lacks it."""
    region = lookup("和康县")
    assert region is not None and region.code.startswith("6532")


def test_national_is_000000() -> None:
    assert (NATIONAL.name, NATIONAL.code) == ("全国", "000000")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("登录医保服务平台中查询余额", []),  # 台中 inside 平台中
        ("部分银行与医保机构有合作", []),  # 合作市 is a county: never matched in free text
        ("农村合作医疗报销比例", []),
        ("早餐吃了三明治", []),  # 三明 is ambiguous
        ("中山大学附属医院", []),
        ("药品未开封可以退", []),
        ("北京路上的药店", []),  # a street, not the city
        ("浙江门诊统筹", ["浙江省"]),  # not 江门
        ("马鞍山市退休人员", ["马鞍山市"]),  # not 鞍山
        ("北京、甘肃等地", ["北京市", "甘肃省"]),
        ("江西南昌", ["南昌市"]),  # a place written with its province is one mention
        ("深圳市的退休人员", ["深圳市"]),
        ("三明市按定额划入", ["三明市"]),  # the full name of an ambiguous short name counts
        ("苏州市区100元，昆山市110元", ["苏州市", "昆山市"]),  # a county-level city by full name
        ("昆山的退休人员", []),  # never by its short name
        ("农村合作市场", []),
        ("深圳市场监管局", ["深圳市"]),
    ],
)
def test_find_regions_matches_places_not_lookalikes(text: str, names: list[str]) -> None:
    assert [m.region.name for m in find_regions(text)] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a short name read across a word boundary is no place
        ("为确保定额划入及时到账", []),
        ("到账后系统会自动更新余额", []),
        ("按统一经营口径统计", []),
        ("建设新乡村", []),
        ("举办盛大庆典", []),
        ("隆重庆祝", []),
        ("请看办事指南通知", []),
        ("在医保定点医院购药", []),
        ("保持收支平衡水平", []),
        ("家庭共济南昌试点", ["南昌市"]),  # after 共济, the text still names 南昌
        ("如果洛阳市", ["洛阳市"]),
        # the same short names where they are the place
        ("保定退休人员每月划入100元", ["保定市"]),
        ("新余、营口两地", ["新余市", "营口市"]),
        ("保定市定额划入", ["保定市"]),  # a full name is never checked
        # a full name starting inside a short one wins (上海 / 海口市)
        ("70岁以上海口市每月划入", ["海口市"]),
        ("以上海为例", ["上海市"]),
    ],
)
def test_short_names_inside_words_are_no_places(text: str, names: list[str]) -> None:
    assert [m.region.name for m in find_regions(text)] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("潍坊、日照两市", ["潍坊市", "日照市"]),
        ("日照和潍坊", ["日照市", "潍坊市"]),
        ("太原、大同、长治三市", ["太原市", "大同市", "长治市"]),  # a chain of ambiguous names
        ("日照充足的潍坊", ["潍坊市"]),  # not listed: a word
        ("大同小异", []),
    ],
)
def test_ambiguous_short_names_listed_beside_a_place(text: str, names: list[str]) -> None:
    assert [m.region.name for m in find_regions(text)] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("金华市每月划入100元，义乌每月划入120元", ["金华市", "义乌市"]),
        ("金华、东阳两地", ["金华市", "东阳市"]),
        ("义乌的退休人员", []),  # without its prefecture a short name may be a word
        ("杭州市每月100元，义乌每月120元", ["杭州市"]),  # another prefecture does not lend it
    ],
)
def test_county_city_short_name_beside_its_prefecture(text: str, names: list[str]) -> None:
    assert [m.region.name for m in find_regions(text)] == names


@pytest.mark.parametrize(
    ("text", "name", "code", "span"),
    [
        ("江苏省南京市退休人员", "南京市", "320100", (0, 6)),
        ("南京市江宁区退休人员", "江宁区", "320115", (0, 6)),  # a district after its city
        ("北京市朝阳区退休人员", "朝阳区", "110105", (0, 6)),  # unambiguous under its parent
        ("广东省广州市天河区", "天河区", "440106", (0, 9)),
        ("河南省济源市", "济源市", "419001", (0, 6)),  # a county under its province
        ("福建省长汀县退休人员", "长汀县", "350821", (0, 6)),  # under its prefecture's province
        ("江苏省鼓楼区", "江苏省", "320000", (0, 3)),  # two 鼓楼区 in 江苏: not read
    ],
)
def test_a_place_written_with_its_parents_is_the_most_specific(
    text: str, name: str, code: str, span: tuple[int, int]
) -> None:
    (mention,) = find_regions(text)
    assert (mention.region.name, mention.region.code) == (name, code)
    assert (mention.start, mention.end) == span


def test_find_regions_gives_spans() -> None:
    (mention,) = find_regions("例如深圳的退休人员")
    assert (mention.start, mention.end) == (2, 4)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("资阳医保卡余额怎么查询?资阳退休人员医保卡每月打入多少钱呢?", "资阳市"),
        ("医保每个月都能返钱?(以安庆为例)", "安庆市"),
        ("呼和浩特医保账户里的钱夸省能转移不?(4月20日)", "呼和浩特市"),
        ("江西南昌医保退休个人账户每个月能打入多少钱", "南昌市"),
        ("医保卡余额查询的几种方法?", None),
        (
            "大同退休人员医保卡每月打入多少钱",
            "大同市",
        ),  # an ambiguous short name fills a title's place slot
    ],
)
def test_title_region_names_the_most_specific_place(title: str, expected: str | None) -> None:
    assert title_region(title) == expected


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("深圳市", "深圳"),
        ("红河哈尼族彝族自治州", "红河"),
        ("新疆维吾尔自治区", "新疆"),
        ("黑龙江省", "黑龙江"),
    ],
)
def test_short_name(name: str, short: str) -> None:
    assert short_name(name) == short
