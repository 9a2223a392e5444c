"""Choosing among disagreeing values of one key: newer sources, then more independent sources.

The cascade (DESIGN.md "Reconciliation" 3; a reviewer's override comes before it and is
applied by pipelines.reconcile):
1. newer sources — the value whose newest article was published on a later day wins
   (policies change). Compared by calendar day in Asia/Shanghai: sites repost a text
   within hours, and the hour says nothing about which policy is current. Skipped when
   some value has no dated article at all: an undated page could be the newest.
2. more independent sources — distinct paragraph clusters (pipelines.sources), so 300
   copies of one boilerplate paragraph count once.
3. more distinct sites.
4. otherwise unresolved: listed for review.
Each step keeps only the values that tie at the top, so a later step breaks ties of the
earlier one and never overrules it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from pipelines.records import Candidate

# Dates are compared as calendar days where the sites publish.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one conflict: the chosen candidate (index) or None, and why."""

    chosen: int | None
    status: str  # "resolved" | "unresolved"
    reason: str


def published_day(candidate: Candidate) -> date | None:
    """Local calendar day of the candidate's newest published article."""
    if candidate.latest_published_at is None:
        return None
    return candidate.latest_published_at.astimezone(LOCAL_TZ).date()


def decide(candidates: Sequence[Candidate]) -> Decision:
    """Run the cascade over two or more candidates."""
    pool = list(range(len(candidates)))
    steps: list[tuple[str, Callable[[Candidate], object]]] = [
        ("more independent sources", lambda c: c.n_independent_sources),
        ("more sites", lambda c: c.n_sites),
    ]
    days = [published_day(c) for c in candidates]
    if all(d is not None for d in days):
        steps.insert(0, ("newer sources", published_day))
    for label, measure in steps:
        pool, decision = _step(candidates, pool, label, measure)
        if decision is not None:
            return decision
    undated = "" if all(d is not None for d in days) else " (some undated)"
    return Decision(
        None, "unresolved", f"tie: {len(pool)} values with equal date and support{undated}"
    )


def _step(
    candidates: Sequence[Candidate],
    pool: list[int],
    label: str,
    measure: Callable[[Candidate], object],
) -> tuple[list[int], Decision | None]:
    """Keep the candidates at the top of ``measure``; a single one left is the decision."""
    scores = {i: measure(candidates[i]) for i in pool}
    best = max(scores.values())  # type: ignore[type-var]
    top = [i for i in pool if scores[i] == best]
    if len(top) > 1:
        return top, None
    runner_up = max(s for i, s in scores.items() if i != top[0])  # type: ignore[type-var]
    return top, Decision(top[0], "resolved", f"{label} ({best} > {runner_up})")
