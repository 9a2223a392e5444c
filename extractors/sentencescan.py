"""Read one rule sentence (or table row) into drafts: each yuan amount or percentage with its place,
age band, population, period, base, hedging and deduction.

A left-to-right scan: places, age bands and population words set the state that the next
value takes. Which place a value belongs to when the sentence names none is the caller's
business (``SentenceContext.fallback``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors import claimrules as rules
from extractors.agebands import AgeBand, find_age_bands
from extractors.claimplaces import assign_places
from extractors.drafts import Draft, SentenceContext
from extractors.numbers import (
    Amount,
    Percent,
    find_amounts,
    find_percents,
    halfwidth,
    may_hold_value,
)
from extractors.regions import NATIONAL, Region, find_regions
from extractors.sentences import clause_end, clause_start

# A band in brackets right after a value belongs to that value: 100元(70岁以下).
_BRACKET_AFTER_VALUE = re.compile(r"^\s*[(（]\s*$")
# A list number glued to an age at the start (1.70岁以下…): blanked so 1.70 is not read as a number.
_LEADING_ENUM = re.compile(r"^\s*\d{1,2}[.．](?=\d{2}\s*周?岁)")
# How close gross − deduction must come to a net amount in the same sentence to be the same rule.
NET_TOLERANCE = 0.01
# A sentence that ends as a question asks about a value rather than stating it.
_QUESTION_END = re.compile(r"[？?]\s*$")
# Table cells are joined by " | "; a bar also ends a clause for period and hedge words.
CELL_SEPARATOR = " | "
# A sentence read on its own: no fallback place, no table, no credit context.
NO_CONTEXT = SentenceContext()


@dataclass(slots=True)
class _State:
    """What the scan has seen so far in the sentence."""

    regions: list[Region] = field(default_factory=list)
    region_end: int = -1
    band: AgeBand | None = None
    population: str = "retiree"
    period: str | None = None
    band_list: list[AgeBand] = field(default_factory=list)  # 70岁以下、70岁及以上的…分别为…
    band_list_end: int = -1
    band_list_used: int = 0  # values already given a band from band_list
    drafts: list[Draft] = field(default_factory=list)
    deductions: list[tuple[float, int]] = field(default_factory=list)
    # pension or wage figures seen (养老金为3700元): amounts beside them are computed, not rules
    figures: int = 0
    # differences (70岁以上多划入10元): not levels, but a band's top-up over the base amount
    deltas: list[_Delta] = field(default_factory=list)


@dataclass(slots=True)
class _Delta:
    """A difference read from the sentence (多划入10元), with the place and band it was read under."""

    draft: Draft
    sign: int  # +1 more, -1 less, 0 a difference of unknown direction (相差10元)
    settled: bool = False  # a level stated after it (即每月115元) already gives the result
    cumulative: bool = False  # 在此基础上再增加: counted from the band before, not the base amount


Payload = Region | AgeBand | Amount | Percent | str  # str: a population ("employee" / "retiree") or OTHERS
# Event payload for "the rest of the people" (其他退休人员): ends the current age band.
OTHERS = "others"
# Event payload for other or some places (其他地区, 部分地区): ends the current place.
ELSEWHERE = "elsewhere"


def _events(text: str) -> list[tuple[int, int, Payload]]:
    """Everything the scan reacts to, as (start, end, payload), in text order."""
    events: list[tuple[int, int, Payload]] = [
        (m.start, m.end, m.region)
        for m in find_regions(text)
        if rules.is_subject(text, m.start, m.end)
    ]
    events += [(m.start(), m.end(), NATIONAL) for m in rules.NATIONAL_STRONG.finditer(text)]
    events += [(m.start, m.end, m.band) for m in find_age_bands(text)]
    events += [(m.start(), m.end(), "employee") for m in rules.EMPLOYEE.finditer(text)]
    events += [(m.start(), m.end(), "retiree") for m in rules.RETIREE.finditer(text)]
    events += [(m.start(), m.start() + 2, OTHERS) for m in rules.OTHER_PEOPLE.finditer(text)]
    events += [(m.start(), m.end(), ELSEWHERE) for p in (rules.OTHER_PLACES, rules.SOME_PLACES) for m in p.finditer(text)]
    events += [(a.start, a.end, a) for a in find_amounts(text)]
    events += [(p.start, p.end, p) for p in find_percents(text)]
    return sorted(events, key=lambda e: (e[0], -e[1]))


def _on_region(state: _State, text: str, start: int, end: int, region: Region) -> None:
    """A place: extends a list (北京、甘肃) or starts a new subject (resets band and period)."""
    gap = text[state.region_end : start] if state.region_end >= 0 else None
    shares = bool(state.regions) and not state.drafts and rules.SAME_AS_AFTER.match(text, end)
    if shares or (gap is not None and state.regions and rules.PLACE_LIST_GAP.match(gap)):
        if region not in state.regions:
            state.regions.append(region)
    elif not state.regions or region not in state.regions or state.drafts:
        state.regions, state.band, state.period = [region], None, None
    state.region_end = end


def _on_band(state: _State, text: str, start: int, end: int, band: AgeBand) -> None:
    """An age band: belongs to the value just before it when bracketed (100元(70岁以下)), else to what follows."""
    last = state.drafts[-1] if state.drafts else None
    if (
        last is not None
        and last.band is None
        and _BRACKET_AFTER_VALUE.match(text[last.end : start])
    ):
        last.band = band
        return
    state.band = band
    listed = state.band_list and rules.PLACE_LIST_GAP.match(text[state.band_list_end : start])
    state.band_list = [*state.band_list, band] if listed else [band]
    state.band_list_end, state.band_list_used = end, 0


def _band_for_next_value(state: _State, text: str) -> AgeBand | None:
    """The band of the next value: in turn from a listed run when the sentence says 分别, else the current one."""
    if len(state.band_list) < 2 or not rules.RESPECTIVELY.search(text):
        return state.band
    index = state.band_list_used
    state.band_list_used += 1
    return state.band_list[index] if index < len(state.band_list) else None


def _on_amount(state: _State, text: str, amount: Amount) -> None:
    """A yuan amount: a deduction, a monthly gloss, a pension figure, a difference, or a credit."""
    clause = _clause_from(text, amount.start)
    before = text[clause : amount.start]
    if rules.DEDUCTION_BEFORE.search(before):
        state.deductions.append((amount.value, amount.start))
        return
    last = state.drafts[-1] if state.drafts else None
    if last is not None and _is_gloss(state, text, last, amount):
        last.period = last.period or "year"
        return
    if rules.FIGURE_BEFORE.search(before) or rules.FIGURE_AFTER.match(text, amount.end):
        state.figures += 1
        return
    if _not_a_level(text, before, amount) or _is_history(state, text, before, clause, amount):
        return
    period = amount.period or rules.period_before(text, amount.start, clause) or state.period
    state.period = period
    draft = _draft(state, text, "amount", amount.value, amount.value, amount, clause, period)
    if rules.DELTA_BEFORE.search(before) or _continues_deltas(state, text, amount):
        sign = _delta_sign(before) or (state.deltas[-1].sign if state.deltas else 0)
        cumulative = bool(rules.CUMULATIVE_BEFORE.search(text, clause, amount.start))
        state.deltas.append(_Delta(draft, sign, cumulative=cumulative))
        return
    _settle_deltas(state, draft)
    state.drafts.append(draft)


def _continues_deltas(state: _State, text: str, amount: Amount) -> bool:
    """分别多划入10元和20元: an amount listed right after a difference is a difference too."""
    last = state.deltas[-1].draft if state.deltas else None
    return last is not None and bool(rules.PLACE_LIST_GAP.match(text[last.end : amount.start]))


def _is_gloss(state: _State, text: str, last: Draft, amount: Amount) -> bool:
    """1680元(月均140元): the second amount restates the last one — unless a difference stands between
    them (再增加15元，即每月115元 states the new level)."""
    if last.kind != "amount" or not rules.GLOSS_BEFORE.search(text[last.end : amount.start]):
        return False
    return not any(last.end <= d.draft.start < amount.start for d in state.deltas)


def _not_a_level(text: str, before: str, amount: Amount) -> bool:
    """Fees, bounds, balances and other periods: amounts that are not the monthly credit."""
    if any(
        p.search(before)
        for p in (
            rules.NOT_CREDIT_BEFORE,
            rules.BOUND_BEFORE,
            rules.BALANCE_BEFORE,
            rules.OTHER_PERIOD_BEFORE,
            rules.COMPARED_BEFORE,
            rules.DENIED_BEFORE,
        )
    ):
        return True
    return bool(
        rules.BOUND_AFTER.match(text, amount.end)
        or rules.NOT_CREDIT_AFTER.match(text, amount.end)
        or rules.DEBUNKED_AFTER.match(text, amount.end)
    )


def _is_history(state: _State, text: str, before: str, clause: int, span: Amount | Percent) -> bool:
    """An earlier value: 由原来的90元提高到…, 从80元调整为…, or 2025年为110元 beside a later year —
    unless a place is named after that year (2025年北京…100元，2026年上海…140元: both stand)."""
    if _old_before(before) or _in_past_lead(text, span.start):
        return True
    if state.drafts and rules.BRACKET_PAST_BEFORE.search(text, 0, span.start):
        return True
    if rules.FROM_BEFORE.search(before) and rules.CHANGE_AFTER.match(text, span.end):
        return True
    if "年" not in before:
        return False
    years = list(rules.YEAR.finditer(text, clause, span.start))
    if not years or state.region_end > years[-1].end():
        return False
    return int(years[-1].group(1)) < max(int(y) for y in rules.YEAR.findall(text))


def _in_past_lead(text: str, start: int) -> bool:
    """True when the value stands after a clause opening on the past (以前…3.5%…) with no word of
    the present (现在, 改为…) between them."""
    leads = list(rules.HISTORY_LEAD.finditer(text, 0, start))
    return bool(leads) and not rules.PRESENT_MARK.search(text, leads[-1].end(), start)


def _old_before(before: str) -> bool:
    """原来 / 以前 / 去年 just before a value — but not the 原 of a place name (太原市每月划入98元,
    固原市, 中原区)."""
    match = rules.OLD_BEFORE.search(before)
    return match is not None and not any(
        m.start <= match.start() < m.end for m in find_regions(before)
    )


def _delta_sign(before: str) -> int:
    """+1 for a top-up (多划入, 另加), -1 for a cut (少, 降低), 0 when the text does not say."""
    if rules.DELTA_UP_BEFORE.search(before):
        return 1
    return -1 if rules.DELTA_DOWN_BEFORE.search(before) else 0


def _settle_deltas(state: _State, level: Draft) -> None:
    """A level after a difference for the same place and band (多了20元，达到150元) is its result."""
    for delta in reversed(state.deltas):
        same = delta.draft.regions == level.regions and delta.draft.band == level.band
        if not delta.settled and same:
            delta.settled = True
            return


def _resolve_deltas(state: _State, ctx: SentenceContext) -> None:
    """福州市每月划入110元，70周岁以上的每月多划入10元: a band's top-up over the base amount for the
    same place (in the sentence, or the sentence before when this one names no place) is that band's
    level (120元). A difference with no band (比去年多了20元) or no base gives nothing."""
    for delta in state.deltas:
        d = delta.draft
        if delta.settled or not delta.sign or d.band is None:
            continue
        base = _delta_base(state, delta)
        low, period = (base.low, base.period) if base else ctx.prior_amount or (None, None)
        if low is None or (base is None and d.regions):
            continue
        if d.period and period and d.period != period:
            continue
        d.low = d.high = low + delta.sign * d.low
        d.period = period or d.period
        d.approximate = d.approximate or bool(base and base.approximate)
        state.drafts.append(d)
    state.drafts.sort(key=lambda d: d.start)


def _delta_base(state: _State, delta: _Delta) -> Draft | None:
    """The amount a band's difference is counted from: the sentence's band-less amount for the same
    place (110元 for 70周岁以上的每月多划入10元; 70岁以上增加10元，80岁以上增加20元 both count from
    it), else — or when it says 再/在此基础上 — the last amount before it under another band."""
    d = delta.draft
    before = [
        b
        for b in state.drafts
        if b.kind == "amount" and b.end <= d.start and b.regions == d.regions and b.band != d.band
    ]
    plain = [b for b in before if b.band is None]
    if plain and not delta.cumulative:
        return plain[-1]
    return before[-1] if before else None


def _on_percent(state: _State, text: str, percent: Percent, ctx: SentenceContext) -> None:
    """A percentage: a ratio of some base, unless the clause is about reimbursement or fees."""
    clause = _clause_from(text, percent.start)
    if rules.NOT_CREDIT_RATIO.search(text, clause, percent.start) and not rules.CREDIT_VERB.search(
        text, clause, clause_end(text, percent.end)
    ):
        return  # 单位缴纳8%，个人缴纳2% — but 个人缴纳的2%全部计入个人账户 is a credit
    before = text[clause : percent.start]
    if rules.BOUND_AFTER.match(text, percent.end) or rules.BOUND_BEFORE.search(before):
        return  # 2%以上, 不低于2%: a bound, not the ratio
    if _is_history(state, text, before, clause, percent):
        return
    draft = _draft(state, text, "percent", percent.low, percent.high, percent, clause, None)
    draft.base = rules.base_before(text, percent.start) or ctx.base or _base_cell_after(text, percent)
    if draft.base == rules.CONTRIBUTION:
        draft.population = "employee"  # only people still working have a contribution base
    state.drafts.append(draft)


def _base_cell_after(text: str, percent: Percent) -> str | None:
    """A table row's base stated in a cell after the ratio (淮南市 | 2 | 本人养老金), up to the next value."""
    if CELL_SEPARATOR not in text[percent.end :]:
        return None
    rest = text[percent.end :]
    following = [*(m.start for m in find_percents(rest)), *(m.start for m in find_amounts(rest))]
    return rules.base_in(rest[: min(following, default=len(rest))])


def _draft(
    state: _State,
    text: str,
    kind: str,
    low: float,
    high: float,
    span: Amount | Percent,
    clause: int,
    period: str | None,
) -> Draft:
    """A draft value carrying the scan's current place, band and population."""
    return Draft(
        kind,
        low,
        high,
        span.start,
        span.end,
        tuple(state.regions),
        _band_for_next_value(state, text),
        state.population,
        period,
        approximate=rules.is_approximate(
            text, span.start, span.end, clause, ratio=kind == "percent"
        ),
    )


def _clause_from(text: str, pos: int) -> int:
    """Start of the clause at ``pos``; a table cell boundary also starts a clause."""
    bar = text.rfind("|", 0, pos)
    return max(clause_start(text, pos), bar + 1)


def _attach_deductions(state: _State) -> None:
    """Give each deduction (扣除3元) to the nearest credited amount; a gross amount beside its net
    one (划入85元，扣除3元后实际到账82元) is dropped: the claim is what arrives."""
    amounts = [d for d in state.drafts if d.kind == "amount"]
    for value, pos in state.deductions:
        if not amounts:
            return
        nearest = min(amounts, key=lambda d: min(abs(d.start - pos), abs(d.end - pos)))
        net = next((d for d in amounts if abs(nearest.low - value - d.low) < NET_TOLERANCE), None)
        gross = next((d for d in amounts if abs(d.low - value - nearest.low) < NET_TOLERANCE), None)
        if net is not None and net is not nearest:  # 85元，扣除3元后…82元: 85 is the gross
            gross, nearest = nearest, net
        if gross is not None and gross is not nearest:  # 80元，扣除…10元后，实际到账70元
            state.drafts.remove(gross)
            amounts.remove(gross)
        nearest.deduction = value


def scan(text: str, ctx: SentenceContext = NO_CONTEXT) -> list[Draft]:
    """Drafts of every credited value in one sentence; [] for worked examples and non-credit text."""
    if not may_hold_value(text):
        return []
    text = _LEADING_ENUM.sub(lambda m: " " * len(m.group()), halfwidth(text))
    if rules.is_hypothetical(text) or not (ctx.credit_context or rules.CREDIT.search(text)):
        return []
    if _QUESTION_END.search(text):  # 德州市每月划入200元？(假的！) — a question states no rule
        return []
    state = _State()
    for start, end, payload in _events(text):
        if isinstance(payload, Region):
            _on_region(state, text, start, end, payload)
        elif isinstance(payload, AgeBand):
            _on_band(state, text, start, end, payload)
        elif isinstance(payload, Amount):
            _on_amount(state, text, payload)
        elif isinstance(payload, Percent):
            _on_percent(state, text, payload, ctx)
        elif payload == OTHERS:
            state.band, state.band_list = None, []
        elif payload == ELSEWHERE:  # 聊城市…95元，其他地区每月划入90元: 90元 is not 聊城's
            state.regions, state.band, state.period = [], None, None
        else:
            state.population = payload
    if (
        state.figures
    ):  # 养老金3000元的人按2%每月划入60元: the amount is computed, the ratio is the rule
        state.drafts = [d for d in state.drafts if d.kind == "percent"]
    else:
        _resolve_deltas(state, ctx)
    _attach_deductions(state)
    drafts = _apply_header(state.drafts, text, ctx.header)
    return assign_places(drafts, text, ctx)


def _apply_header(drafts: list[Draft], text: str, header: tuple[str, ...]) -> list[Draft]:
    """In a table row, a value's column header may give its period (年划入金额), band (70岁以下) or
    people (在职职工)."""
    if not header:
        return drafts
    kept = []
    for draft in drafts:
        column = text.count("|", 0, draft.start)
        cell = header[column] if column < len(header) else ""
        if rules.NOT_CREDIT_HEADER.search(cell):
            continue
        kept.append(draft)
        draft.period = draft.period or (rules.period_in(cell) if draft.kind == "amount" else None)
        if rules.EMPLOYEE.search(cell):  # 地区 | 退休人员 | 在职职工
            draft.population = "employee"
        if draft.band is None:
            bands = find_age_bands(cell)
            draft.band = bands[0].band if len(bands) == 1 else None  # a cell over two bands: none
        if not draft.regions:  # a transposed table: 年龄段 | 北京市 | 上海市
            draft.regions = tuple(dict.fromkeys(m.region for m in find_regions(cell)))
    return kept
