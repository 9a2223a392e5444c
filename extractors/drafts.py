"""Drafts: values read from one sentence before they become Claims, and what the caller knows around it."""

from __future__ import annotations

from dataclasses import dataclass

from extractors.agebands import AgeBand
from extractors.regions import Region


@dataclass(slots=True)
class Draft:
    """One value read from a sentence, before it becomes a Claim."""

    kind: str  # "amount" | "percent"
    low: float  # the amount in yuan, or the low end of a ratio (fraction)
    high: float
    start: int
    end: int
    regions: tuple[Region, ...] = ()
    band: AgeBand | None = None
    population: str = "retiree"
    period: str | None = None
    base: str | None = None
    approximate: bool = False
    deduction: float | None = None


@dataclass(frozen=True, slots=True)
class SentenceContext:
    """What the caller knows around a sentence: a fallback place, table header cells, credit context."""

    fallback: tuple[Region, ...] = ()
    header: tuple[str, ...] = ()  # header cells of the table a row belongs to
    credit_context: bool = False  # the table header or section is about crediting the account
    base: str | None = None  # the base the section declares for its ratios (以人均养老金为基准)
    # the band-less monthly or yearly amount the sentence before stated for the same place
    # (福州市…每月划入110元。70周岁以上的每月多划入10元。): what a band's top-up is counted from
    prior_amount: tuple[float, str | None] | None = None
