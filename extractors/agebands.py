"""Age bands of credit rules as half-open intervals [age_min, age_max), read from Chinese age phrases.

Chinese law counts 以上/以下 as including the number (民法典 第1259条): "70岁以下" alone is
[None, 71). When a page pairs two bands that meet on one age ("70岁以下 … 70岁及以上"), the
lower band is < X: ``close_pairs`` cuts it to [None, 70).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from extractors.numbers import NUMBER, NumberFormatError, halfwidth, parse_number

AGE_UNIT = "岁"  # every age phrase ends its age with it (_age_re): a text without it names no age


def _age_re(group: str) -> str:
    """Regex of an age (a number then 岁 or 周岁) with the number in ``group``."""
    return rf"(?P<{group}>{NUMBER})\s*周?{AGE_UNIT}"


def _incl_re(group: str) -> str:
    """Regex of an optional "(含)" / "（含70岁）" / "(不含)" after an age, the 含/不含 in ``group``."""
    return rf"\s*(?:[(（](?P<{group}>不?含)[^)）]{{0,6}}[)）])?\s*"


# Upper bounds: 不满/未满/低于/不到 X岁 (exclusive) or X岁(含)以下 (inclusive by law).
_BELOW_PREFIX = re.compile(r"(?:不满|未满|低于|小于|不足|不到|未达|未到)\s*" + _age_re("n"))
_BELOW_SUFFIX = re.compile(
    _age_re("n") + _incl_re("inc") + r"(?:及其?以下|以下|以内|之下)" + _incl_re("inc2")
)
# Before and after an age: 70周岁前 / 70岁之前 (exclusive), 70周岁后 / 70岁以后 (from the birthday on).
_BEFORE_AGE = re.compile(_age_re("n") + r"\s*(?:之前|以前|前)")
_AFTER_AGE = re.compile(_age_re("n") + r"\s*(?:之后|以后|后)")
# Lower bounds: 年满/满/达到 X岁 or X岁(含)及以上 (inclusive); 超过/高于 X岁 (exclusive).
_ABOVE_PREFIX = re.compile(r"(?P<w>年满|已满|满|达到|超过|高于|大于)\s*" + _age_re("n"))
_ABOVE_SUFFIX = re.compile(
    _age_re("n") + _incl_re("inc") + r"(?:及其?以上|以上|之上)" + _incl_re("inc2")
)
# Ranges: 70周岁至79周岁, 70-79岁, 70～79周岁 (the upper age is included unless marked 不含).
_RANGE = re.compile(
    rf"(?P<a>{NUMBER})\s*(?:周?岁)?"
    + _incl_re("ainc")
    + r"(?:至|到|~|—|–|-)\s*"
    + _age_re("b")
    + _incl_re("binc")
)
# Words joining a lower and an upper bound into one band (年满70周岁不满80周岁, 70岁以上、80岁以下).
_JOIN = re.compile(r"^\s*(?:、|，|,|且|但|而|并且)?\s*$")
# Ages outside this window are not ages of retirees (a year like 2025岁 is a misparse).
MIN_AGE, MAX_AGE = 16, 120


class AgeBandError(ValueError):
    """An age phrase whose bounds do not make an interval (e.g. 80岁至70岁)."""


@dataclass(frozen=True, slots=True)
class AgeBand:
    """A half-open age interval [age_min, age_max); None means unbounded on that side."""

    age_min: int | None
    age_max: int | None


@dataclass(frozen=True, slots=True)
class AgeMention:
    """An age band found in a text, with its character span."""

    band: AgeBand
    start: int
    end: int


ANY_AGE = AgeBand(None, None)


def _age(text: str) -> int:
    """An age in whole years from a number span; AgeBandError outside MIN_AGE..MAX_AGE."""
    try:
        value = parse_number(text)
    except NumberFormatError as exc:
        raise AgeBandError(str(exc)) from exc
    if value != int(value) or not MIN_AGE <= value <= MAX_AGE:
        raise AgeBandError(f"not an age: {text!r}")
    return int(value)


def _range(m: re.Match[str]) -> AgeBand:
    """70周岁至79周岁 → [70, 80); 70岁(不含)至80岁(不含) → [71, 80)."""
    low, high = _age(m.group("a")), _age(m.group("b"))
    low += 1 if m.group("ainc") == "不含" else 0
    high += 0 if m.group("binc") == "不含" else 1
    if low >= high:
        raise AgeBandError(f"empty age range: {m.group()!r}")
    return AgeBand(low, high)


def _below_suffix(m: re.Match[str]) -> AgeBand:
    """70岁以下 → [None, 71) by law; 70岁(不含)以下 → [None, 70)."""
    return AgeBand(
        None, _age(m.group("n")) + (0 if "不含" in (m.group("inc"), m.group("inc2")) else 1)
    )


def _above_suffix(m: re.Match[str]) -> AgeBand:
    """70岁及以上 / 70岁以上 → [70, None); 70岁(不含)以上 → [71, None)."""
    return AgeBand(
        _age(m.group("n")) + (1 if "不含" in (m.group("inc"), m.group("inc2")) else 0), None
    )


def _above_prefix(m: re.Match[str]) -> AgeBand:
    """年满70周岁 → [70, None); 超过70岁 → [71, None)."""
    strict = m.group("w") in ("超过", "高于", "大于")
    return AgeBand(_age(m.group("n")) + (1 if strict else 0), None)


# Patterns in order of precedence: a range wins over the bounds inside it.
_PATTERNS = (
    (_RANGE, _range),
    (_BELOW_PREFIX, lambda m: AgeBand(None, _age(m.group("n")))),
    (_BELOW_SUFFIX, _below_suffix),
    (_ABOVE_SUFFIX, _above_suffix),
    (_ABOVE_PREFIX, _above_prefix),
    (_BEFORE_AGE, lambda m: AgeBand(None, _age(m.group("n")))),
    (_AFTER_AGE, lambda m: AgeBand(_age(m.group("n")), None)),
)


def _raw_mentions(text: str) -> list[AgeMention]:
    """Every single-bound or range phrase, non-overlapping, earliest and highest precedence first."""
    if AGE_UNIT not in text:  # every pattern needs an age (…岁): most sentences have none, no regex runs
        return []
    taken: list[AgeMention] = []
    for pattern, build in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < t.end and t.start < m.end() for t in taken):
                continue
            try:
                taken.append(AgeMention(build(m), m.start(), m.end()))
            except AgeBandError:
                continue
    return sorted(taken, key=lambda t: t.start)


def _join(first: AgeMention, second: AgeMention, text: str) -> AgeMention | None:
    """年满70周岁不满80周岁 → one band [70, 80) when a lower bound meets an upper bound."""
    lower, upper = first.band, second.band
    if lower.age_max is not None or upper.age_min is not None or lower.age_min is None:
        return None
    if upper.age_max is None or upper.age_max <= lower.age_min:
        return None
    if not _JOIN.match(text[first.end : second.start]):
        return None
    return AgeMention(AgeBand(lower.age_min, upper.age_max), first.start, second.end)


def find_age_bands(text: str) -> list[AgeMention]:
    """Age bands named in ``text``, in order (a lower and an upper bound side by side make one)."""
    text = halfwidth(text)
    raw = _raw_mentions(text)
    out: list[AgeMention] = []
    for mention in raw:
        joined = _join(out[-1], mention, text) if out else None
        if joined is not None:
            out[-1] = joined
        else:
            out.append(mention)
    return out


def parse_age_band(text: str) -> AgeBand | None:
    """The first age band in ``text``, or None when it names none."""
    found = find_age_bands(text)
    return found[0].band if found else None


def close_pairs(bands: Iterable[AgeBand]) -> dict[AgeBand, AgeBand]:
    """Map each band to itself, or — when another band starts at X and this one ends at X+1
    by the inclusive reading (70岁以下 next to 70岁及以上) — to the band cut at X."""
    bands = list(dict.fromkeys(bands))
    starts = {b.age_min for b in bands if b.age_min is not None}
    fixed = {}
    for band in bands:
        if band.age_max is not None and band.age_max - 1 in starts:
            fixed[band] = replace(band, age_max=band.age_max - 1)
        else:
            fixed[band] = band
    return fixed
