"""Drafts of one article → Claims: age bands paired across the article, sanity bounds, repeats merged.

Across the article, per place: 70岁以下 meets 70岁及以上 at 70, an open band stops where the next
starts, a retirees' band from 60 or below has no lower bound, a band-less amount beside bands is for
those below them, and a band-less value that a band already states is no rule of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from extractors.agebands import AgeBand, close_pairs
from extractors.records import Claim, new_claim

if TYPE_CHECKING:
    from extractors.claims import Evidence

# Monthly credits outside this range are misreads (a pension of 3700元, a fee of 1元), not rules.
MIN_MONTHLY_YUAN, MAX_MONTHLY_YUAN = 5.0, 1000.0
# Ratios above 12% are reimbursement or contribution rates, not account credits.
MAX_RATIO = 0.12
MONTHS_PER_YEAR = 12
# Retirees are this old or younger when they retire: for them "60岁以上" is everyone, no lower bound.
RETIREMENT_AGE = 60
# The band of a claim whose draft names none (one shared instance: AgeBand is immutable).
ALL_AGES = AgeBand(None, None)


def drafts_to_claims(found: Sequence[Evidence], article_id: str) -> list[Claim]:
    """Claims of an article: bands paired per place, each rule once with its other evidence."""
    found = _pair_bands(found)
    claims = [c for e in found if (c := _claim(e, article_id)) is not None]
    return _without_restatements(_complement_bands(_merge(claims)))


def _complement_bands(claims: list[Claim]) -> list[Claim]:
    """福州市…每月划入110元。70周岁以上的每月多划入10元。: across sentences too, a place's band-less
    amount beside bands that all start at some age is for those below the lowest (see
    claimplaces._complement_bands for one sentence); a value a band states is left to
    _without_restatements."""
    lowest: dict[tuple, int | None] = {}
    for c in claims:
        if _is_banded(c) and c.monthly_yuan is not None:
            key = (c.region_code, c.population)
            low = lowest.get(key, c.age_min)
            lowest[key] = None if low is None or c.age_min is None else min(low, c.age_min)
    banded_values = {_value_key(c) for c in claims if _is_banded(c)}
    out = []
    for c in claims:
        below = lowest.get((c.region_code, c.population))
        bandless = c.monthly_yuan is not None and not _is_banded(c)
        if bandless and below is not None and _value_key(c) not in banded_values:
            c = replace(c, age_max=below)
        out.append(c)
    return _merge(out) if out != claims else claims


def _value_key(claim: Claim) -> tuple:
    """A rule without its age band: place, people and values."""
    return (
        claim.region_code,
        claim.population,
        claim.monthly_yuan,
        claim.ratio_min,
        claim.ratio_max,
    )


def _without_restatements(claims: list[Claim]) -> list[Claim]:
    """A band-less value that an age band of the same place already states (a sentence restating a
    table row: 表中拉萨市…分别为每月120元和140元) is no rule of its own: its sentence joins the
    banded claim's evidence."""
    banded = {_value_key(c) for c in claims if _is_banded(c)}
    restated: dict[tuple, list[str]] = defaultdict(list)
    kept = []
    for claim in claims:
        if not _is_banded(claim) and _value_key(claim) in banded:
            restated[_value_key(claim)] += [claim.evidence, *claim.evidence_more]
        else:
            kept.append(claim)
    return [
        _with_evidence(c, restated.get(_value_key(c), ())) if _is_banded(c) else c for c in kept
    ]


def _is_banded(claim: Claim) -> bool:
    """True for a claim about an age band rather than all ages."""
    return claim.age_min is not None or claim.age_max is not None


def _with_evidence(claim: Claim, sentences: Sequence[str]) -> Claim:
    """The claim with further sentences stating it added to its evidence (no repeats)."""
    more = list(claim.evidence_more)
    for sentence in sentences:
        if sentence != claim.evidence and sentence not in more:
            more.append(sentence)
    return (
        replace(claim, evidence_more=tuple(more)) if len(more) > len(claim.evidence_more) else claim
    )


def _pair_bands(found: Sequence[Evidence]) -> list[Evidence]:
    """70岁以下 next to 70岁及以上 for the same place: the lower band stops below 70."""
    bands: dict[tuple[str, str], list[AgeBand]] = defaultdict(list)
    for e in found:
        if e.draft.band is not None:
            bands[_place_key(e)].append(e.draft.band)
    if not bands:  # no value has an age band: nothing to pair
        return list(found)
    fixed = {
        key: _open_low_end(_stop_open_bands(close_pairs(values)), key)
        for key, values in bands.items()
    }
    out = []
    for e in found:
        band = fixed[_place_key(e)][e.draft.band] if e.draft.band is not None else None
        if band != e.draft.band:  # copy only what changes: most bands stand as read
            e = replace(e, draft=replace(e.draft, band=band))
        out.append(e)
    return out


def _stop_open_bands(fixed: dict[AgeBand, AgeBand]) -> dict[AgeBand, AgeBand]:
    """满80岁后…150元，满90岁后…200元: an open band stops where the next older one starts
    ([80, 90) and [90, ∞)), so one person is in one band."""
    starts = sorted({b.age_min for b in fixed.values() if b.age_min is not None})
    out = {}
    for raw, band in fixed.items():
        later = [s for s in starts if band.age_min is not None and s > band.age_min]
        open_band = band.age_min is not None and band.age_max is None
        out[raw] = AgeBand(band.age_min, later[0]) if open_band and later else band
    return out


def _open_low_end(fixed: dict[AgeBand, AgeBand], key: tuple[str, str]) -> dict[AgeBand, AgeBand]:
    """退休人员60岁以上每月90元, 60周岁至69周岁…: a retirees' lowest band starting at or below
    RETIREMENT_AGE has no lower bound — unless a band below it is stated (不满60周岁的…)."""
    if key[1] != "retiree":
        return fixed
    lows = [b.age_min for b in fixed.values()]
    if None in lows:
        return fixed
    lowest = min(low for low in lows if low is not None)
    if lowest > RETIREMENT_AGE:
        return fixed
    # 55岁以上…80元，70岁以上…100元: the open band of everyone stops where the next one starts
    above = min((low for low in lows if low is not None and low > lowest), default=None)
    return {
        raw: AgeBand(None, band.age_max or above) if band.age_min == lowest else band
        for raw, band in fixed.items()
    }


def _place_key(e: Evidence) -> tuple[str, str]:
    """Who a band is for: place and population."""
    return (e.draft.regions[0].code, e.draft.population)


def _claim(e: Evidence, article_id: str) -> Claim | None:
    """One Claim from one draft, or None when its value is out of the sane range (built once, with its
    values: a bare claim then ``replace`` cost a second construction per claim)."""
    d = e.draft
    if d.kind == "percent":
        if not 0 < d.low <= d.high <= MAX_RATIO:
            return None
        return _new_claim(e, article_id, method="ratio", ratio_min=d.low, ratio_max=d.high, base=d.base)
    period = d.period or "month"
    monthly = round(d.low / MONTHS_PER_YEAR if period == "year" else d.low, 2)
    if not MIN_MONTHLY_YUAN <= monthly <= MAX_MONTHLY_YUAN:
        return None
    return _new_claim(
        e,
        article_id,
        method=None if d.approximate else "fixed",  # a hedged amount is an outcome, not a fixed rule
        monthly_yuan=monthly,
        amount_yuan=d.low,
        period=period,
        deduction_yuan=d.deduction,
    )


def _new_claim(
    e: Evidence,
    article_id: str,
    *,
    method: str | None,
    monthly_yuan: float | None = None,
    amount_yuan: float | None = None,
    period: str | None = None,
    ratio_min: float | None = None,
    ratio_max: float | None = None,
    base: str | None = None,
    deduction_yuan: float | None = None,
) -> Claim:
    """A claim with the draft's place, people, band and provenance, and the given values."""
    d = e.draft
    band = d.band or ALL_AGES
    return new_claim(
        region=d.regions[0].name,
        region_code=d.regions[0].code,
        population=d.population,
        age_min=band.age_min,
        age_max=band.age_max,
        method=method,
        monthly_yuan=monthly_yuan,
        amount_yuan=amount_yuan,
        period=period,
        ratio_min=ratio_min,
        ratio_max=ratio_max,
        base=base,
        approximate=d.approximate,
        deduction_yuan=deduction_yuan,
        evidence=e.sentence,
        article_id=article_id,
        paragraph_ordinal=e.ordinal,
    )


def rule_key(claim: Claim) -> tuple:
    """What makes two claims the same rule: place, people, band, method and values."""
    return (
        claim.region_code,
        claim.population,
        claim.age_min,
        claim.age_max,
        claim.method,
        claim.monthly_yuan,
        claim.ratio_min,
        claim.ratio_max,
        claim.approximate,
    )


def _merge(claims: list[Claim]) -> list[Claim]:
    """One claim per rule; later statements add their sentence, base and deduction if missing."""
    merged: dict[tuple, Claim] = {}
    for claim in claims:
        key = rule_key(claim)
        first = merged.get(key)
        if first is None:
            merged[key] = claim
            continue
        more = first.evidence_more
        if claim.evidence != first.evidence and claim.evidence not in more:
            more = (*more, claim.evidence)
        merged[key] = replace(
            first,
            evidence_more=more,
            base=first.base or claim.base,
            deduction_yuan=first.deduction_yuan
            if first.deduction_yuan is not None
            else claim.deduction_yuan,
        )
    return list(merged.values())
