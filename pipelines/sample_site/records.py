"""Typed records of the sample site: rule facts, served pages, and the facts file (JSON round-trip)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

PageKind = Literal["article", "listing", "other"]


class FactsFileError(ValueError):
    """The facts file is missing, not JSON, or lacks a field the site records need."""


@dataclass(frozen=True, slots=True)
class RuleFact:
    """One credit rule of the synthetic world: what a sentence or table row states (DESIGN claim fields)."""

    region: str  # canonical name, e.g. 北京市; 全国 for national statements
    region_code: str  # GB/T 2260 six digits; 000000 for 全国
    population: str = "retiree"
    age_min: int | None = None
    age_max: int | None = None
    method: str | None = None  # "fixed" | "ratio" | None (amount only)
    amount_yuan: float | None = None  # as written
    period: str | None = None  # "month" | "year"
    ratio_min: float | None = None
    ratio_max: float | None = None
    base: str | None = None
    approximate: bool = False
    deduction_yuan: float | None = None

    @property
    def monthly_yuan(self) -> float | None:
        """The amount per month (a yearly figure divided by 12)."""
        if self.amount_yuan is None:
            return None
        return round(self.amount_yuan / 12, 2) if self.period == "year" else self.amount_yuan

    @property
    def key(self) -> tuple[str, str, int | None, int | None]:
        """The credit_rules key: (region_code, population, age_min, age_max)."""
        return (self.region_code, self.population, self.age_min, self.age_max)

    @property
    def refines(self) -> bool:
        """An approximate amount with no method only refines a rule stated elsewhere."""
        return self.method is None and self.approximate


@dataclass(frozen=True, slots=True)
class SitePage:
    """One page of the site: its URL path, bytes as served, Content-Type header and kind."""

    path: str  # URL path, e.g. /yibao/202506/1001.html
    body: bytes
    content_type: str
    kind: PageKind


@dataclass(frozen=True, slots=True)
class ExpectedClaim:
    """A claim a correct extractor takes from an article body, with the text it must be read from."""

    region: str
    region_code: str
    population: str
    age_min: int | None
    age_max: int | None
    method: str | None
    monthly_yuan: float | None
    amount_yuan: float | None
    period: str | None
    ratio_min: float | None
    ratio_max: float | None
    base: str | None
    approximate: bool
    deduction_yuan: float | None
    evidence: tuple[str, ...]  # sentence(s) or table row(s) stating it, as rendered
    number_texts: tuple[str, ...]  # the number spans exactly as written (１００, 1,800, 二点五 …)


@dataclass(frozen=True, slots=True)
class ParagraphFact:
    """One body block as rendered, and the boilerplate template it came from (None = written for this article)."""

    text: str
    kind: str  # "p" | "heading" | "table_row"
    boilerplate_id: str | None


@dataclass(frozen=True, slots=True)
class TrapFact:
    """A rule-like sentence outside the body (sidebar, comments, related list) that must give no claim."""

    text: str
    location: str  # "sidebar" | "comments"
    region: str


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What one article page states and how it is served."""

    path: str  # file path under the site root, e.g. yibao/202506/1001.html
    url_path: str  # /yibao/202506/1001.html
    title: str
    published_at: str  # ISO 8601 with +08:00, at the precision the page shows
    published_text: str  # the date as the page writes it
    encoding: str  # utf-8 | gbk | gb18030
    charset_declared: str  # "header+meta" | "header" | "meta" | "none"
    content_type: str  # the Content-Type header served
    template: str  # desktop | legacy | mobile
    category: str
    title_city: str  # the injected place name as written in the title
    title_region: str  # its canonical name
    duplicate_of: str | None  # url_path of the original when this page is a copy
    expected_claims: tuple[ExpectedClaim, ...]
    paragraphs: tuple[ParagraphFact, ...]
    unique_paragraphs: tuple[str, ...]
    traps: tuple[TrapFact, ...]


@dataclass(frozen=True, slots=True)
class ChangedRegion:
    """A rule whose value changed between an older and a newer article."""

    region: str
    region_code: str
    population: str
    age_min: int | None
    age_max: int | None
    old_monthly_yuan: float
    old_paths: tuple[str, ...]
    old_date: str  # newest date among the old articles
    new_monthly_yuan: float
    new_paths: tuple[str, ...]
    new_date: str  # oldest date among the new articles


@dataclass(frozen=True, slots=True)
class ExpectedRule:
    """One row of the reconciled policy table the site implies (newest value wins on a change)."""

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
    status: str  # "agreed" | "resolved"
    n_articles: int
    source_paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SiteFacts:
    """Everything the generator knows it put on the site, in one readable record."""

    seed: int
    n_articles: int
    start_paths: tuple[str, ...]
    articles: tuple[ArticleFacts, ...]
    boilerplate: dict[str, str]  # id -> template text ({city} = the title city)
    duplicate_urls: tuple[tuple[str, str], ...]  # (original, copy) URL paths of the same article
    tracking_urls: tuple[tuple[str, str], ...]  # (linked URL with tracking params, canonical path)
    dead_links: tuple[str, ...]
    robots_disallowed: tuple[str, ...]  # linked paths robots.txt forbids
    offsite_links: tuple[str, ...]
    asset_links: tuple[str, ...]
    listing_paths: tuple[str, ...]
    trap_regions: tuple[str, ...]
    changed_region: ChangedRegion | None
    expected_rules: tuple[ExpectedRule, ...]
    notes: dict[str, str] = field(default_factory=dict)

    def article(self, url_path: str) -> ArticleFacts:
        """The facts of the article at ``url_path``; KeyError names the path when absent."""
        for art in self.articles:
            if art.url_path == url_path:
                return art
        raise KeyError(f"no article at {url_path!r} in the sample facts")

    def to_json(self) -> str:
        """Readable JSON (sorted keys, indented, UTF-8 characters kept)."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> SiteFacts:
        """Rebuild the facts from :meth:`to_json` output."""
        data = json.loads(text)
        return _build(cls, data)


_NESTED: dict[str, Any] = {}


def _tuple(value: Any) -> Any:
    """Lists from JSON back to (nested) tuples."""
    return tuple(_tuple(v) for v in value) if isinstance(value, list) else value


def _build(cls: Any, data: dict[str, Any]) -> Any:
    """Construct dataclass ``cls`` from a JSON object, nested records included."""
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            if f.name == "notes":
                continue
            raise FactsFileError(f"facts JSON: {cls.__name__} lacks field {f.name!r}")
        kwargs[f.name] = _convert(f.name, data[f.name])
    return cls(**kwargs)


def _convert(name: str, value: Any) -> Any:
    """Convert one field value, using the record type registered for nested fields."""
    record = _NESTED.get(name)
    if record is not None and isinstance(value, list):
        return tuple(_build(record, v) for v in value)
    if record is not None and isinstance(value, dict):
        return _build(record, value)
    if isinstance(value, dict):
        return value
    return _tuple(value)


_NESTED.update(
    {
        "articles": ArticleFacts,
        "expected_claims": ExpectedClaim,
        "paragraphs": ParagraphFact,
        "traps": TrapFact,
        "changed_region": ChangedRegion,
        "expected_rules": ExpectedRule,
    }
)


def load_facts_file(path: Path) -> SiteFacts:
    """Read a facts file written by the generator."""
    try:
        return SiteFacts.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FactsFileError(f"{path}: no facts file; run `python -m pipelines.sample_site`") from exc
    except json.JSONDecodeError as exc:
        raise FactsFileError(f"{path}: not JSON ({exc}); regenerate with `python -m pipelines.sample_site`") from exc
