"""What stands behind a set of claims: counts, dates, source URLs and ranked evidence sentences."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from extractors.records import Article, Claim
from pipelines.merge import Value
from pipelines.records import Candidate
from pipelines.sources import SourceCount, count_sources, source_key

log = logging.getLogger(__name__)

# Evidence sentences kept per rule or candidate: enough to judge, short enough to read in a table.
EVIDENCE_CAP = 5
# Sorts after every real date: evidence from articles with no date at all.
UNDATED = datetime.min.replace(tzinfo=UTC)


def seen_dates(
    claims: Sequence[Claim], articles: Mapping[str, Article]
) -> tuple[datetime | None, datetime | None]:
    """First and last date the claims were seen: published_at, falling back to fetched_at."""
    dates = [d for d in (_seen(articles.get(c.article_id)) for c in claims) if d is not None]
    return (min(dates), max(dates)) if dates else (None, None)


def _seen(article: Article | None) -> datetime | None:
    if article is None:
        return None
    return article.published_at or article.fetched_at


def latest_published(claims: Sequence[Claim], articles: Mapping[str, Article]) -> datetime | None:
    """Newest published_at among the claims' articles (no fetched_at fallback: a fetch is not a publication)."""
    dates = [
        a.published_at for a in (articles.get(c.article_id) for c in claims) if a and a.published_at
    ]
    return max(dates) if dates else None


def source_urls(claims: Sequence[Claim], articles: Mapping[str, Article]) -> tuple[str, ...]:
    """Sorted distinct canonical URLs of the claims' articles (alternate URLs stay in `articles`)."""
    urls = {articles[c.article_id].url for c in claims if c.article_id in articles}
    return tuple(sorted(urls))


def ranked_evidence(
    claims: Sequence[Claim], articles: Mapping[str, Article], cap: int = EVIDENCE_CAP
) -> tuple[str, ...]:
    """Distinct evidence sentences, those backed by the most independent sources first, then the newest."""
    sources: dict[str, set[str]] = defaultdict(set)
    newest: dict[str, datetime] = defaultdict(lambda: UNDATED)
    for claim in claims:
        stamp = _seen(articles.get(claim.article_id)) or UNDATED
        key = source_key(claim)
        for sentence in (claim.evidence, *claim.evidence_more):
            text = sentence.strip()
            if text:
                sources[text].add(key)
                newest[text] = max(newest[text], stamp)
    ordered = sorted(sources)  # stable sorts: most sources, then newest, then text
    ordered.sort(key=lambda s: newest[s], reverse=True)
    ordered.sort(key=lambda s: len(sources[s]), reverse=True)
    return tuple(ordered[:cap])


@dataclass(frozen=True, slots=True)
class Support:
    """What stands behind one set of claims, worked out once: a candidate and the rule it becomes
    (the same claims, when the key agrees or the candidate wins) show the same figures."""

    counted: SourceCount
    first_seen: datetime | None
    last_seen: datetime | None
    source_urls: tuple[str, ...]
    evidence: tuple[str, ...]
    latest_published_at: datetime | None


def support_of(claims: Sequence[Claim], articles: Mapping[str, Article]) -> Support:
    """The support of claims: sources, dates, URLs and ranked evidence."""
    first, last = seen_dates(claims, articles)
    return Support(counted=count_sources(claims, articles), first_seen=first, last_seen=last,
                   source_urls=source_urls(claims, articles), evidence=ranked_evidence(claims, articles),
                   latest_published_at=latest_published(claims, articles))


def build_candidate(
    value: Value, claims: Sequence[Claim], articles: Mapping[str, Article],
    support: Support | None = None,
) -> Candidate:
    """A Candidate record for one value and the claims that state it (`support`: theirs, if known)."""
    _warn_unknown(claims, articles)
    if support is None:
        support = support_of(claims, articles)
    return Candidate(
        value=value.to_json(),
        n_mentions=support.counted.n_mentions,
        n_independent_sources=support.counted.n_sources,
        first_seen=support.first_seen,
        last_seen=support.last_seen,
        source_urls=support.source_urls,
        evidence=support.evidence,
        n_sites=support.counted.n_sites,
        latest_published_at=support.latest_published_at,
    )


def _warn_unknown(claims: Sequence[Claim], articles: Mapping[str, Article]) -> None:
    missing = sorted({c.article_id for c in claims if c.article_id not in articles})
    if missing:
        log.warning(
            "claims refer to %d unknown article(s) (e.g. %s): no URL or date for them",
            len(missing),
            missing[0],
        )
