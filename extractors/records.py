"""Typed records that extraction produces: articles, their body paragraphs, links and claims."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

POPULATIONS = ("retiree", "employee")
METHODS = ("fixed", "ratio")
PERIODS = ("month", "year")
BASES = ("regional_avg_pension", "individual_pension", "contribution_base")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One body block of an article: a paragraph, a list item or a table row (cells joined by ' | ')."""

    ordinal: int
    text: str
    section: str | None = None  # nearest heading above this block, None before the first heading
    kind: str = "p"  # "p" | "heading" | "li" | "table_row"


# Paragraph's slot setters, used by `new_paragraph` (the frozen dataclass's __init__ goes through
# object.__setattr__ for each field, which looks the slot up by name every time).
_ORDINAL, _TEXT, _SECTION, _KIND = (Paragraph.__dict__[name].__set__ for name in ("ordinal", "text", "section", "kind"))


def new_paragraph(ordinal: int, text: str, section: str | None, kind: str, *, _new=object.__new__,
                  _ordinal=_ORDINAL, _text=_TEXT, _section=_SECTION, _kind=_KIND) -> Paragraph:
    """``Paragraph(ordinal, text, section, kind)`` 2x faster (a page builds dozens): the same object,
    its slots set directly (the setters are bound as defaults: local lookups)."""
    paragraph = _new(Paragraph)
    _ordinal(paragraph, ordinal)
    _text(paragraph, text)
    _section(paragraph, section)
    _kind(paragraph, kind)
    return paragraph


@dataclass(frozen=True, slots=True)
class PageLinks:
    """Links of a page, kept apart from its body; the crawler decides what to follow."""

    articles: tuple[str, ...] = ()  # links that look like article pages
    listings: tuple[str, ...] = ()  # category / pagination / listing pages
    other: tuple[str, ...] = ()  # every other same-page link (navigation, footer, off-site)


@dataclass(frozen=True, slots=True)
class Article:
    """One parsed article (DESIGN.md "articles"), with its body paragraphs."""

    article_id: str  # stable hash of the canonical URL (extractors.urls.article_id)
    url: str
    site: str  # host of the canonical URL, e.g. "www.shebao.example"
    title: str | None
    published_at: datetime | None  # timezone-aware; Asia/Shanghai when the page gives none
    fetched_at: datetime | None
    title_region: str | None  # canonical name of the place in the title, if any
    content_sha256: str  # sha256 of the normalised body text
    extractor: str  # site profile name, "generic" or "text"
    paragraphs: tuple[Paragraph, ...] = ()
    links: PageLinks = field(default_factory=PageLinks)
    encoding: str | None = None  # charset the page was decoded with
    alternate_urls: tuple[str, ...] = ()  # other URLs with the same article (dedup fills this)


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement of a credit rule in an article (DESIGN.md "claims"), with its evidence."""

    region: str  # canonical name, e.g. 北京市; 全国 for national statements
    region_code: str  # six-digit GB/T 2260 code; 000000 for 全国
    population: str  # "retiree" | "employee"
    age_min: int | None  # inclusive lower bound, None = no lower bound
    age_max: int | None  # exclusive upper bound, None = no upper bound
    method: str | None  # "fixed" | "ratio" | None when only an amount is stated
    monthly_yuan: float | None
    amount_yuan: float | None  # as written
    period: str | None  # "month" | "year"
    ratio_min: float | None
    ratio_max: float | None
    base: str | None  # what a ratio applies to (BASES)
    approximate: bool
    deduction_yuan: float | None
    evidence: str  # the sentence the claim was read from
    article_id: str
    paragraph_ordinal: int
    cluster_id: str | None = None  # filled by pipelines.dedup
    evidence_more: tuple[str, ...] = ()  # further sentences in the same article stating the same rule


# Claim's slot setters in field order, used by `new_claim` (the frozen dataclass's __init__ goes
# through object.__setattr__ for each of the 19 fields, which looks the slot up by name every time).
_CLAIM_SETTERS = tuple(Claim.__dict__[name].__set__ for name in Claim.__dataclass_fields__)


def new_claim(region: str, region_code: str, population: str, age_min: int | None, age_max: int | None,
              method: str | None, monthly_yuan: float | None, amount_yuan: float | None, period: str | None,
              ratio_min: float | None, ratio_max: float | None, base: str | None, approximate: bool,
              deduction_yuan: float | None, evidence: str, article_id: str, paragraph_ordinal: int,
              cluster_id: str | None = None, evidence_more: tuple[str, ...] = (),
              *, _new=object.__new__, _setters=_CLAIM_SETTERS) -> Claim:
    """``Claim(...)`` with half the instructions (an article gives dozens): the same object, its
    slots set directly (the setters are bound as defaults: local lookups)."""
    claim = _new(Claim)
    (set_region, set_region_code, set_population, set_age_min, set_age_max, set_method, set_monthly_yuan,
     set_amount_yuan, set_period, set_ratio_min, set_ratio_max, set_base, set_approximate, set_deduction_yuan,
     set_evidence, set_article_id, set_paragraph_ordinal, set_cluster_id, set_evidence_more) = _setters
    set_region(claim, region)
    set_region_code(claim, region_code)
    set_population(claim, population)
    set_age_min(claim, age_min)
    set_age_max(claim, age_max)
    set_method(claim, method)
    set_monthly_yuan(claim, monthly_yuan)
    set_amount_yuan(claim, amount_yuan)
    set_period(claim, period)
    set_ratio_min(claim, ratio_min)
    set_ratio_max(claim, ratio_max)
    set_base(claim, base)
    set_approximate(claim, approximate)
    set_deduction_yuan(claim, deduction_yuan)
    set_evidence(claim, evidence)
    set_article_id(claim, article_id)
    set_paragraph_ordinal(claim, paragraph_ordinal)
    set_cluster_id(claim, cluster_id)
    set_evidence_more(claim, evidence_more)
    return claim
