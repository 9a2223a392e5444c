"""Credit-rule values: when two statements agree or refine each other, and how they merge.

Agreement rules (DESIGN.md "Reconciliation" 2), each with a test in tests/test_reconcile.py:
- the same ratio range (and the same or an unstated base) agrees, whatever illustrative
  monthly amounts come with it; an approximate single ratio (2%左右) inside a stated range
  (2%~3%) agrees with it and the range is kept;
- an approximate amount with no method beside a ratio rule refines it: the value keeps
  method ``ratio`` and its ratios, takes ``monthly_yuan`` from the amount, ``approximate`` true;
- two amounts agree when their monthly figures are within ``MONTHLY_TOLERANCE_YUAN``
  (1680元/年 = 140元/月), or within ``APPROXIMATE_RELATIVE_TOLERANCE`` when one says 约/左右;
- a deduction stated by one source and not another is kept; two different deductions disagree.
Everything else — different amounts, different ratio ranges or bases, a fixed amount
beside a ratio rule, an exact amount of unknown method beside a ratio — disagrees.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Any, TypeVar

from extractors.keys import canonical_json
from extractors.records import Claim

# The value fields of a credit rule, in the order of DESIGN.md "credit_rules".
VALUE_FIELDS = (
    "method",
    "monthly_yuan",
    "ratio_min",
    "ratio_max",
    "base",
    "approximate",
    "deduction_yuan",
)
# Fields whose difference makes a conflict; `approximate` alone never does (约100元 and 100元 agree).
CONFLICT_FIELDS = ("method", "monthly_yuan", "ratio_min", "ratio_max", "base", "deduction_yuan")
# Yearly figures divided by 12 and then rounded to the yuan (1000元/年 → 83.33 vs "83元") differ by < 0.5.
MONTHLY_TOLERANCE_YUAN = 0.5
# "约100元" / "100元左右" covers a few percent either side (98元, 105元 are the same statement).
APPROXIMATE_RELATIVE_TOLERANCE = 0.05
# Percent → fraction conversions leave float noise (2.8/100 = 0.027999…); ratios closer than this are equal.
RATIO_TOLERANCE = 1e-6
# Digits kept when a value is written as canonical JSON (yuan to the fen, ratios to 1e-6).
YUAN_DIGITS = 2
RATIO_DIGITS = 6
# Distinct stated values remembered by `claim_value` (Values are immutable, so equal statements share
# one): a site states a handful of values thousands of times.
VALUE_CACHE_SIZE = 4_096

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Value:
    """The value fields of one credit rule or one claim."""

    method: str | None = None
    monthly_yuan: float | None = None
    ratio_min: float | None = None
    ratio_max: float | None = None
    base: str | None = None
    approximate: bool = False
    deduction_yuan: float | None = None

    @property
    def is_ratio(self) -> bool:
        """A ratio rule: method ratio or any ratio stated."""
        return self.method == "ratio" or self.ratio_min is not None or self.ratio_max is not None

    def rounded(self) -> dict[str, Any]:
        """Fields as a dict with amounts and ratios rounded, for comparison and JSON."""
        fields = asdict(self)
        for name in ("monthly_yuan", "deduction_yuan"):
            fields[name] = _round(fields[name], YUAN_DIGITS)
        for name in ("ratio_min", "ratio_max"):
            fields[name] = _round(fields[name], RATIO_DIGITS)
        return fields

    def to_json(self) -> str:
        """Canonical JSON (sorted keys) — the `value` of a Candidate and `chosen` of a Conflict."""
        return canonical_json(self.rounded())


def _round(number: float | None, digits: int) -> float | None:
    return None if number is None else round(float(number), digits)


def claim_value(claim: Claim) -> Value:
    """The value a claim states, amounts and ratios rounded so equal statements are equal values."""
    return _value(claim.method, claim.monthly_yuan, claim.ratio_min, claim.ratio_max, claim.base,
                  claim.approximate, claim.deduction_yuan)


@lru_cache(maxsize=VALUE_CACHE_SIZE)
def _value(method: str | None, monthly_yuan: float | None, ratio_min: float | None, ratio_max: float | None,
           base: str | None, approximate: bool, deduction_yuan: float | None) -> Value:
    return Value(
        method=method,
        monthly_yuan=_round(monthly_yuan, YUAN_DIGITS),
        ratio_min=_round(ratio_min, RATIO_DIGITS),
        ratio_max=_round(ratio_max, RATIO_DIGITS),
        base=base,
        approximate=approximate,
        deduction_yuan=_round(deduction_yuan, YUAN_DIGITS),
    )


def amounts_agree(a: float | None, b: float | None, *, approximate: bool = False) -> bool:
    """Two monthly amounts are the same statement (an unstated amount agrees with anything)."""
    if a is None or b is None:
        return True
    difference = abs(a - b)
    if difference <= MONTHLY_TOLERANCE_YUAN:
        return True
    return approximate and difference <= APPROXIMATE_RELATIVE_TOLERANCE * max(abs(a), abs(b))


def _ratios_agree(a: Value, b: Value) -> bool:
    """Same ratio range; or an approximate single ratio (2%左右) inside the other's range (2%~3%)."""
    pairs = ((a.ratio_min, b.ratio_min), (a.ratio_max, b.ratio_max))
    if all(x is None or y is None or abs(x - y) <= RATIO_TOLERANCE for x, y in pairs):
        return True
    return _approx_point_within(a, b) or _approx_point_within(b, a)


def _approx_point_within(point: Value, span: Value) -> bool:
    low, high = point.ratio_min, point.ratio_max
    if not point.approximate or low is None or high is None or abs(high - low) > RATIO_TOLERANCE:
        return False
    if span.ratio_min is None or span.ratio_max is None:
        return False
    return span.ratio_min - RATIO_TOLERANCE <= low <= span.ratio_max + RATIO_TOLERANCE


def _refines_ratio(amount: Value) -> bool:
    """An amount that can sit beside a ratio rule: an approximate figure of unstated method."""
    return amount.method is None and amount.approximate


def compatible(a: Value, b: Value) -> bool:
    """Do two values agree or only refine each other?"""
    if not amounts_agree(a.deduction_yuan, b.deduction_yuan):
        return False
    if a.is_ratio and b.is_ratio:
        return _ratios_agree(a, b) and (a.base is None or b.base is None or a.base == b.base)
    if a.is_ratio or b.is_ratio:
        return _refines_ratio(b if a.is_ratio else a)
    if a.method is not None and b.method is not None and a.method != b.method:
        return False
    return amounts_agree(a.monthly_yuan, b.monthly_yuan, approximate=a.approximate or b.approximate)


def _mode(values: Iterable[tuple[T | None, int]]) -> T | None:
    """Most frequent non-null value by weight; ties go to the smallest, so the result is deterministic."""
    counts: Counter[T] = Counter()
    for value, weight in values:
        if value is not None:
            counts[value] += weight
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))


def merge_values(values: Sequence[Value], weights: Sequence[int] | None = None) -> Value:
    """One value from values that are pairwise compatible; ``weights`` = how many claims state each."""
    weighted = list(zip(values, weights or [1] * len(values), strict=True))
    ratios = [(v, w) for v, w in weighted if v.is_ratio]
    deduction = _mode((v.deduction_yuan, w) for v, w in weighted)
    if ratios:
        return _merge_ratio(ratios, [(v, w) for v, w in weighted if not v.is_ratio], deduction)
    exact = [(v, w) for v, w in weighted if not v.approximate and v.monthly_yuan is not None]
    return Value(
        method="fixed" if any(v.method == "fixed" for v in values) else None,
        monthly_yuan=_mode((v.monthly_yuan, w) for v, w in (exact or weighted)),
        approximate=not exact and any(v.approximate for v in values),
        deduction_yuan=deduction,
    )


Weighted = Sequence[tuple[Value, int]]


def _merge_ratio(ratios: Weighted, amounts: Weighted, deduction: float | None) -> Value:
    """A ratio rule, refined by the approximate amounts stated beside it."""
    exact = [(v, w) for v, w in ratios if not v.approximate]
    stated = exact or ratios  # 2%~3% stated exactly refines "2%左右"
    monthly = _mode((v.monthly_yuan, w) for v, w in amounts) or _mode(
        (v.monthly_yuan, w) for v, w in ratios
    )
    return Value(
        method="ratio",
        monthly_yuan=monthly,
        ratio_min=_mode((v.ratio_min, w) for v, w in stated),
        ratio_max=_mode((v.ratio_max, w) for v, w in stated),
        base=_mode((v.base, w) for v, w in ratios),
        # the monthly figure beside a ratio is an estimate; the ratio is exact once any source states it exactly
        approximate=bool(amounts) or all(v.approximate for v, _ in ratios),
        deduction_yuan=deduction,
    )


def _specificity(value: Value) -> tuple[Any, ...]:
    """Order in which statements seed groups: ratio rules, then fixed, then bare, exact before approximate."""
    kind = 0 if value.is_ratio else (1 if value.method == "fixed" else 2)
    rounded = value.rounded()
    numbers = tuple(
        -1.0 if rounded[f] is None else rounded[f]
        for f in ("ratio_min", "ratio_max", "monthly_yuan")
    )
    return (kind, value.approximate, numbers, value.to_json())


def group_compatible(
    items: Sequence[T], value_of: Callable[[T], Value], weight_of: Callable[[list[T]], int] = len
) -> list[tuple[Value, list[T]]]:
    """Partition items into groups of agreeing values; each group with its merged value.

    Equal values are pooled first, so the work grows with the number of distinct values, not
    of items (a boilerplate rule is stated by thousands of claims with one value). Values are
    then taken most specific first and each joins the first group it agrees with, so an
    approximate amount refines the ratio rule seen before it. ``weight_of`` says how much the
    items stating one value count when agreeing amounts merge (reconcile: independent sources,
    so copies of a boilerplate paragraph cannot sway the figure). Deterministic for a given input.
    """
    pooled: dict[Value, list[T]] = {}
    for item in items:
        pooled.setdefault(value_of(item), []).append(item)
    groups: list[tuple[Value, list[Value]]] = []
    for value in sorted(pooled, key=_specificity):
        for index, (merged, members) in enumerate(groups):
            if compatible(merged, value):
                members.append(value)
                weights = [weight_of(pooled[m]) for m in members]
                groups[index] = (merge_values(members, weights), members)
                break
        else:
            groups.append((value, [value]))
    return [(merged, [item for m in members for item in pooled[m]]) for merged, members in groups]


def differing_fields(values: Sequence[Value]) -> tuple[str, ...]:
    """Conflict fields on which the values do not all agree."""
    rounded = [v.rounded() for v in values]
    return tuple(f for f in CONFLICT_FIELDS if len({r[f] for r in rounded}) > 1)


def common_value(values: Sequence[Value]) -> Value:
    """The fields all values agree on; fields they disagree on are left empty (unresolved rows)."""
    first = values[0]
    cleared = {f: None for f in differing_fields(values)}
    approximate = all(v.approximate for v in values)
    return replace(first, **cleared, approximate=approximate)


def apply_override(base: Value | None, fields: dict[str, Any]) -> Value:
    """An override's value: a whole replacement when it sets `method`, else a patch over ``base``."""
    if "method" in fields or base is None:
        return Value(**{"approximate": False, **fields})
    return replace(base, **fields)
