"""Consistency findings a reviewer wants: age-band overlaps and gaps, yearly/monthly mismatch, ranges."""

from __future__ import annotations

from dataclasses import replace

import pytest
from reconcile_factories import claim

from pipelines.consistency import (
    AGE_BAND_GAP,
    AGE_BAND_OVERLAP,
    AMOUNT_OUT_OF_RANGE,
    NO_EVIDENCE,
    RATIO_OUT_OF_RANGE,
    YEARLY_MONTHLY_MISMATCH,
    check_claims,
    check_rules,
)
from pipelines.records import CreditRule

RULE = CreditRule(
    region="北京市",
    region_code="110000",
    population="retiree",
    age_min=None,
    age_max=70,
    method="fixed",
    monthly_yuan=100.0,
    ratio_min=None,
    ratio_max=None,
    base=None,
    approximate=False,
    deduction_yuan=None,
    status="agreed",
    n_mentions=1,
    n_independent_sources=1,
    first_seen=None,
    last_seen=None,
    source_urls=("https://www.shebao.example/a.html",),
    evidence=("北京市70岁以下退休人员每月划入100元。",),
)


def rule(**fields) -> CreditRule:
    return replace(RULE, **fields)


def kinds(findings):
    return sorted(f.kind for f in findings)


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ([(None, 70), (70, None)], []),
        ([(None, 75), (75, 80), (80, None)], []),
        ([(None, 70), (75, None)], [AGE_BAND_GAP]),
        ([(None, 75), (70, None)], [AGE_BAND_OVERLAP]),
        ([(None, None), (None, 70), (70, None)], [AGE_BAND_OVERLAP, AGE_BAND_OVERLAP]),
        ([(70, 80)], []),  # only one band stated: nothing to compare
        ([(None, 70), (70, 80)], []),  # no statement above 80 is not a gap between bands
    ],
)
def test_age_bands(bands, expected):
    rules = [rule(age_min=low, age_max=high) for low, high in bands]
    assert kinds(check_rules(rules)) == expected


def test_bands_are_checked_within_one_region_and_population_only():
    rules = [
        rule(age_min=None, age_max=75),
        rule(age_min=70, age_max=None, population="employee"),
        rule(age_min=70, age_max=None, region="上海市", region_code="310000"),
    ]
    assert check_rules(rules) == []


def test_gap_finding_names_the_missing_ages():
    [finding] = check_rules([rule(age_min=None, age_max=70), rule(age_min=75, age_max=None)])
    assert finding.key == "北京市 110000 retiree [75, -)"
    assert "[70, 75)" in finding.message


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"method": "ratio", "monthly_yuan": None, "ratio_min": 0.02, "ratio_max": 0.03}, []),
        ({"method": "ratio", "monthly_yuan": None, "ratio_min": 0.1, "ratio_max": 0.1}, []),
        (
            {"method": "ratio", "monthly_yuan": None, "ratio_min": 0.02, "ratio_max": 2.8},
            [RATIO_OUT_OF_RANGE],
        ),
        (
            {"method": "ratio", "monthly_yuan": None, "ratio_min": 0.0, "ratio_max": 0.02},
            [RATIO_OUT_OF_RANGE],
        ),
        ({"monthly_yuan": 1680.0}, [AMOUNT_OUT_OF_RANGE]),  # a yearly figure read as monthly
        ({"monthly_yuan": 0.0}, [AMOUNT_OUT_OF_RANGE]),
        ({"monthly_yuan": 1000.0}, []),
        ({"evidence": ()}, [NO_EVIDENCE]),
    ],
)
def test_rule_ranges(fields, expected):
    assert kinds(check_rules([rule(**fields)])) == expected


@pytest.mark.parametrize(
    ("fields", "flagged"),
    [
        ({"monthly_yuan": 140.0, "amount_yuan": 1680.0, "period": "year"}, False),
        ({"monthly_yuan": 1000 / 12, "amount_yuan": 1000.0, "period": "year"}, False),
        ({"monthly_yuan": 1680.0, "amount_yuan": 1680.0, "period": "year"}, True),
        ({"monthly_yuan": 100.0, "amount_yuan": 110.0, "period": "month"}, True),
        ({"monthly_yuan": None, "amount_yuan": 110.0, "period": "month"}, False),
    ],
)
def test_monthly_against_its_own_yearly_figure(fields, flagged):
    findings = check_claims([claim(**fields)])
    assert kinds(findings) == ([YEARLY_MONTHLY_MISMATCH] if flagged else [])
    if flagged:
        assert "article a1, paragraph 0" in findings[0].message
