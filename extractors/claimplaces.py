"""Places of the values of one sentence: lists spread by 分别, fallbacks, trailing places, complement bands."""

from __future__ import annotations

from dataclasses import replace

from extractors import claimrules as rules
from extractors.agebands import AgeBand
from extractors.drafts import Draft, SentenceContext
from extractors.regions import NATIONAL, Region, find_regions


def assign_places(drafts: list[Draft], text: str, ctx: SentenceContext) -> list[Draft]:
    """Places for drafts: 分别 spreads values over a list; a value with no place takes the fallback."""
    out: list[Draft] = []
    for regions, group in _by_regions(drafts):
        if not regions:
            group, regions = _unplaced(group, text, ctx)
        if len(regions) > 1 and (rules.RESPECTIVELY.search(text) or _one_value_each(regions, group)):
            out += _respectively(regions, group)
        else:
            out += [replace(d, regions=(r,)) for d in group for r in regions]
    return _complement_bands(out)


def _unplaced(
    group: list[Draft], text: str, ctx: SentenceContext
) -> tuple[list[Draft], tuple[Region, ...]]:
    """Values read under no place: the caller's fallback place, else — for ratios only — the
    nation when the sentence speaks generally (一般按2%划入); otherwise they are dropped."""
    trailing = _trailing_place(group, text)
    if trailing:
        return group, trailing
    if ctx.fallback and not rules.OTHER_PLACES.search(text) and not rules.SOME_PLACES.search(text):
        if ctx.fallback == (NATIONAL,):  # the nation states ratios, never one amount for everyone
            return [d for d in group if d.kind == "percent"], ctx.fallback
        return group, ctx.fallback
    if rules.NATIONAL_WEAK.search(text) and not rules.SOME_PLACES.search(text):
        return [d for d in group if d.kind == "percent"], (NATIONAL,)
    return [], ()


def _one_value_each(regions: tuple[Region, ...], group: list[Draft]) -> bool:
    """宁波、温州、绍兴三地每月划入120元、110元、100元: as many different unbanded values of one kind
    as places, in order, is one value per place even without 分别 (not every value for every place)."""
    return (
        len(group) == len(regions)
        and len({d.kind for d in group}) == 1
        and all(d.band is None for d in group)
        and len({(d.low, d.high) for d in group}) == len(group)
    )


def _trailing_place(group: list[Draft], text: str) -> tuple[Region, ...]:
    """The sentence's only place when it is named after its values (…按2.5%（贵阳市标准）), unless
    named in a comparison (…比上海高)."""
    places = {m.region: m for m in find_regions(text) if rules.is_subject(text, m.start, m.end)}
    if len(places) != 1:
        return ()
    (mention,) = places.values()
    if mention.start < group[-1].end or rules.COMPARISON.search(text, group[-1].end, mention.start):
        return ()
    return (mention.region,)


def _complement_bands(drafts: list[Draft]) -> list[Draft]:
    """退休人员每月120元，年满80周岁的每月150元: the unbanded amount is for those below the lowest band."""
    for draft in drafts:
        if draft.band is not None or draft.kind != "amount":
            continue
        peers = [
            d
            for d in drafts
            if d.kind == "amount"
            and d.regions == draft.regions
            and d.population == draft.population
        ]
        lows = [
            d.band.age_min if d.band and d.band.age_max is None else None
            for d in peers
            if d is not draft
        ]
        if lows and all(low is not None for low in lows):
            draft.band = AgeBand(None, min(low for low in lows if low is not None))
    return drafts


def _by_regions(drafts: list[Draft]) -> list[tuple[tuple[Region, ...], list[Draft]]]:
    """Consecutive drafts grouped by the place list they were read under."""
    groups: list[tuple[tuple[Region, ...], list[Draft]]] = []
    for draft in drafts:
        if groups and groups[-1][0] == draft.regions:
            groups[-1][1].append(draft)
        else:
            groups.append((draft.regions, [draft]))
    return groups


def _per_band_rounds(regions: tuple[Region, ...], drafts: list[Draft]) -> bool:
    """True when the values come in rounds of one per place, each round under one age band."""
    k = len(regions)
    if len(drafts) <= k or len(drafts) % k:
        return False
    rounds = [drafts[i : i + k] for i in range(0, len(drafts), k)]
    return all(len({d.band for d in r}) == 1 for r in rounds)


def _respectively(regions: tuple[Region, ...], drafts: list[Draft]) -> list[Draft]:
    """北京、甘肃…分别为100元(70岁以下)/110元(70岁以上)和120元: a run of age bands is one place's;
    南昌、九江70岁以下分别为100元、90元，70岁及以上分别为120元、110元: one value per place per band."""
    if _per_band_rounds(regions, drafts):
        return [replace(d, regions=(regions[i % len(regions)],)) for i, d in enumerate(drafts)]
    runs: list[list[Draft]] = []
    for draft in drafts:
        continues = (
            runs
            and draft.band is not None
            and draft.band.age_min is not None
            and runs[-1][-1].band is not None
        )
        if continues:
            runs[-1].append(draft)
        else:
            runs.append([draft])
    if len(runs) != len(regions):
        if len(drafts) != len(regions):
            return []  # cannot tell which value is whose: no claim rather than a wrong one
        runs = [[d] for d in drafts]
    return [
        replace(d, regions=(region,))
        for region, run in zip(regions, runs, strict=True)
        for d in run
    ]
