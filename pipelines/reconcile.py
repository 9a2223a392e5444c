"""Reconciliation: all claims → one credit rule per (region_code, population, age_min, age_max), plus conflicts.

Per key: claims whose values agree or refine each other merge into one candidate value
(pipelines.merge). One candidate → status ``agreed``. Several → a ``conflicts`` row with
every candidate, decided by a reviewer's override (``overridden``), else by the cascade of
pipelines.resolve (``resolved``: newer sources, more independent sources, more sites),
else ``unresolved``: the row is kept, the fields the candidates agree on are filled and the
disagreeing ones are left empty. A resolved row's counts, dates, URLs and evidence are
those of the chosen value; unresolved and overridden rows show all claims of the key.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from extractors.records import Article, Claim
from pipelines.consistency import Finding, check_claims, check_rules
from pipelines.forking import fork_context
from pipelines.merge import (
    Value,
    apply_override,
    claim_value,
    common_value,
    differing_fields,
    group_compatible,
)
from pipelines.overrides import Override
from pipelines.records import Candidate, Conflict, CreditRule
from pipelines.resolve import decide
from pipelines.sources import source_key
from pipelines.support import Support, build_candidate, support_of

Key = tuple[str, str, int | None, int | None]  # (region_code, population, age_min, age_max)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Everything reconciliation produces for one run."""

    credit_rules: list[CreditRule]
    conflicts: list[Conflict]
    findings: list[Finding]
    unmatched_overrides: list[Override]


@dataclass(frozen=True, slots=True)
class _Outcome:
    """The value a key ends with, its status, note, and the claims whose support the row shows."""

    value: Value
    status: str
    note: str | None
    claims: Sequence[Claim]


def sort_key(key: Key) -> tuple[Any, ...]:
    """Rows sort by region_code, population, age_min (no lower bound first), age_max (no upper bound last)."""
    region_code, population, age_min, age_max = key
    return (
        region_code,
        population,
        age_min is not None,
        age_min or 0,
        age_max is None,
        age_max or 0,
    )


def group_claims(claims: Iterable[Claim]) -> dict[Key, list[Claim]]:
    """Claims by credit-rule key."""
    groups: dict[Key, list[Claim]] = defaultdict(list)
    for claim in claims:
        groups[(claim.region_code, claim.population, claim.age_min, claim.age_max)].append(claim)
    return groups


def reconcile(
    claims: Sequence[Claim], articles: Mapping[str, Article], overrides: Sequence[Override] = (),
    *, workers: int = 1,
) -> Reconciliation:
    """All claims → credit_rules, conflicts, consistency findings and the overrides that matched
    nothing. Keys are reconciled by `workers` processes (1 = in this one); the result is the same."""
    groups = group_claims(claims)
    keys = sorted(groups, key=sort_key)
    chosen = [_find_override(key, groups[key], overrides) for key in keys]
    tasks = [(key, None if index is None else overrides[index]) for key, index in zip(keys, chosen, strict=True)]
    outcomes = _reconcile_keys(tasks, groups, articles, workers)
    rules = [rule for rule, _ in outcomes]
    conflicts = [conflict for _, conflict in outcomes if conflict is not None]
    used = {index for index in chosen if index is not None}
    unmatched = [item for index, item in enumerate(overrides) if index not in used]
    findings = sorted(
        check_rules(rules) + check_claims(claims), key=lambda f: (f.kind, f.key, f.message)
    )
    return Reconciliation(
        credit_rules=rules, conflicts=conflicts, findings=findings, unmatched_overrides=unmatched
    )


# What a reconciliation worker reads, set by the parent just before it forks its workers.
_SHARED: tuple[Mapping[Key, list[Claim]], Mapping[str, Article]] | None = None


def _reconcile_keys(tasks: Sequence[tuple[Key, Override | None]], groups: Mapping[Key, list[Claim]],
                    articles: Mapping[str, Article], workers: int) -> list[tuple[CreditRule, Conflict | None]]:
    """`reconcile_key` of every (key, override), in order, by `workers` forked processes that
    inherit the claims (only each key's rule and conflict travel back)."""
    global _SHARED
    context = fork_context(min(workers, len(tasks)))
    if context is None:
        return [reconcile_key(groups[key], articles, override) for key, override in tasks]
    _SHARED = (groups, articles)
    try:
        with ProcessPoolExecutor(min(workers, len(tasks)), mp_context=context) as pool:
            return list(pool.map(_reconcile_shared, tasks))
    finally:
        _SHARED = None


def _reconcile_shared(task: tuple[Key, Override | None]) -> tuple[CreditRule, Conflict | None]:
    assert _SHARED is not None, "reconciliation worker started without the claims"
    groups, articles = _SHARED
    key, override = task
    return reconcile_key(groups[key], articles, override)


def _find_override(key: Key, claims: Sequence[Claim], overrides: Sequence[Override]) -> int | None:
    """Index of the override for this key, if any (the overrides file refuses duplicates)."""
    region_code, population, age_min, age_max = key
    region = _region_name(claims)
    for index, item in enumerate(overrides):
        if item.matches(region, region_code, population, age_min, age_max):
            return index
    return None


def _region_name(claims: Sequence[Claim]) -> str:
    """The region's canonical name: the most frequent among the claims, ties to the smallest."""
    counts = Counter(c.region for c in claims)
    return min(counts, key=lambda name: (-counts[name], name))


def reconcile_key(
    claims: Sequence[Claim], articles: Mapping[str, Article], override: Override | None = None
) -> tuple[CreditRule, Conflict | None]:
    """One key's claims → its credit rule and, when values disagree, its conflict."""
    groups = group_compatible(claims, claim_value, independent_weight)
    supports = [support_of(members, articles) for _, members in groups]
    candidates = [build_candidate(value, members, articles, support)
                  for (value, members), support in zip(groups, supports, strict=True)]
    order = sorted(range(len(groups)), key=lambda i: _candidate_rank(candidates[i]))
    groups = [groups[i] for i in order]
    candidates = [candidates[i] for i in order]
    supports = [supports[i] for i in order]
    outcome, conflict = _decide(claims, groups, candidates, override)
    # the rule shows one group's claims (agreed, resolved) or all the key's; a group's support is known
    shown = next((support for (_, members), support in zip(groups, supports, strict=True)
                  if members is outcome.claims), None)
    return _rule(claims, outcome, articles, shown), conflict


def independent_weight(claims: list[Claim]) -> int:
    """How much the claims stating one value count when agreeing values merge: their distinct sources."""
    return len({source_key(claim) for claim in claims})


def _candidate_rank(candidate: Candidate) -> tuple[Any, ...]:
    """Candidates listed newest and best supported first, then by value, so output is deterministic."""
    stamp = (
        candidate.latest_published_at.timestamp()
        if candidate.latest_published_at
        else float("-inf")
    )
    return (-stamp, -candidate.n_independent_sources, -candidate.n_sites, candidate.value)


def _decide(
    claims: Sequence[Claim],
    groups: Sequence[tuple[Value, list[Claim]]],
    candidates: Sequence[Candidate],
    override: Override | None,
) -> tuple[_Outcome, Conflict | None]:
    """The outcome of one key and its conflict row (None when the values agree)."""
    if len(groups) == 1:
        value, members = groups[0]
        if override is None:
            return _Outcome(value, "agreed", None, members), None
        return _overridden(value, override, claims), None
    decision = decide(candidates)
    if override is not None:
        base = (
            groups[decision.chosen][0]
            if decision.chosen is not None
            else common_value([g[0] for g in groups])
        )
        outcome = _overridden(base, override, claims)
        reason = f"override by {override.reviewer}: {override.note}"
        return outcome, _conflict(
            claims, groups, candidates, outcome.value.to_json(), "overridden", reason
        )
    if decision.chosen is None:
        outcome = _Outcome(
            common_value([g[0] for g in groups]), "unresolved", decision.reason, claims
        )
        return outcome, _conflict(claims, groups, candidates, None, "unresolved", decision.reason)
    value, members = groups[decision.chosen]
    outcome = _Outcome(value, "resolved", decision.reason, members)
    return outcome, _conflict(
        claims, groups, candidates, value.to_json(), "resolved", decision.reason
    )


def _overridden(base: Value, override: Override, claims: Sequence[Claim]) -> _Outcome:
    value = apply_override(base, override.value_dict())
    note = f"override by {override.reviewer} ({override.date.isoformat()}): {override.note}"
    return _Outcome(value, "overridden", note, claims)


def _conflict(
    claims: Sequence[Claim],
    groups: Sequence[tuple[Value, list[Claim]]],
    candidates: Sequence[Candidate],
    chosen: str | None,
    status: str,
    reason: str,
) -> Conflict:
    first = claims[0]
    return Conflict(
        region=_region_name(claims),
        region_code=first.region_code,
        population=first.population,
        age_min=first.age_min,
        age_max=first.age_max,
        field=",".join(differing_fields([value for value, _ in groups])),
        candidates=tuple(candidates),
        chosen=chosen,
        status=status,
        reason=reason,
    )


def _rule(
    key_claims: Sequence[Claim], outcome: _Outcome, articles: Mapping[str, Article],
    support: Support | None = None,
) -> CreditRule:
    """The credit_rules row for one key (`support`: that of the outcome's claims, if known)."""
    first, value = key_claims[0], outcome.value
    rounded = value.rounded()
    if support is None:
        support = support_of(outcome.claims, articles)
    counted = support.counted
    return CreditRule(
        region=_region_name(key_claims),
        region_code=first.region_code,
        population=first.population,
        age_min=first.age_min,
        age_max=first.age_max,
        method=value.method,
        monthly_yuan=rounded["monthly_yuan"],
        ratio_min=rounded["ratio_min"],
        ratio_max=rounded["ratio_max"],
        base=value.base,
        approximate=value.approximate,
        deduction_yuan=rounded["deduction_yuan"],
        status=outcome.status,
        n_mentions=counted.n_mentions,
        n_independent_sources=counted.n_sources,
        first_seen=support.first_seen,
        last_seen=support.last_seen,
        source_urls=support.source_urls,
        evidence=support.evidence,
        note=outcome.note,
        n_sites=counted.n_sites,
    )
