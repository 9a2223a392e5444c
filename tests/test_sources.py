"""Independent sources: copies of one boilerplate paragraph are one piece of evidence."""

from __future__ import annotations

import pytest
from reconcile_factories import article, articles_of, claim

from pipelines.sources import count_sources, distinct_sites, independent_sources, source_key

ARTICLES = articles_of(
    article("a1"),
    article("a2"),
    article("a3"),
    article("b1", site="m.other.example"),
)


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        # 5 copies of one boilerplate paragraph in 5 articles: one source
        ([claim(article_id=f"a{i}", cluster_id="c-boiler") for i in range(1, 6)], 1),
        # two different clusters: two sources
        ([claim(cluster_id="c1"), claim(article_id="a2", cluster_id="c2")], 2),
        # unclustered claims count by (article, paragraph)
        ([claim(paragraph_ordinal=1), claim(paragraph_ordinal=2), claim(paragraph_ordinal=1)], 2),
        # one cluster spanning two sites is still one source
        ([claim(cluster_id="c1"), claim(article_id="b1", cluster_id="c1")], 1),
        ([], 0),
    ],
)
def test_independent_sources(claims, expected):
    assert independent_sources(claims, ARTICLES) == expected


def test_unclustered_key_never_collides_with_a_cluster_id():
    assert source_key(claim(cluster_id=None)) != source_key(claim(cluster_id="a1"))


def test_distinct_sites_counts_hosts_and_skips_unknown_articles():
    claims = [
        claim(article_id="a1"),
        claim(article_id="a2"),
        claim(article_id="b1"),
        claim(article_id="missing"),
    ]
    assert distinct_sites(claims, ARTICLES) == 2


def test_count_sources_accepts_a_generator():
    counted = count_sources((claim(article_id=a, cluster_id="c") for a in ("a1", "b1")), ARTICLES)
    assert (counted.n_mentions, counted.n_sources, counted.n_sites) == (2, 1, 2)
