"""Counting evidence honestly: how many independent sources and sites stand behind a set of claims.

Rule (DESIGN.md "Reconciliation" 1): mentions from the same boilerplate cluster are one
source, not many — a paragraph copied into 300 articles is one piece of evidence.

- A claim's source is its paragraph cluster (``claim.cluster_id``, filled by
  ``pipelines.dedup.attach_clusters``). A claim without a cluster id is its own source,
  identified by ``(article_id, paragraph_ordinal)``.
- A cluster that spans several sites is still ONE source: the same text copied from one
  site to another is the same evidence, wherever it is hosted.
- Two different clusters on one site are TWO sources: the site wrote the rule twice in
  different words, which is what independent statements look like on these sites.
- Distinct sites are counted separately (``distinct_sites``) and used by reconciliation
  only as a tie-break after the source count.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from extractors.records import Article, Claim

log = logging.getLogger(__name__)

# Prefix of the source key of a claim with no cluster id; keeps it apart from real cluster ids.
UNCLUSTERED_PREFIX = "paragraph:"


@dataclass(frozen=True, slots=True)
class SourceCount:
    """How much independent support a set of claims has."""

    n_mentions: int  # claims, one per statement in an article
    n_sources: int  # distinct paragraph clusters (unclustered paragraphs count one each)
    n_sites: int  # distinct sites of the articles the claims come from


def source_key(claim: Claim) -> str:
    """The identity of the evidence a claim rests on: its cluster, else its own paragraph."""
    if claim.cluster_id:
        return claim.cluster_id
    return f"{UNCLUSTERED_PREFIX}{claim.article_id}#{claim.paragraph_ordinal}"


def independent_sources(claims: Iterable[Claim], articles: Mapping[str, Article]) -> int:
    """Number of distinct boilerplate clusters behind ``claims`` (DESIGN rule 1).

    ``articles`` is accepted for the contract's signature and symmetry with
    ``distinct_sites``; the count itself depends only on the claims' provenance.
    """
    return len({source_key(claim) for claim in claims})


def distinct_sites(claims: Iterable[Claim], articles: Mapping[str, Article]) -> int:
    """Number of distinct sites the claims' articles live on (unknown articles are skipped, logged)."""
    sites: set[str] = set()
    for claim in claims:
        article = articles.get(claim.article_id)
        if article is None:
            log.warning(
                "claim refers to unknown article %s; its site is not counted", claim.article_id
            )
            continue
        sites.add(article.site)
    return len(sites)


def count_sources(claims: Iterable[Claim], articles: Mapping[str, Article]) -> SourceCount:
    """Mentions, independent sources and sites of ``claims`` in one pass over a materialised list."""
    listed = list(claims)
    return SourceCount(
        n_mentions=len(listed),
        n_sources=independent_sources(listed, articles),
        n_sites=distinct_sites(listed, articles),
    )
