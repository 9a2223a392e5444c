"""Consistency checks a reviewer wants flagged in the reconciled rules and in the claims behind them.

Findings are for people (and for the Dagster asset checks, which decide which kinds block
a release); they never change the data.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractors.records import Claim
from pipelines.merge import MONTHLY_TOLERANCE_YUAN
from pipelines.records import CreditRule

# Kinds of finding, stable strings the asset checks select on.
AGE_BAND_OVERLAP = "age_band_overlap"
AGE_BAND_GAP = "age_band_gap"
YEARLY_MONTHLY_MISMATCH = "yearly_monthly_mismatch"
RATIO_OUT_OF_RANGE = "ratio_out_of_range"
AMOUNT_OUT_OF_RANGE = "amount_out_of_range"
NO_EVIDENCE = "no_evidence"
KINDS = (
    AGE_BAND_OVERLAP,
    AGE_BAND_GAP,
    YEARLY_MONTHLY_MISMATCH,
    RATIO_OUT_OF_RANGE,
    AMOUNT_OUT_OF_RANGE,
    NO_EVIDENCE,
)

# Credit ratios are a few percent of a pension or contribution base; above 10% is a misread number.
MAX_RATIO = 0.10
# The largest monthly credits seen are a few hundred yuan; above 1000 is a yearly figure read as monthly.
MAX_MONTHLY_YUAN = 1000.0
# Months in a year, for yearly figures.
MONTHS_PER_YEAR = 12


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a reviewer should look at: its kind (KINDS), the rule key and what is wrong."""

    kind: str
    key: str
    message: str


def _bound(value: int | None) -> str:
    return "-" if value is None else str(value)


def rule_key(
    region: str, region_code: str, population: str, age_min: int | None, age_max: int | None
) -> str:
    """A readable key, e.g. '北京市 110000 retiree [70, -)'."""
    return f"{region} {region_code} {population} [{_bound(age_min)}, {_bound(age_max)})"


def _key_of(rule: CreditRule) -> str:
    return rule_key(rule.region, rule.region_code, rule.population, rule.age_min, rule.age_max)


def check_rules(rules: Iterable[CreditRule]) -> list[Finding]:
    """Range checks on every rule and age-band checks within each region and population."""
    listed = list(rules)
    findings = [finding for rule in listed for finding in _check_rule(rule)]
    by_group: dict[tuple[str, str], list[CreditRule]] = defaultdict(list)
    for rule in listed:
        by_group[(rule.region_code, rule.population)].append(rule)
    for group in by_group.values():
        findings.extend(_check_bands(group))
    return findings


def _check_rule(rule: CreditRule) -> list[Finding]:
    """Ratios in (0, MAX_RATIO], amounts in (0, MAX_MONTHLY_YUAN], some evidence."""
    key, found = _key_of(rule), []
    for name in ("ratio_min", "ratio_max"):
        ratio = getattr(rule, name)
        if ratio is not None and not 0 < ratio <= MAX_RATIO:
            found.append(
                Finding(
                    RATIO_OUT_OF_RANGE, key, f"{name} {ratio:.4f} is outside (0, {MAX_RATIO:.2f}]"
                )
            )
    if rule.monthly_yuan is not None and not 0 < rule.monthly_yuan <= MAX_MONTHLY_YUAN:
        found.append(
            Finding(
                AMOUNT_OUT_OF_RANGE,
                key,
                f"monthly_yuan {rule.monthly_yuan:g} is outside (0, {MAX_MONTHLY_YUAN:g}]",
            )
        )
    if not rule.evidence:
        found.append(Finding(NO_EVIDENCE, key, "rule has no evidence sentence"))
    return found


def _interval(rule: CreditRule) -> tuple[float, float]:
    low = -math.inf if rule.age_min is None else float(rule.age_min)
    high = math.inf if rule.age_max is None else float(rule.age_max)
    return low, high


def _check_bands(rules: Sequence[CreditRule]) -> list[Finding]:
    """Overlapping bands (any pair) and gaps between consecutive bands of one region/population."""
    ordered = sorted(rules, key=_interval)
    found = []
    for index, rule in enumerate(ordered):
        low, high = _interval(rule)
        for other in ordered[index + 1 :]:
            other_low, other_high = _interval(other)
            if other_low < high and low < other_high:
                message = f"age band [{_bound(rule.age_min)}, {_bound(rule.age_max)}) overlaps [{_bound(other.age_min)}, {_bound(other.age_max)})"
                found.append(Finding(AGE_BAND_OVERLAP, _key_of(other), message))
    reach = -math.inf
    for previous, rule in zip(ordered, ordered[1:], strict=False):
        reach = max(reach, _interval(previous)[1])
        if _interval(rule)[0] > reach:
            message = (
                f"no rule covers ages [{reach:g}, {_interval(rule)[0]:g}) between two stated bands"
            )
            found.append(Finding(AGE_BAND_GAP, _key_of(rule), message))
    return found


def check_claims(claims: Iterable[Claim]) -> list[Finding]:
    """Claims whose monthly figure disagrees with the amount and period they were written with."""
    found = []
    for claim in claims:
        if (
            claim.amount_yuan is None
            or claim.monthly_yuan is None
            or claim.period not in ("month", "year")
        ):
            continue
        expected = claim.amount_yuan / (MONTHS_PER_YEAR if claim.period == "year" else 1)
        if abs(expected - claim.monthly_yuan) > MONTHLY_TOLERANCE_YUAN:
            key = rule_key(
                claim.region, claim.region_code, claim.population, claim.age_min, claim.age_max
            )
            message = (
                f"{claim.amount_yuan:g}元/{claim.period} is {expected:.2f}元/month, but monthly_yuan is "
                f"{claim.monthly_yuan:g} (article {claim.article_id}, paragraph {claim.paragraph_ordinal})"
            )
            found.append(Finding(YEARLY_MONTHLY_MISMATCH, key, message))
    return found
