"""Age phrases → half-open bands [age_min, age_max); 以上/以下 include the number unless paired."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.agebands import AgeBand, close_pairs, find_age_bands, parse_age_band


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("70岁以下的退休人员", (None, 71)),  # 民法典 1259: 以下 includes 70
        ("70岁及以上的退休人员", (70, None)),
        ("70岁以上的退休人员", (70, None)),
        ("74岁以下", (None, 75)),
        ("75岁及以上", (75, None)),
        ("不满70周岁的", (None, 70)),
        ("未满75周岁", (None, 75)),
        ("年满70周岁的", (70, None)),
        ("70周岁至79周岁的", (70, 80)),
        ("70-79岁", (70, 80)),
        ("70～79周岁", (70, 80)),
        ("80周岁及以上的", (80, None)),
        ("年满70周岁不满80周岁的", (70, 80)),
        ("70岁(含)以下", (None, 71)),
        ("70岁（不含）以下", (None, 70)),
        ("七十五周岁及以上", (75, None)),
        ("超过70岁的", (71, None)),
        ("７０岁以上", (70, None)),
        ("70周岁以下（不含70周岁）的", (None, 70)),  # the bracket after 以下 excludes 70
        ("八十周岁以上（含八十周岁）", (80, None)),
        ("70（含）—80周岁（不含）", (70, 80)),
        ("70周岁前", (None, 70)),
        ("70岁之前", (None, 70)),
        ("70周岁后", (70, None)),
        ("年满70周岁后", (70, None)),
        ("八十岁以后", (80, None)),
    ],
)
def test_parse_age_band(text: str, band: tuple[int | None, int | None]) -> None:
    assert parse_age_band(text) == AgeBand(*band)


@pytest.mark.parametrize("text", ["60岁和70岁退休人员", "2025年以后", "12333热线", "退休人员"])
def test_no_band_where_none_is_named(text: str) -> None:
    assert parse_age_band(text) is None


def test_bands_in_order_with_spans() -> None:
    text = "返款金额为100元（70岁以下）/110元（70岁以上）"
    found = find_age_bands(text)
    assert [m.band for m in found] == [AgeBand(None, 71), AgeBand(70, None)]
    assert text[found[0].start : found[0].end] == "70岁以下"


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        # 70岁以下 paired with 70岁及以上: the lower band is < 70
        ([(None, 71), (70, None)], [(None, 70), (70, None)]),
        # 74岁以下 … 75岁及以上 already meet at 75
        ([(None, 75), (75, None)], [(None, 75), (75, None)]),
        ([(None, 70), (70, 80), (80, None)], [(None, 70), (70, 80), (80, None)]),
        # 70岁至80岁 next to 80岁以上: the range stops below 80
        ([(70, 81), (80, None)], [(70, 80), (80, None)]),
        # alone, 70岁以下 keeps its legal reading
        ([(None, 71)], [(None, 71)]),
    ],
)
def test_close_pairs(bands: list[tuple], expected: list[tuple]) -> None:
    fixed = close_pairs(AgeBand(*b) for b in bands)
    assert [fixed[AgeBand(*b)] for b in bands] == [AgeBand(*e) for e in expected]


ages = st.integers(min_value=16, max_value=119)
writings = st.sampled_from(
    [
        str,
        lambda n: cn2an.an2cn(str(n)),
        lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ]
)


@given(ages, writings, st.sampled_from(["岁", "周岁"]))
def test_property_single_bounds(age: int, write, unit: str) -> None:
    n = write(age)
    assert parse_age_band(f"{n}{unit}以下") == AgeBand(None, age + 1)
    assert parse_age_band(f"{n}{unit}及以上") == AgeBand(age, None)
    assert parse_age_band(f"不满{n}{unit}") == AgeBand(None, age)
    assert parse_age_band(f"年满{n}{unit}") == AgeBand(age, None)


@given(ages, ages, writings)
def test_property_ranges(a: int, b: int, write) -> None:
    low, high = sorted((a, b))
    band = parse_age_band(f"{write(low)}周岁至{write(high)}周岁的退休人员")
    assert band == AgeBand(low, high + 1)


@given(ages)
def test_property_pairing_makes_bands_meet(x: int) -> None:
    found = [m.band for m in find_age_bands(f"{x}岁以下的每月100元，{x}岁及以上的每月110元")]
    fixed = close_pairs(found)
    assert [fixed[b] for b in found] == [AgeBand(None, x), AgeBand(x, None)]
