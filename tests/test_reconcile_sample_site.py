"""Reconciling the sample site's known claims gives the table the site implies; the changed region ends newer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from datetime import datetime

import pytest

from extractors.records import Article, Claim
from pipelines.overrides import Override
from pipelines.reconcile import reconcile

sample_site = pytest.importorskip(
    "pipelines.sample_site", reason="the sample site generator has not landed yet"
)
if not hasattr(sample_site, "load_facts"):
    pytest.skip("pipelines.sample_site.load_facts has not landed yet", allow_module_level=True)

SITE = "sample.test"
VALUE_FIELDS = (
    "method",
    "monthly_yuan",
    "ratio_min",
    "ratio_max",
    "base",
    "approximate",
    "deduction_yuan",
)


def _article(facts) -> Article:
    return Article(
        article_id=facts.url_path,
        url=f"http://{SITE}{facts.url_path}",
        site=SITE,
        title=facts.title,
        published_at=datetime.fromisoformat(facts.published_at),
        fetched_at=None,
        title_region=facts.title_region,
        content_sha256="0" * 64,
        extractor="facts",
    )


def _ordinal_and_cluster(facts, sentence: str) -> tuple[int, str | None]:
    """The paragraph a sentence sits in, and its boilerplate template (the cluster dedup finds)."""
    for ordinal, paragraph in enumerate(facts.paragraphs):
        if sentence in paragraph.text:
            return ordinal, paragraph.boilerplate_id
    raise AssertionError(f"{facts.url_path}: evidence not in any paragraph: {sentence}")


def _claims(facts) -> list[Claim]:
    claims = []
    for expected in facts.expected_claims:
        ordinal, cluster = _ordinal_and_cluster(facts, expected.evidence[0])
        fields = {
            name: getattr(expected, name)
            for name in Claim.__dataclass_fields__
            if hasattr(expected, name)
        }
        fields.update(
            evidence=expected.evidence[0],
            evidence_more=tuple(expected.evidence[1:]),
            article_id=facts.url_path,
            paragraph_ordinal=ordinal,
            cluster_id=cluster,
        )
        claims.append(Claim(**fields))
    return claims


def _site_input(facts):
    """The sample site's articles (by id) and claims, as the pipeline would give them to reconcile."""
    originals = [a for a in facts.articles if a.duplicate_of is None]  # dedup merges the copies
    articles = {a.url_path: _article(a) for a in originals}
    return articles, [claim for a in originals for claim in _claims(a)]


def _keep_old_value(facts):
    """A reviewer's override keeping the changed region's older amount."""
    changed = facts.changed_region
    return Override(region=changed.region, region_code=changed.region_code, population=changed.population,
                    age_min=changed.age_min, age_max=changed.age_max,
                    values=(("monthly_yuan", changed.old_monthly_yuan),), reviewer="审核员",
                    note="新标准尚未执行", date=dt.date(2026, 11, 1), line=1)


@pytest.fixture(scope="module")
def site():
    facts = sample_site.load_facts()
    articles, claims = _site_input(facts)
    return facts, reconcile(claims, articles)


def _key(row):
    return (row.region_code, row.population, row.age_min, row.age_max)


def test_changed_region_ends_with_the_newer_value_and_keeps_the_older_in_conflicts(site):
    facts, result = site
    changed = facts.changed_region
    key = (changed.region_code, changed.population, changed.age_min, changed.age_max)
    rule = next(r for r in result.credit_rules if _key(r) == key)
    assert (rule.monthly_yuan, rule.status) == (changed.new_monthly_yuan, "resolved")
    conflict = next(c for c in result.conflicts if _key(c) == key)
    values = {json.loads(c.value)["monthly_yuan"] for c in conflict.candidates}
    assert values == {changed.old_monthly_yuan, changed.new_monthly_yuan}
    assert conflict.reason.startswith("newer sources (")
    older = next(
        c
        for c in conflict.candidates
        if json.loads(c.value)["monthly_yuan"] == changed.old_monthly_yuan
    )
    assert older.latest_published_at.date().isoformat() == changed.old_date[:10]


def test_reconciled_table_equals_the_rules_the_site_implies(site):
    facts, result = site
    got = {_key(r): r for r in result.credit_rules}
    want = {(e.region_code, e.population, e.age_min, e.age_max): e for e in facts.expected_rules}
    assert sorted(got, key=str) == sorted(want, key=str)
    for key, expected in want.items():
        rule = got[key]
        for name in (*VALUE_FIELDS, "status"):
            assert getattr(rule, name) == pytest.approx(getattr(expected, name)), (key, name)


def test_sample_site_has_no_unresolved_rules_or_band_findings(site):
    _, result = site
    assert [r for r in result.credit_rules if r.status == "unresolved"] == []
    assert [f for f in result.findings if f.kind.startswith("age_band")] == []


def test_an_override_beats_the_newer_sources_of_the_changed_region(site):
    facts, _ = site
    changed = facts.changed_region
    articles, claims = _site_input(facts)
    override = _keep_old_value(facts)
    result = reconcile(claims, articles, [override])
    key = (changed.region_code, changed.population, changed.age_min, changed.age_max)
    rule = next(r for r in result.credit_rules if _key(r) == key)
    assert (rule.monthly_yuan, rule.status) == (changed.old_monthly_yuan, "overridden")
    conflict = next(c for c in result.conflicts if _key(c) == key)
    assert (conflict.status, conflict.reason) == (
        "overridden",
        "override by 审核员: 新标准尚未执行",
    )
    assert result.unmatched_overrides == []


def test_keys_reconciled_by_worker_processes_give_the_same_result(site):
    facts, serial = site
    articles, claims = _site_input(facts)
    override = _keep_old_value(facts)
    unmatched = dataclasses.replace(override, region="不存在", region_code="999999")
    assert reconcile(claims, articles, workers=2) == serial
    with_overrides = reconcile(claims, articles, [override, unmatched])
    assert reconcile(claims, articles, [override, unmatched], workers=2) == with_overrides
    assert with_overrides.unmatched_overrides == [unmatched]
