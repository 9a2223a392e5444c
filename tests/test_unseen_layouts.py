"""Extraction on page layouts and phrasings the extractors were not built on (tests/fixtures/unseen).

Each case is ``<name>.html`` (bytes in the page's own encoding) beside ``<name>.expected.json``:
the URL it was served at, the title, the publication date (an ISO prefix), the claims a careful
reader takes (compared as a set on the fields of CLAIM_KEY), and ``must_not_contain``: trap
strings from sidebars, comments and related lists that must not reach any body paragraph.
Cases that fail today are listed in KNOWN_FAILURES with the reason; a listed case that starts
passing fails the test, so the list stays honest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractors.claims import extract_claims
from extractors.html import ParseError, parse_html
from extractors.records import Article, Claim

UNSEEN = Path(__file__).parent / "fixtures" / "unseen"
# The fields a claim is compared on (set semantics per article, as for the seeds' gold claims).
CLAIM_KEY = ("region_code", "population", "age_min", "age_max", "method", "monthly_yuan",
             "ratio_min", "ratio_max", "approximate")
# Cases that fail today, with what goes wrong (the audit report has the snippets and fixes).
KNOWN_FAILURES: dict[str, str] = {
}


def _cases() -> list[str]:
    """Names of the unseen pages (one expected.json per page)."""
    return sorted(p.name.removesuffix(".expected.json") for p in UNSEEN.glob("*.expected.json"))


def _key(values: dict[str, Any] | Claim) -> tuple[Any, ...]:
    """A claim (or an expected claim dict) as a comparable tuple of CLAIM_KEY fields."""
    get = values.get if isinstance(values, dict) else lambda f: getattr(values, f)
    return tuple(float(v) if isinstance(v, int) and not isinstance(v, bool) and f.endswith("yuan") else v
                 for f, v in ((f, get(f)) for f in CLAIM_KEY))


def _show(key: tuple[Any, ...]) -> str:
    """A readable one-line form of a claim key."""
    return ", ".join(f"{f}={v}" for f, v in zip(CLAIM_KEY, key, strict=True) if v is not None)


def _claim_problems(claims: list[Claim], expected: list[dict[str, Any]]) -> list[str]:
    """Missing and unexpected claims, each with its evidence when the extractor produced it."""
    got = {_key(c): c for c in claims}
    want = {_key(e) for e in expected}
    problems = [f"missing claim: {_show(k)}" for k in sorted(want - set(got), key=str)]
    problems += [f"unexpected claim: {_show(k)}  <- {got[k].evidence!r}" for k in sorted(set(got) - want, key=str)]
    return problems


def _page_problems(article: Article, expected: dict[str, Any]) -> list[str]:
    """Wrong title or date, and trap text that reached the body."""
    problems = []
    if article.title != expected["title"]:
        problems.append(f"title: got {article.title!r}, want {expected['title']!r}")
    date = article.published_at.isoformat() if article.published_at else None
    if date is None or not date.startswith(expected["published_at"]):
        problems.append(f"published_at: got {date!r}, want prefix {expected['published_at']!r}")
    for trap in expected["must_not_contain"]:
        problems += [f"trap {trap!r} in body paragraph {p.ordinal}: {p.text!r}"
                     for p in article.paragraphs if trap in p.text]
    return problems


def page_problems(name: str) -> list[str]:
    """Everything that differs between the extraction of one unseen page and its expectation."""
    expected = json.loads((UNSEEN / f"{name}.expected.json").read_text(encoding="utf-8"))
    try:
        article = parse_html((UNSEEN / f"{name}.html").read_bytes(), expected["url"])
    except ParseError as exc:  # the whole page lost: every expected claim is missing
        return [f"ParseError: {exc}"]
    return _page_problems(article, expected) + _claim_problems(extract_claims(article), expected["claims"])


def test_corpus_is_present() -> None:
    """The corpus holds a dozen pages, each with its HTML beside its expectation."""
    names = _cases()
    assert len(names) >= 12, names
    assert all((UNSEEN / f"{n}.html").is_file() for n in names)
    assert set(KNOWN_FAILURES) <= set(names), set(KNOWN_FAILURES) - set(names)


@pytest.mark.parametrize("name", _cases())
def test_unseen_page(name: str) -> None:
    """Title, date, body without traps, and exactly the expected claims (strict xfail for known failures)."""
    problems = page_problems(name)
    if name in KNOWN_FAILURES:
        if not problems:
            pytest.fail(f"{name} is listed in KNOWN_FAILURES but now passes: remove it from the list")
        pytest.xfail(KNOWN_FAILURES[name])
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)
