"""Number spans: ASCII, full-width, thousands separators, Chinese numerals, 万, ranges; vague amounts skipped."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.numbers import NumberFormatError, find_amounts, find_percents, parse_number

FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@pytest.mark.parametrize(
    ("span", "value"),
    [
        ("100", 100.0),
        ("１００", 100.0),
        ("1,800", 1800.0),
        ("157.5", 157.5),
        ("２．８", 2.8),
        ("一百二十", 120.0),
        ("九十五", 95.0),
        ("一百零五", 105.0),
        ("两百", 200.0),
        ("二点五", 2.5),
        ("一千八百", 1800.0),
        ("壹佰贰拾", 120.0),  # the numerals of forms and receipts
    ],
)
def test_parse_number(span: str, value: float) -> None:
    assert parse_number(span) == value


@pytest.mark.parametrize("span", ["", "百", "万", "abc"])
def test_parse_number_rejects_non_numbers(span: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_number(span)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("每人每月１２０元", [(120.0, None)]),
        ("每年划入1,800元", [(1800.0, None)]),
        ("标准为一百二十元", [(120.0, None)]),
        ("全年1680元/年", [(1680.0, "year")]),
        ("每人95元/月", [(95.0, "month")]),
        ("标准为100元/人·月", [(100.0, "month")]),
        ("标准为1200元/人/年", [(1200.0, "year")]),
        ("一次性补助1.2万元", [(12000.0, None)]),
        ("九江市每月八十五元", [(85.0, None)]),  # 九江 stays a name: only the span is converted
        ("统一按七十元执行", [(70.0, None)]),
        ("只有几十元", []),
        ("数十元到上百元", []),
        ("缴费基数5000元", [(5000.0, None)]),  # 基数 is no vague 数
        ("每月划入￥100", [(100.0, None)]),  # a yuan sign before the number
        ("标准为¥1,680/年", [(1680.0, "year")]),
        ("2026年1月起每月100元", [(100.0, None)]),  # bare numbers are no amounts
        ("十几元", []),
        ("每月100多元", []),
        ("100余元", []),
        ("每月100-120元", []),  # a range of amounts is no single value
        ("每月100元至120元不等", []),
        ("拨打12333查询", []),  # no unit, no amount
    ],
)
def test_find_amounts(text: str, values: list[tuple[float, str | None]]) -> None:
    assert [(a.value, a.period) for a in find_amounts(text)] == values


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("按2.8%划入", [(0.028, 0.028)]),
        ("按２．８％划入", [(0.028, 0.028)]),
        ("2%~3%的比例", [(0.02, 0.03)]),
        ("2%至3%", [(0.02, 0.03)]),
        ("2%—3%", [(0.02, 0.03)]),
        ("2%-3%", [(0.02, 0.03)]),
        ("2～3%", [(0.02, 0.03)]),
        ("2%到3%", [(0.02, 0.03)]),
        ("百分之二点五", [(0.025, 0.025)]),
        ("百分之二到百分之三", [(0.02, 0.03)]),
        ("比例在2%~3%之间", [(0.02, 0.03)]),
        ("没有比例", []),
    ],
)
def test_find_percents(text: str, ranges: list[tuple[float, float]]) -> None:
    assert [(p.low, p.high) for p in find_percents(text)] == ranges


integers = st.integers(min_value=0, max_value=99_999_999)
decimals = st.decimals(
    min_value=0, max_value=99_999, places=2, allow_nan=False, allow_infinity=False
)


@given(integers)
def test_integers_round_trip_in_every_writing(n: int) -> None:
    for written in (str(n), str(n).translate(FULLWIDTH), f"{n:,}", cn2an.an2cn(str(n))):
        assert parse_number(written) == n, written


@given(decimals)
def test_decimals_round_trip_in_every_writing(d: object) -> None:
    text = format(d, "f")
    value = float(text)
    for written in (text, text.translate(FULLWIDTH), cn2an.an2cn(text)):
        assert parse_number(written) == pytest.approx(value), written


@given(integers.filter(lambda n: n > 0))
def test_amount_found_whatever_the_writing(n: int) -> None:
    for written in (str(n), f"{n:,}", str(n).translate(FULLWIDTH), cn2an.an2cn(str(n))):
        (amount,) = find_amounts(f"退休人员每月划入{written}元。")
        assert amount.value == n, written
