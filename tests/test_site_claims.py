"""Claims gate on the embedded sample site: every page's claims equal the generator's expected claims.

Read through both the site profile and the generic main-content path (``profiles=()``), so the
claims do not depend on knowing the layout. Compared on every claim field but the evidence text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.claims import extract_claims
from extractors.html import parse_html

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "data" / "sample_facts.json"
SITE = REPO / "data" / "sample_site"
FIELDS = (
    "region",
    "region_code",
    "population",
    "age_min",
    "age_max",
    "method",
    "monthly_yuan",
    "amount_yuan",
    "period",
    "ratio_min",
    "ratio_max",
    "base",
    "approximate",
    "deduction_yuan",
)

pytestmark = pytest.mark.skipif(
    not FACTS.exists(), reason=f"sample site facts not found at {FACTS}"
)


def _articles() -> list[dict]:
    return json.loads(FACTS.read_text(encoding="utf-8"))["articles"] if FACTS.exists() else []


def _key(values: dict) -> tuple:
    return tuple(
        float(v) if isinstance(v, int) and not isinstance(v, bool) else v
        for v in (values[f] for f in FIELDS)
    )


@pytest.mark.parametrize("path", ["profile", "generic"])
def test_sample_site_claims_equal_the_generators_facts(path: str) -> None:
    kwargs = {"profiles": ()} if path == "generic" else {}
    missing, extra = [], []
    for fact in _articles():
        body = (SITE / fact["path"]).read_bytes()
        article = parse_html(
            body,
            "http://sample-site.invalid" + fact["url_path"],
            content_type=fact.get("content_type"),
            **kwargs,
        )
        got = {_key({f: getattr(c, f) for f in FIELDS}) for c in extract_claims(article)}
        want = {_key(c) for c in fact["expected_claims"]}
        missing += [(fact["path"], k) for k in want - got]
        extra += [(fact["path"], k) for k in got - want]
    assert missing == [], "expected claims not extracted"
    assert extra == [], "claims the site does not state"


def test_trap_places_never_claimed() -> None:
    traps = {t["region"] for fact in _articles() for t in fact.get("traps", [])}
    for fact in _articles():
        article = parse_html(
            (SITE / fact["path"]).read_bytes(), "http://sample-site.invalid" + fact["url_path"]
        )
        assert traps.isdisjoint({c.region for c in extract_claims(article)}), fact["path"]
