"""The five seed articles against ../shared/seeds/gold.json: every gold claim reached, no extra claim.

Set semantics per article on (region, population, age band, method, monthly amount, ratios,
approximate); gold names places by short name (北京), normalised through the region table.
The seeds are third-party text: they are read from ../shared/seeds, never copied here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.claims import extract_claims
from extractors.records import Claim
from extractors.regions import lookup
from extractors.text import parse_text

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
GOLD = SEEDS / "gold.json"
COMPARED = (
    "population",
    "age_min",
    "age_max",
    "method",
    "monthly_yuan",
    "ratio_min",
    "ratio_max",
    "approximate",
)

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason=f"seed articles not found at {SEEDS}")


def _gold() -> dict[str, dict]:
    return json.loads(GOLD.read_text(encoding="utf-8")) if GOLD.exists() else {}


def _key(region: str, fields: dict) -> tuple:
    place = lookup(region)
    assert place is not None, f"gold region {region!r} is not in the region table"
    values = tuple(None if fields.get(f) is None else fields[f] for f in COMPARED)
    monthly = None if values[4] is None else round(float(values[4]), 2)
    return (place.code, *values[:4], monthly, *values[5:])


def _claim_key(claim: Claim) -> tuple:
    return _key(claim.region, {f: getattr(claim, f) for f in COMPARED})


def _parse(name: str):
    path = SEEDS / f"{name}.txt"
    return parse_text(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("name", sorted(_gold()))
def test_seed_claims_match_gold(name: str) -> None:
    want = {_key(c["region"], c) for c in _gold()[name]["claims"]}
    got = {_claim_key(c) for c in extract_claims(_parse(name))}
    assert sorted(want - got, key=str) == [], "gold claims not reached"
    assert sorted(got - want, key=str) == [], "claims that gold does not have"


@pytest.mark.parametrize("name", sorted(_gold()))
def test_seed_title_and_date(name: str) -> None:
    gold = _gold()[name]
    article = _parse(name)
    assert article.title == gold["title"]
    published = article.published_at.strftime("%Y-%m-%d %H:%M:%S") if article.published_at else None
    assert published == gold["date"]
    assert article.extractor == "text"


@pytest.mark.parametrize("name", sorted(_gold()))
def test_seed_claims_never_take_the_title_city(name: str) -> None:
    article = _parse(name)
    if article.title_region is None:
        pytest.skip("title names no place")
    assert article.title_region not in {c.region for c in extract_claims(article)}


def test_seed_rule_stated_twice_is_one_claim_with_both_sentences() -> None:
    claims = extract_claims(_parse("001_c2852acd95a87976"))
    beijing_low = [c for c in claims if c.region == "北京市" and c.age_max == 70]
    assert len(beijing_low) == 1
    assert beijing_low[0].evidence_more, (
        "the repeated statements should be kept as further evidence"
    )
    assert beijing_low[0].deduction_yuan == 3
