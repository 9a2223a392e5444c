"""Tests for paragraph normalisation, template masking and value signatures (pipelines.normalise)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.normalise import (
    DATE_MARK,
    NUMBER_MARK,
    PLACE_MARK,
    PUNCT_MAP,
    REPEATED_PUNCT,
    SPACE_NEAR_CJK,
    THOUSANDS_COMMA,
    WHITESPACE,
    find_places,
    mask_template,
    norm_hash,
    normalise,
    shingle_hashes,
    template_and_signature,
    value_signature,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("每月划入１００元。", "每月划入100元。"),  # full-width digits
        ("每月划入100元，按月到账。", "每月划入100元,按月到账."),  # Chinese vs Western punctuation
        ("每月 划入\u3000100 元", "每月划入100元"),  # spaces between CJK characters
        ("年划入1,680元", "年划入1680元"),  # thousands separator
        ("请咨询当地医保经办机构！！", "请咨询当地医保经办机构。"),  # repeated marks
        ("Hello   World", "hello world"),  # Latin: case and runs of spaces
    ],
)
def test_normalise_makes_these_equal(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)
    assert norm_hash(a) == norm_hash(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("按2%划入", "按2.2%划入"),
        ("每月100元", "每月110元"),
        ("每月划入100元", "每年划入100元"),
    ],
)
def test_norm_hash_keeps_different_text_apart(a: str, b: str) -> None:
    assert norm_hash(a) != norm_hash(b)


def test_mask_template_masks_given_place_in_long_and_short_form() -> None:
    masked = mask_template("想知道宁安退休人员的账户情况，可以看宁安市医保局的说明。", ["宁安市"])
    assert "宁安" not in masked
    assert masked.count(PLACE_MARK) == 2


def test_mask_template_masks_numbers_and_dates() -> None:
    masked = mask_template("2026年3月1日起，按当地人均养老金的2.5%划入，约一百二十元。", [])
    assert masked.startswith(DATE_MARK)
    assert NUMBER_MARK in masked
    assert "2.5" not in masked and "一百二十" not in masked


def test_masked_templates_of_two_cities_are_equal() -> None:
    a = mask_template("本文带您了解宁安市退休人员医保卡每月到账多少。", ["宁安市"])
    b = mask_template("本文带您了解海城退休人员医保卡每月到账多少。", ["海城市"])
    assert a == b


@pytest.mark.parametrize(
    ("text", "places", "expected"),
    [
        ("宁安市退休人员按人均养老金的2%划入个人账户", ["宁安市"], "@宁安市|2%"),
        ("海城退休人员按人均养老金的2.2%划入个人账户", ["海城市"], "@海城市|2.2%"),
        ("70周岁以下每月１２０元，70周岁及以上每月150元", [], "70周岁|每月|120元|70周岁|每月|150元"),
        ("比例为百分之二点五", [], "百分之二点五"),
        ("年度划入1,680元/年", [], "1680元/年"),
        ("2025年起实行新的办法", [], ""),  # a year alone is no value
        ("一、线上查询方法", [], ""),  # list numbering is no value
        ("3、年龄影响因素", [], ""),
        ("本文带您了解宁安市医保卡怎么查", ["宁安市"], ""),  # place without a value: no signature
    ],
)
def test_value_signature(text: str, places: list[str], expected: str) -> None:
    assert value_signature(text, places) == expected


def test_value_signature_tells_the_trap_apart() -> None:
    """City and amount swapped: one template, two different pieces of evidence."""
    a = "宁安市退休人员每月按当地上年度人均基本养老金的2%划入个人账户。"
    b = "海城市退休人员每月按当地上年度人均基本养老金的2.2%划入个人账户。"
    assert mask_template(a, ["宁安市"]) == mask_template(b, ["海城市"])
    assert value_signature(a, ["宁安市"]) != value_signature(b, ["海城市"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("在城市里，晋中市每月100元", "@晋中市|每月|100元"),  # 城市 is no place
        ("北京每月100元", "@北京市|每月|100元"),  # short names from the region table
        ("上海每月100元", "@上海市|每月|100元"),
        ("比如宁安市每月100元", "@宁安市|每月|100元"),  # a county by its full name, not "比如宁安市"
        ("各地区每月100元", "每月|100元"),
    ],
)
def test_value_signature_names_places_found_in_the_text(text: str, expected: str) -> None:
    assert value_signature(text) == expected


def test_find_places_spans_do_not_overlap_and_prefer_given_places() -> None:
    text = normalise("资阳市和资阳的退休人员，以及成都")
    spans = find_places(text, ["资阳市"])
    assert [(text[s:e], name) for s, e, name in spans] == [("资阳市", "资阳市"), ("资阳", "资阳市"), ("成都", "成都市")]


@pytest.mark.parametrize(
    ("text", "size", "distinct"),
    [("abcd", 3, 2), ("ab", 3, 1), ("", 3, 1), ("abcabc", 3, 3), ("每月划入每月划入", 2, 4)],
)
def test_shingle_hashes_count_distinct_ngrams(text: str, size: int, distinct: int) -> None:
    assert len(shingle_hashes(text, size)) == distinct


def test_shingle_hashes_are_stable_and_shared_by_shared_ngrams() -> None:
    a, b = shingle_hashes("医保账户每月划入", 3), shingle_hashes("账户每月划入金额", 3)
    assert list(a) == list(shingle_hashes("医保账户每月划入", 3))
    assert len(set(a.tolist()) & set(b.tolist())) == 4  # 账户每 户每月 每月划 月划入


def reference_normalise(text: str) -> str:
    """normalise as specified: NFKC, PUNCT_MAP, lower case, then the whitespace and mark rules."""
    out = unicodedata.normalize("NFKC", text).translate(PUNCT_MAP).lower()
    out = WHITESPACE.sub(" ", out).strip()
    out = SPACE_NEAR_CJK.sub("", out)
    out = THOUSANDS_COMMA.sub("", out)
    return REPEATED_PUNCT.sub(r"\1", out)


PUNCT_MAP_KEYS = [chr(code) for code in PUNCT_MAP]
# Characters where folding before NFKC could go wrong: full-width forms, PUNCT_MAP's keys, marks
# that compose with a preceding letter, compatibility characters that expand (…, ①, ㎡, ﬁ, ‼),
# half-width katakana with a voicing mark, Hangul jamo, CJK and ASCII.
TRICKY = ("ＡａＺ０９！？，．：；～（）　" + "".join(PUNCT_MAP_KEYS) + "\u0301\u0308\u3099ｶﾞﾟ…①㎡ﬁ‼\u2329\u232a"
          "\u1100\u1161가医保账户元 aZ09,.!?~\n\t")


@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=40) | st.text(max_size=40))
def test_normalise_equals_its_reference_definition(text: str) -> None:
    assert normalise(text) == reference_normalise(text)


@pytest.mark.parametrize("text", ["Ａ\u0301", "…", "‼？", "①㎡ﬁ", "ｶﾞ", "\u1100\u1161", "\u2329医保\u232a", "１，８００元"])
def test_normalise_equals_its_reference_on_characters_nfkc_rewrites(text: str) -> None:
    assert normalise(text) == reference_normalise(text)


@given(st.text(max_size=80))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(st.text(max_size=80))
def test_mask_template_never_raises_and_is_stable(text: str) -> None:
    assert mask_template(text, ["宁安市"]) == mask_template(text, ["宁安市"])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("二、线下办理渠道", "三、线下办理渠道"),  # list position differs between articles
        ("1.到窗口办理", "4.到窗口办理"),
        ("（2）电话咨询", "电话咨询"),
    ],
)
def test_mask_template_drops_leading_list_markers(a: str, b: str) -> None:
    assert mask_template(a) == mask_template(b)


def test_mask_template_keeps_a_leading_decimal_as_a_number() -> None:
    assert mask_template("1.5倍计入") == NUMBER_MARK + "计入"


@pytest.mark.parametrize(("text", "same_as_without"), [
    ("退休人员每月划入个人账户100元。", True),     # the article's city does not occur
    ("大同退休人员每月划入个人账户100元。", False),  # it does, in a short form found only as
    ("大同的退休人员每月划入100元。", False),        # the article's city (not in free text)
])
def test_a_paragraph_without_the_articles_places_is_read_as_without_them(text, same_as_without):
    from pipelines.normalise import _template_and_signature

    _template_and_signature.cache_clear()  # computed afresh, not taken from an earlier test
    with_places = template_and_signature(text, ("大同市",))
    assert (with_places == template_and_signature(text, ())) is same_as_without
