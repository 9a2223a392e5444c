"""Typed records the pipeline produces after extraction: paragraph rows, credit rules, conflicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

STATUSES = ("agreed", "resolved", "unresolved", "overridden")


@dataclass(frozen=True, slots=True)
class ParagraphRow:
    """One body paragraph of one article with its duplicate cluster (DESIGN.md "paragraphs")."""

    article_id: str
    ordinal: int
    section: str | None
    text: str
    norm_hash: str  # hash of the normalised text
    cluster_id: str  # same id = same or near-same paragraph elsewhere
    cluster_size: int  # distinct articles in the cluster
    is_boilerplate: bool


@dataclass(frozen=True, slots=True)
class CreditRule:
    """The reconciled rule for one (region_code, population, age_min, age_max) (DESIGN.md "credit_rules")."""

    region: str
    region_code: str
    population: str
    age_min: int | None
    age_max: int | None
    method: str | None
    monthly_yuan: float | None
    ratio_min: float | None
    ratio_max: float | None
    base: str | None
    approximate: bool
    deduction_yuan: float | None
    status: str  # one of STATUSES
    n_mentions: int
    n_independent_sources: int
    first_seen: datetime | None
    last_seen: datetime | None
    source_urls: tuple[str, ...]
    evidence: tuple[str, ...]
    note: str | None = None  # reviewer note for overridden rows, reason for resolved ones
    n_sites: int = 0  # distinct sites among the sources of this rule


@dataclass(frozen=True, slots=True)
class Candidate:
    """One value competing for a key, with the sources that state it."""

    value: str  # canonical JSON of the value fields (method, monthly_yuan, ratios, base, …)
    n_mentions: int
    n_independent_sources: int
    first_seen: datetime | None
    last_seen: datetime | None
    source_urls: tuple[str, ...]
    evidence: tuple[str, ...]
    n_sites: int = 0  # distinct sites among the sources stating this value
    latest_published_at: datetime | None = None  # newest published_at (no fetched_at fallback); decides "newer wins"


@dataclass(frozen=True, slots=True)
class Conflict:
    """One disagreeing key: every candidate, the chosen value and why (DESIGN.md "conflicts")."""

    region: str
    region_code: str
    population: str
    age_min: int | None
    age_max: int | None
    field: str  # which value field disagrees, e.g. "monthly_yuan"
    candidates: tuple[Candidate, ...]
    chosen: str | None  # canonical JSON of the chosen value, None when unresolved
    status: str  # "resolved" | "unresolved" | "overridden"
    reason: str  # e.g. "newer sources (2026-03-01 > 2025-06-05)"
