"""Numbers in rule sentences: yuan amounts and percentages, written in ASCII, full-width or Chinese numerals.

Only the matched number spans are converted (cn2an on the span): converting a whole text
turns 九江 into 9江 and 统一 into 统1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import cn2an

# Full-width digits and signs have one-character ASCII twins, so spans keep their offsets.
_HALFWIDTH = str.maketrans("０１２３４５６７８９．％～－／", "0123456789.%~-/")
_HAS_WIDE = re.compile("[０-９．％～－／]")
# A full-width comma between digits is a thousands separator (１，８００元), one character like ",".
_WIDE_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")
# Chinese numeral characters of a number span (两 for 两百; 〇 as a written zero; 壹贰…佰仟 as on forms).
CN_DIGITS = "零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟"
# A number as written: ASCII with optional thousands separators and decimals, or Chinese numerals.
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.\d+)?|[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?"
# Words that make an amount vague (几十元, 数十元, 上百元, 十几元, 100多元, 100余元): no rule value.
# 数 ends words too (缴费基数5000元, 人数): only a bare 数 before the number is vague.
_VAGUE_BEFORE = re.compile(r"(?:几|(?<![基参指倍系分人总次])数|好)$")
# 上百元, 上千元 are vague; 以上120元 is not (上 then an ASCII or 一百… number).
_VAGUE_SHANG = re.compile(r"上$")
_ROUND_UNITS = "百千万佰仟"
_VAGUE_AFTER = re.compile(r"(?:几|多|余|来)")
# A yuan amount: number, optional 万 (1.2万元), then 元 (or 块), or a yuan sign before it (￥100);
# a bare number is matched only to be skipped, and a range (100-120元) is not one value.
_AMOUNT = re.compile(rf"(?P<sign>[￥¥]\s*)?(?P<num>{NUMBER})(?P<wan>万)?\s*(?P<unit>元|块钱|块)?")
# What an amount needs besides its number: a unit (元, 块钱, 块) or a sign; a text without any has none.
AMOUNT_MARKS = ("元", "块", "￥", "¥")
# Chinese numeral characters that carry a value: a span of only 百/千/万 (百元, 万元) is a word, not a number.
_CN_VALUE = re.compile("[零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾]")
TEN_THOUSAND = 10_000
# A period written right after the amount: 元/年, 元/月, 元每月.
_PERIOD_AFTER = re.compile(r"\s*(?:/|每|一)(?:人\s*[·.•/]?\s*)?(?P<p>年|月)")
# A percentage: 2%, 2.8%, 百分之二点五, and ranges 2%~3%, 2~3%, 2%至3%, 2%—3%, 2%-3%, 百分之二到百分之三.
_RANGE_SEP = r"\s*(?:~|〜|～|至|到|—|–|-|－|－)\s*"
PERCENT_WORD = "百分之"  # a percentage is written with it or with % (full-width ％ is made % first)
_PERCENT = re.compile(
    rf"(?:百分之(?P<cn_low>{NUMBER})(?:{_RANGE_SEP}(?:百分之)?(?P<cn_high>{NUMBER}))?)"
    rf"|(?:(?P<low>{NUMBER})\s*%?(?:{_RANGE_SEP}(?P<high>{NUMBER}))?\s*%)"
)
# The lower end of a range of amounts just before a number (100- / 100元至), and the upper end after one.
_RANGE_HEAD = re.compile(rf"(?:{NUMBER})\s*(?:元)?{_RANGE_SEP}$")
_RANGE_TAIL = re.compile(rf"{_RANGE_SEP}(?:{NUMBER})\s*元")


# Cheap tests for text that may hold a value: a digit (any width), 百分之, or a Chinese numeral before 元/%.
# Three searches instead of one alternation: a pattern that opens with one character class is scanned
# for that class in C, an alternation is tried branch by branch at every position (1.4x slower).
_DIGIT = re.compile("[0-9０-９]")
_VALUE_UNIT = re.compile("[元块%％]")  # no unit, no Chinese-numeral value (most digitless paragraphs)
_CN_VALUE_BEFORE_UNIT = re.compile(rf"[{CN_DIGITS}]\s*(?:万\s*)?(?:元|块|%|％)")
# Boilerplate paragraphs and sentences repeat across articles: remember the test for this many texts.
VALUE_TEST_CACHE_SIZE = 16384


@lru_cache(maxsize=VALUE_TEST_CACHE_SIZE)
def may_hold_value(text: str) -> bool:
    """False when ``text`` certainly states no amount or percentage (most sentences): skip it early."""
    if _DIGIT.search(text) is not None or "百分之" in text:
        return True
    return _VALUE_UNIT.search(text) is not None and _CN_VALUE_BEFORE_UNIT.search(text) is not None


class NumberFormatError(ValueError):
    """A span that looked like a number could not be read as one."""


@dataclass(frozen=True, slots=True)
class Amount:
    """A yuan amount in a text: value as written, the period written right after it, its span."""

    value: float
    period: str | None  # "month" | "year" when the text says 元/月, 元/年; None otherwise
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Percent:
    """A percentage or a range of percentages, as fractions (2%~3% → 0.02, 0.03), with its span."""

    low: float
    high: float
    start: int
    end: int


def halfwidth(text: str) -> str:
    """Full-width digits and signs as ASCII; the text keeps its length, so spans stay valid."""
    if not _HAS_WIDE.search(text):  # the common case: nothing to translate
        return text
    return _WIDE_THOUSANDS.sub(",", text.translate(_HALFWIDTH))


def parse_number(span: str) -> float:
    """The value of one number span: 1,800 / １８００ / 1800.0 / 一千八百 / 二点五."""
    plain = halfwidth(span).strip().replace(",", "")
    if not plain:
        raise NumberFormatError("empty number span")
    if not plain[0].isdigit() and not _CN_VALUE.search(plain):
        raise NumberFormatError(f"no digit in {span!r}")
    if plain[0].isdigit():
        try:
            return float(plain)
        except ValueError as exc:
            raise NumberFormatError(f"not a number: {span!r}") from exc
    try:
        return float(cn2an.cn2an(plain, "normal"))
    except (ValueError, KeyError, IndexError) as exc:
        raise NumberFormatError(f"not a Chinese numeral: {span!r}") from exc


def _is_vague(text: str, start: int, end: int) -> bool:
    """True for 几十元, 数十元, 上百元, 十几元, 100多元: an order of magnitude, not a value."""
    if _VAGUE_SHANG.search(text, 0, start) and text[start] in _ROUND_UNITS:
        return True
    return bool(_VAGUE_BEFORE.search(text, 0, start) or _VAGUE_AFTER.match(text, end))


def _follows_range(text: str, start: int) -> bool:
    """True when the number is the upper end of a range of amounts (100-120元, 100至120元)."""
    return bool(_RANGE_HEAD.search(text[max(0, start - 12) : start]))


def find_amounts(text: str) -> list[Amount]:
    """Yuan amounts in ``text`` (vague ones and ranges of amounts left out), in order."""
    text = halfwidth(text)
    if not any(mark in text for mark in AMOUNT_MARKS):  # no unit, no sign: every number in it is bare
        return []
    found = []
    for match in _AMOUNT.finditer(text):
        start, end = match.span("num")
        if not (match.group("unit") or match.group("sign")):
            continue  # a bare number: a date, an age, a count
        if (
            _is_vague(text, start, end)
            or _follows_range(text, start)
            or _starts_range(text, match.end())
        ):
            continue
        try:
            value = parse_number(match.group("num"))
        except NumberFormatError:
            continue
        if match.group("wan"):
            value *= TEN_THOUSAND
        period = _PERIOD_AFTER.match(text, match.end())
        found.append(
            Amount(value, _period(period.group("p")) if period else None, start, match.end())
        )
    return found


def _starts_range(text: str, end: int) -> bool:
    """True when the amount is the lower end of a range (100元-120元)."""
    return bool(_RANGE_TAIL.match(text, end))


def _period(word: str) -> str:
    """'month' for 月, 'year' for 年."""
    return "year" if word == "年" else "month"


def find_percents(text: str) -> list[Percent]:
    """Percentages and ranges of them in ``text``, as fractions, in order."""
    text = halfwidth(text)
    if "%" not in text and PERCENT_WORD not in text:  # _PERCENT needs one of them: most amounts have neither
        return []
    found = []
    for match in _PERCENT.finditer(text):
        low_text = match.group("cn_low") or match.group("low")
        high_text = match.group("cn_high") or match.group("high") or low_text
        try:
            low, high = parse_number(low_text), parse_number(high_text)
        except NumberFormatError:
            continue
        found.append(Percent(round(low / 100, 6), round(high / 100, 6), match.start(), match.end()))
    return found
