"""Reconciliation on hand-built claim sets: agreement merges, conflicts and how each is decided."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reconcile_factories import article, articles_of, claim

from extractors.records import Claim
from pipelines.merge import Value, compatible, merge_values
from pipelines.overrides import Override
from pipelines.reconcile import reconcile

RATIO = dict(
    method="ratio",
    monthly_yuan=None,
    amount_yuan=None,
    period=None,
    ratio_min=0.028,
    ratio_max=0.028,
    base="regional_avg_pension",
)


def only_rule(result):
    assert len(result.credit_rules) == 1, result.credit_rules
    return result.credit_rules[0]


# --- agreement merges ------------------------------------------------------------------------


def test_approximate_amount_beside_ratio_rule_merges_into_the_ratio_rule():
    claims = [
        claim(article_id="a1", region="深圳市", region_code="440300", age_max=None, **RATIO),
        claim(
            article_id="a2",
            region="深圳市",
            region_code="440300",
            age_max=None,
            method=None,
            monthly_yuan=84.0,
            amount_yuan=84.0,
            approximate=True,
        ),
    ]
    result = reconcile(claims, articles_of(article("a1"), article("a2")))
    rule = only_rule(result)
    assert (rule.method, rule.ratio_min, rule.ratio_max, rule.base) == (
        "ratio",
        0.028,
        0.028,
        "regional_avg_pension",
    )
    assert (rule.monthly_yuan, rule.approximate, rule.status) == (84.0, True, "agreed")
    assert result.conflicts == []
    assert rule.n_mentions == 2


def test_deduction_stated_once_is_kept():
    claims = [
        claim(article_id="a1", deduction_yuan=3.0),
        claim(article_id="a2", deduction_yuan=None),
    ]
    rule = only_rule(reconcile(claims, articles_of(article("a1"), article("a2"))))
    assert (rule.monthly_yuan, rule.deduction_yuan, rule.status) == (100.0, 3.0, "agreed")


def test_same_amount_written_yearly_and_monthly_merges():
    claims = [
        claim(
            article_id="a1",
            region="上海市",
            region_code="310000",
            method=None,
            monthly_yuan=140.0,
            amount_yuan=1680.0,
            period="year",
        ),
        claim(
            article_id="a2",
            region="上海市",
            region_code="310000",
            method=None,
            monthly_yuan=140.0,
            amount_yuan=140.0,
            period="month",
        ),
    ]
    rule = only_rule(reconcile(claims, articles_of(article("a1"), article("a2"))))
    assert (rule.monthly_yuan, rule.status, rule.n_mentions) == (140.0, "agreed", 2)


def test_yearly_figure_rounded_to_the_yuan_agrees_within_tolerance():
    claims = [
        claim(article_id="a1", monthly_yuan=1000 / 12, amount_yuan=1000.0, period="year"),
        claim(article_id="a2", monthly_yuan=83.0, amount_yuan=83.0),
    ]
    rule = only_rule(reconcile(claims, articles_of(article("a1"), article("a2"))))
    assert rule.status == "agreed"


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        (Value("fixed", 100.0), Value("fixed", 100.4), True),
        (Value("fixed", 100.0), Value("fixed", 110.0), False),
        (Value(None, 100.0, approximate=True), Value("fixed", 98.0), True),  # 约100元 vs 98元
        (
            Value("ratio", None, 0.02, 0.03),
            Value("ratio", None, 0.02, 0.03, base="regional_avg_pension"),
            True,
        ),
        (Value("ratio", None, 0.02, 0.03), Value("ratio", None, 0.02, 0.02), False),
        (
            Value("ratio", None, 0.02, 0.02, base="individual_pension"),
            Value("ratio", None, 0.02, 0.02, base="contribution_base"),
            False,
        ),
        (
            Value("ratio", None, 0.02, 0.02, approximate=True),
            Value("ratio", None, 0.02, 0.03),
            True,
        ),  # 2%左右 in 2%~3%
        (
            Value("ratio", None, 0.035, 0.035, approximate=True),
            Value("ratio", None, 0.02, 0.03),
            False,
        ),
        (
            Value("ratio", None, 0.025, 0.025),
            Value("ratio", None, 0.02, 0.03),
            False,
        ),  # exact point: a different rule
        (Value("ratio", None, 0.02, 0.02), Value("fixed", 80.0), False),  # fixed vs ratio
        (
            Value("ratio", None, 0.02, 0.02),
            Value(None, 80.0),
            False,
        ),  # exact amount of unknown method
        (
            Value("fixed", 100.0, deduction_yuan=3.0),
            Value("fixed", 100.0, deduction_yuan=5.0),
            False,
        ),
    ],
)
def test_compatible(a, b, agree):
    assert compatible(a, b) is agree
    assert compatible(b, a) is agree


def test_exact_ratio_refines_an_approximate_one():
    merged = merge_values(
        [Value("ratio", None, 0.02, 0.02, approximate=True), Value("ratio", None, 0.02, 0.02)]
    )
    assert merged.approximate is False


def test_stated_range_refines_an_approximate_ratio_inside_it():
    merged = merge_values(
        [Value("ratio", None, 0.02, 0.02, approximate=True), Value("ratio", None, 0.02, 0.03)]
    )
    assert (merged.ratio_min, merged.ratio_max, merged.approximate) == (0.02, 0.03, False)


def test_merge_prefers_exact_amount_over_approximate():
    merged = merge_values([Value(None, 100.0, approximate=True), Value("fixed", 98.0)])
    assert merged == Value("fixed", 98.0, approximate=False)


# --- conflicts -------------------------------------------------------------------------------


def test_newer_sources_win_and_the_older_value_is_kept_in_conflicts():
    claims = [
        claim(article_id="old1", cluster_id="c-old", monthly_yuan=90.0, amount_yuan=90.0),
        claim(article_id="old2", cluster_id="c-old2", monthly_yuan=90.0, amount_yuan=90.0),
        claim(
            article_id="new",
            cluster_id="c-new",
            monthly_yuan=100.0,
            evidence="新文件：每月划入100元。",
        ),
    ]
    arts = articles_of(
        article("old1", "2025-06-05"), article("old2", "2025-06-01"), article("new", "2026-03-01")
    )
    result = reconcile(claims, arts)
    rule = only_rule(result)
    assert (rule.monthly_yuan, rule.status) == (100.0, "resolved")
    assert rule.evidence == ("新文件：每月划入100元。",)
    assert rule.source_urls == ("https://www.shebao.example/news/new.html",)
    [conflict] = result.conflicts
    assert conflict.status == "resolved"
    assert conflict.field == "monthly_yuan"
    assert conflict.reason == "newer sources (2026-03-01 > 2025-06-05)"
    assert json.loads(conflict.chosen)["monthly_yuan"] == 100.0
    values = sorted(json.loads(c.value)["monthly_yuan"] for c in conflict.candidates)
    assert values == [90.0, 100.0]
    older = next(c for c in conflict.candidates if json.loads(c.value)["monthly_yuan"] == 90.0)
    assert (older.n_mentions, older.n_independent_sources) == (2, 2)
    assert older.last_seen.date() == dt.date(2025, 6, 5)


def test_equal_dates_more_independent_sources_win_boilerplate_counts_once():
    # 5 copies of one boilerplate paragraph (one cluster) say 90; two distinct paragraphs say 100.
    boiler = [
        claim(article_id=f"b{i}", cluster_id="c-boiler", monthly_yuan=90.0, amount_yuan=90.0)
        for i in range(5)
    ]
    distinct = [
        claim(article_id="u1", cluster_id="c-u1"),
        claim(article_id="u2", cluster_id="c-u2"),
    ]
    arts = articles_of(
        *(article(f"b{i}", "2026-01-10") for i in range(5)),
        article("u1", "2026-01-10"),
        article("u2", "2026-01-10"),
    )
    result = reconcile(boiler + distinct, arts)
    rule = only_rule(result)
    assert (rule.monthly_yuan, rule.status, rule.n_independent_sources) == (100.0, "resolved", 2)
    [conflict] = result.conflicts
    assert conflict.reason == "more independent sources (2 > 1)"
    loser = next(c for c in conflict.candidates if json.loads(c.value)["monthly_yuan"] == 90.0)
    assert (loser.n_mentions, loser.n_independent_sources) == (5, 1)


def test_same_day_different_hours_is_not_newer():
    claims = [
        claim(article_id="a1", cluster_id="c1", monthly_yuan=90.0),
        claim(article_id="a2", cluster_id="c2"),
    ]
    arts = articles_of(article("a1", "2026-01-10"), article("a2", "2026-01-10"))
    later = arts["a2"]
    arts["a2"] = type(later)(
        **{
            **{f: getattr(later, f) for f in later.__slots__},
            "published_at": later.published_at.replace(hour=22),
        }
    )
    result = reconcile(claims, arts)
    assert only_rule(result).status == "unresolved"


def test_tie_is_unresolved_with_disagreeing_fields_empty_and_row_kept():
    claims = [
        claim(article_id="a1", cluster_id="c1", monthly_yuan=90.0),
        claim(article_id="a2", cluster_id="c2"),
    ]
    result = reconcile(
        claims, articles_of(article("a1", "2026-01-10"), article("a2", "2026-01-10"))
    )
    rule = only_rule(result)
    assert (rule.status, rule.method, rule.monthly_yuan) == ("unresolved", "fixed", None)
    assert rule.n_mentions == 2 and rule.n_independent_sources == 2
    assert rule.note == "tie: 2 values with equal date and support"
    [conflict] = result.conflicts
    assert (conflict.status, conflict.chosen) == ("unresolved", None)
    assert conflict.reason == "tie: 2 values with equal date and support"
    assert len(conflict.candidates) == 2


def test_undated_value_skips_the_date_step():
    claims = [
        claim(article_id="a1", cluster_id="c1", monthly_yuan=90.0),
        claim(article_id="a2", cluster_id="c2"),
        claim(article_id="a3", cluster_id="c3"),
    ]
    arts = articles_of(article("a1", "2026-05-01"), article("a2", None), article("a3", None))
    result = reconcile(claims, arts)
    assert (
        only_rule(result).monthly_yuan == 100.0
    )  # the 100 value has no dated article: two sources beat one dated one
    assert result.conflicts[0].reason == "more independent sources (2 > 1)"


def test_fixed_against_ratio_is_a_conflict_on_method():
    claims = [
        claim(article_id="a1", cluster_id="c1"),
        claim(article_id="a2", cluster_id="c2", **RATIO),
    ]
    result = reconcile(
        claims, articles_of(article("a1", "2025-01-01"), article("a2", "2026-01-01"))
    )
    assert only_rule(result).method == "ratio"
    assert result.conflicts[0].field.startswith("method,")


# --- overrides -------------------------------------------------------------------------------


def override(**fields) -> Override:
    defaults = dict(
        region="北京市",
        region_code="110000",
        population="retiree",
        age_min=None,
        age_max=70,
        values=(("monthly_yuan", 110.0),),
        reviewer="王审",
        note="市医保局2026年通知",
        date=dt.date(2026, 3, 2),
        line=3,
    )
    return Override(**{**defaults, **fields})


def test_override_wins_over_a_conflict_and_is_recorded():
    claims = [
        claim(article_id="a1", cluster_id="c1", monthly_yuan=90.0),
        claim(article_id="a2", cluster_id="c2"),
    ]
    result = reconcile(
        claims, articles_of(article("a1", "2025-01-01"), article("a2", "2026-01-01")), [override()]
    )
    rule = only_rule(result)
    assert (rule.status, rule.method, rule.monthly_yuan) == ("overridden", "fixed", 110.0)
    assert rule.note == "override by 王审 (2026-03-02): 市医保局2026年通知"
    [conflict] = result.conflicts
    assert conflict.status == "overridden"
    assert conflict.reason == "override by 王审: 市医保局2026年通知"
    assert json.loads(conflict.chosen)["monthly_yuan"] == 110.0
    assert result.unmatched_overrides == []


def test_override_with_method_replaces_the_whole_value():
    claims = [claim(**RATIO)]
    result = reconcile(
        claims,
        articles_of(article("a1")),
        [override(values=(("method", "fixed"), ("monthly_yuan", 100.0)))],
    )
    rule = only_rule(result)
    assert (rule.method, rule.monthly_yuan, rule.ratio_min, rule.base) == (
        "fixed",
        100.0,
        None,
        None,
    )


def test_override_matching_no_key_is_reported():
    stale = override(age_min=70, age_max=None)
    result = reconcile([claim()], articles_of(article("a1")), [stale])
    assert result.unmatched_overrides == [stale]
    assert only_rule(result).status == "agreed"


def test_override_by_short_region_name_matches_the_canonical_name():
    result = reconcile(
        [claim()], articles_of(article("a1")), [override(region="北京", region_code=None)]
    )
    assert only_rule(result).status == "overridden"


# --- rows ------------------------------------------------------------------------------------


def test_rows_sorted_by_key_with_open_lower_bound_first():
    claims = [
        claim(region="上海市", region_code="310000", age_min=None, age_max=None, article_id="a1"),
        claim(age_min=70, age_max=None, monthly_yuan=110.0, article_id="a1", paragraph_ordinal=2),
        claim(age_min=None, age_max=70, article_id="a1", paragraph_ordinal=1),
        claim(
            population="employee", age_min=None, age_max=None, article_id="a1", paragraph_ordinal=3
        ),
    ]
    rules = reconcile(claims, articles_of(article("a1"))).credit_rules
    keys = [(r.region_code, r.population, r.age_min, r.age_max) for r in rules]
    assert keys == [
        ("110000", "employee", None, None),
        ("110000", "retiree", None, 70),
        ("110000", "retiree", 70, None),
        ("310000", "retiree", None, None),
    ]


def test_row_dates_fall_back_to_fetched_at_and_evidence_is_distinct_and_ranked():
    claims = [
        claim(article_id="a1", cluster_id="c1", evidence="甲句。"),
        claim(article_id="a2", cluster_id="c1", evidence="甲句。"),
        claim(article_id="a3", cluster_id="c3", evidence="乙句。", evidence_more=("甲句。",)),
        claim(article_id="a4", cluster_id="c4", evidence="丙句。"),
    ]
    arts = articles_of(
        article("a1", "2025-01-01"),
        article("a2", None, fetched="2026-11-01"),
        article("a3", "2025-05-01"),
        article("a4", "2025-03-01"),
    )
    rule = only_rule(reconcile(claims, arts))
    assert rule.evidence == ("甲句。", "乙句。", "丙句。")
    assert (rule.first_seen.date(), rule.last_seen.date()) == (
        dt.date(2025, 1, 1),
        dt.date(2026, 11, 1),
    )
    assert len(rule.source_urls) == 4 and list(rule.source_urls) == sorted(rule.source_urls)


def test_evidence_is_capped():
    claims = [claim(article_id="a1", paragraph_ordinal=i, evidence=f"第{i}句。") for i in range(12)]
    rule = only_rule(reconcile(claims, articles_of(article("a1"))))
    assert len(rule.evidence) == 5 and rule.n_independent_sources == 12


def test_output_does_not_depend_on_claim_order():
    claims = [
        claim(article_id="a1", cluster_id="c1", monthly_yuan=90.0),
        claim(article_id="a2", cluster_id="c2"),
        claim(article_id="a3", cluster_id="c3", method=None, approximate=True, monthly_yuan=101.0),
    ]
    arts = articles_of(
        article("a1", "2026-01-10"), article("a2", "2026-01-10"), article("a3", "2026-01-09")
    )
    assert reconcile(claims, arts) == reconcile(list(reversed(claims)), arts)


# --- the seeds' gold claims (third-party articles: read in place, never copied) ---------------

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _seed_inputs():
    """Claims from seeds/gold.json (evidence replaced by a label) and one dated article per seed."""
    lookup = pytest.importorskip("extractors.regions").lookup
    gold = json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))
    claims, arts = [], []
    for seed, entry in sorted(gold.items()):
        arts.append(article(seed, (entry["date"] or "")[:10] or None))  # a seed may be undated
        for index, fields in enumerate(entry["claims"]):
            region = lookup(fields["region"])
            values = {k: v for k, v in fields.items() if k in Claim.__dataclass_fields__}
            monthly = values.get("monthly_yuan")
            values |= {"region": region.name, "region_code": region.code, "amount_yuan": monthly}
            values |= {"period": "month" if monthly is not None else None}
            values.setdefault("deduction_yuan", None)
            values.setdefault("base", None)
            claims.append(
                claim(
                    **values, article_id=seed, paragraph_ordinal=index, evidence=f"{seed}#{index}"
                )
            )
    return claims, articles_of(*arts)


@pytest.mark.skipif(not (SEEDS / "gold.json").exists(), reason=f"seeds not found at {SEEDS}")
def test_seed_claims_agree_once_refinements_merge():
    claims, arts = _seed_inputs()
    result = reconcile(claims, arts)
    rules = {(r.region, r.age_min, r.age_max): r for r in result.credit_rules}
    shenzhen = rules[("深圳市", None, None)]
    assert (shenzhen.method, shenzhen.ratio_min, shenzhen.monthly_yuan, shenzhen.approximate) == (
        "ratio",
        0.028,
        250.0,
        True,
    )
    beijing = rules[("北京市", None, 70)]
    assert (beijing.monthly_yuan, beijing.deduction_yuan, beijing.n_independent_sources) == (
        100.0,
        3.0,
        4,
    )
    assert rules[("上海市", 75, None)].monthly_yuan == 157.5
    assert {r.status for r in result.credit_rules} == {"agreed"}
    assert result.conflicts == []


# --- properties ------------------------------------------------------------------------------

AMOUNTS = st.sampled_from([90.0, 100.0, 100.3, 110.0])
CLAIMS = st.lists(
    st.builds(
        lambda aid, cluster, amount, band, approx: claim(
            article_id=aid,
            cluster_id=cluster,
            monthly_yuan=amount,
            age_min=band[0],
            age_max=band[1],
            approximate=approx,
            method=None if approx else "fixed",
        ),
        st.sampled_from(["a1", "a2", "a3"]),
        st.sampled_from(["c1", "c2", "c3", None]),
        AMOUNTS,
        st.sampled_from([(None, 70), (70, None)]),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
)
PROPERTY_ARTICLES = articles_of(
    article("a1", "2025-01-01"), article("a2", "2025-06-01"), article("a3", None)
)


@settings(max_examples=60, deadline=None)
@given(CLAIMS, st.randoms(use_true_random=False))
def test_reconcile_is_independent_of_claim_order(claims, rng):
    shuffled = list(claims)
    rng.shuffle(shuffled)
    assert reconcile(claims, PROPERTY_ARTICLES) == reconcile(shuffled, PROPERTY_ARTICLES)


@settings(max_examples=100, deadline=None)
@given(CLAIMS)
def test_copies_of_a_clustered_claim_add_mentions_not_sources(claims):
    clustered = [c for c in claims if c.cluster_id]
    before = reconcile(claims, PROPERTY_ARTICLES)
    after = reconcile(claims + clustered, PROPERTY_ARTICLES)
    assert [r.n_independent_sources for r in before.credit_rules] == [
        r.n_independent_sources for r in after.credit_rules
    ]
    assert [(r.monthly_yuan, r.status) for r in before.credit_rules] == [
        (r.monthly_yuan, r.status) for r in after.credit_rules
    ]
    assert len(before.credit_rules) == len({(c.age_min, c.age_max) for c in claims})
