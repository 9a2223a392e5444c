"""Assemble the facts file while the site is rendered: per-article facts, repeated text, links, the reconciled table."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace

from pipelines.sample_site import chrome, texts
from pipelines.sample_site.build import TRACKING_SUFFIXES, RenderedArticle, print_path, tracked
from pipelines.sample_site.content import ArticlePlan, Block, date_text
from pipelines.sample_site.records import (
    ArticleFacts,
    ChangedRegion,
    ExpectedClaim,
    ExpectedRule,
    ParagraphFact,
    SiteFacts,
    TrapFact,
)
from pipelines.sample_site.world import CD_NEW, CD_OLD, TRAP_PLACES

NOTES = {
    "age bands": "half-open [age_min, age_max); null = unbounded",
    "published_at": "ISO 8601 +08:00 at the precision the page shows (date-only pages: midnight)",
    "paragraphs": "body blocks in order; table rows as cells joined by ' | ', header row included",
    "boilerplate": "templates by id; {city} is the title city; paragraphs[].boilerplate_id names the template",
    "unique_paragraphs": "body texts that occur in exactly one distinct article (copies excluded)",
    "expected_rules": "reconciled table: agreeing values merge, an approximate amount refines a rule, newest wins on change",
    "serving": "data/sample_site/_serve.json holds Content-Type overrides; serve with pipelines.serve.serve_site",
    "regenerate": "python -m pipelines.sample_site",
}


def paragraph_facts(blocks: Iterable[Block]) -> tuple[ParagraphFact, ...]:
    """Body blocks as the extractor should see them."""
    out: list[ParagraphFact] = []
    for block in blocks:
        if block.kind == "table":
            out.extend(ParagraphFact(" | ".join(row), "table_row", None) for row in block.rows)
        else:
            out.append(ParagraphFact(block.text, block.kind, block.boilerplate_id))
    return tuple(out)


def article_facts(rendered: RenderedArticle) -> ArticleFacts:
    """Facts of one article page (unique_paragraphs filled in later, once every page is known)."""
    plan, page = rendered.plan, rendered.page
    head = plan.head
    return ArticleFacts(
        path=page.path.lstrip("/"), url_path=page.path, title=head.title,
        published_at=head.published.isoformat(), published_text=date_text(head), encoding=plan.encoding,
        charset_declared=plan.charset_declared, content_type=page.content_type, template=rendered.template,
        category=head.category, title_city=head.city[0], title_region=head.city[1],
        duplicate_of=rendered.duplicate_of, expected_claims=plan.claims,
        paragraphs=paragraph_facts(plan.blocks), unique_paragraphs=(),
        traps=tuple(TrapFact(text, where, region) for where, region, text in plan.traps),
    )


class FactsCollector:
    """Collects what the site states while its pages stream past."""

    def __init__(self, n_articles: int, seed: int) -> None:
        self.n_articles, self.seed = n_articles, seed
        self.articles: list[ArticleFacts] = []
        self.plans: dict[str, ArticlePlan] = {}
        self.listings: list[str] = []
        self.tracking: list[tuple[str, str]] = []
        self.prints: list[str] = []

    def add(self, rendered: RenderedArticle) -> None:
        """Record one article page."""
        self.articles.append(article_facts(rendered))
        if rendered.duplicate_of is None:
            self.plans[rendered.page.path] = rendered.plan
            head = rendered.plan.head
            if head.index + 1 < self.n_articles:  # the next article links this one with tracking params
                self.tracking.append((tracked(head), head.url_path))
            if pp := print_path(head):
                self.prints.append(pp)

    def add_listing(self, path: str) -> None:
        """Record a listing page path."""
        self.listings.append(path)

    def finish(self) -> SiteFacts:
        """The facts record of the whole site."""
        articles = tuple(_with_unique(self.articles))
        originals = [a for a in articles if a.duplicate_of is None]
        copies = tuple((a.duplicate_of, a.url_path) for a in articles if a.duplicate_of)
        return SiteFacts(
            seed=self.seed, n_articles=self.n_articles, start_paths=("/",), articles=articles,
            boilerplate={bid: template for bid, (_kind, template) in texts.BOILERPLATE.items()},
            duplicate_urls=copies, tracking_urls=tuple(self.tracking),
            dead_links=chrome.DEAD_LINKS,
            robots_disallowed=(chrome.ADMIN_PATH, *self.prints),
            offsite_links=(*chrome.OFFSITE_LINKS, *(h for h, _ in chrome.FRIEND_LINKS)), asset_links=chrome.ASSETS,
            listing_paths=tuple(self.listings), trap_regions=tuple(name for _, name in TRAP_PLACES),
            changed_region=changed_region(originals), expected_rules=expected_rules(originals),
            notes=dict(NOTES, tracking_params=", ".join(TRACKING_SUFFIXES)),
        )


def _with_unique(articles: list[ArticleFacts]) -> Iterable[ArticleFacts]:
    """Fill unique_paragraphs: texts that occur in one distinct article only."""
    counts: Counter[str] = Counter()
    for art in articles:
        if art.duplicate_of is None:
            counts.update({p.text for p in art.paragraphs})
    for art in articles:
        unique = tuple(p.text for p in art.paragraphs if counts[p.text] == 1 and p.kind != "heading")
        yield replace(art, unique_paragraphs=unique)


def _claim_key(claim: ExpectedClaim) -> tuple[str, str, int | None, int | None]:
    return (claim.region_code, claim.population, claim.age_min, claim.age_max)


def _value(claim: ExpectedClaim) -> tuple[object, ...]:
    return (claim.method, claim.monthly_yuan, claim.ratio_min, claim.ratio_max, claim.base, claim.deduction_yuan)


def expected_rules(articles: Iterable[ArticleFacts]) -> tuple[ExpectedRule, ...]:
    """The reconciled table: per key the newest stated value; an approximate amount-only claim refines it."""
    grouped: dict[tuple, list[tuple[str, ArticleFacts, ExpectedClaim]]] = defaultdict(list)
    for art in articles:
        for claim in art.expected_claims:
            grouped[_claim_key(claim)].append((art.published_at, art, claim))
    rules = [_reconcile(mentions) for _key, mentions in sorted(grouped.items(), key=lambda kv: str(kv[0]))]
    return tuple(rules)


def _reconcile(mentions: list[tuple[str, ArticleFacts, ExpectedClaim]]) -> ExpectedRule:
    """One rule from all mentions of a key."""
    firm = [m for m in mentions if not (m[2].method is None and m[2].approximate)] or mentions
    newest = max(firm, key=lambda m: m[0])[2]
    values = {_value(m[2]) for m in firm}
    monthly, approximate = newest.monthly_yuan, newest.approximate
    refining = [m[2] for m in mentions if m[2].method is None and m[2].approximate]
    if monthly is None and refining and firm is not mentions:
        monthly, approximate = refining[0].monthly_yuan, True
    paths = tuple(sorted({m[1].url_path for m in mentions}))
    return ExpectedRule(
        newest.region, newest.region_code, newest.population, newest.age_min, newest.age_max, newest.method,
        monthly, newest.ratio_min, newest.ratio_max, newest.base, approximate, newest.deduction_yuan,
        "agreed" if len(values) == 1 else "resolved", len(paths), paths,
    )


def changed_region(articles: Iterable[ArticleFacts]) -> ChangedRegion | None:
    """The Chengdu change, when both the old and the new articles exist on this site."""
    old: list[ArticleFacts] = []
    new: list[ArticleFacts] = []
    for art in articles:
        for claim in art.expected_claims:
            if _claim_key(claim) == CD_OLD.key:
                (old if claim.monthly_yuan == CD_OLD.monthly_yuan else new).append(art)
    if not old or not new:
        return None
    return ChangedRegion(
        CD_OLD.region, CD_OLD.region_code, CD_OLD.population, CD_OLD.age_min, CD_OLD.age_max,
        float(CD_OLD.amount_yuan or 0), tuple(a.url_path for a in old), max(a.published_at for a in old),
        float(CD_NEW.amount_yuan or 0), tuple(a.url_path for a in new), min(a.published_at for a in new),
    )
