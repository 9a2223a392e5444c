"""Golden files: each page's extraction equals its committed expectation, field by field.

After an intended change run ``python -m tests.golden_update`` and review ``git diff tests/golden``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from tests.golden_update import GoldenPage, all_pages, snapshot

PAGES = all_pages()
REGENERATE = "run `python -m tests.golden_update` and review the diff if the change is intended"


@cache
def expected(page: GoldenPage) -> dict[str, Any]:
    return json.loads(page.golden.read_text(encoding="utf-8"))


@cache
def actual(page: GoldenPage) -> dict[str, Any]:
    return json.loads(json.dumps(snapshot(page), ensure_ascii=False))


def field_cases() -> list[Any]:
    """(page, section, field) for every field of every golden file: one failure per wrong field."""
    cases = []
    for page in PAGES:
        if not page.golden.exists():
            continue
        for section, value in expected(page).items():
            fields = value.keys() if section == "article" else [None]
            cases += [pytest.param(page, section, f, id=f"{page.golden.stem}:{section}{'.' + f if f else ''}")
                      for f in fields]
    return cases


def test_every_page_has_a_golden_file() -> None:
    missing = [str(p.golden) for p in PAGES if not p.golden.exists()]
    assert missing == [], REGENERATE


@pytest.mark.parametrize(("page", "section", "field"), field_cases())
def test_field(page: GoldenPage, section: str, field: str | None) -> None:
    want, got = expected(page)[section], actual(page).get(section)
    if field is not None:
        want, got = want[field], (got or {}).get(field)
    assert got == want, REGENERATE


@pytest.mark.parametrize("page", [p for p in PAGES if p.golden.exists()], ids=lambda p: p.golden.stem)
def test_no_unexpected_fields(page: GoldenPage) -> None:
    want, got = expected(page), actual(page)
    extra = sorted(set(got) - set(want)) + sorted(
        f"article.{k}" for k in set(got.get("article", {})) - set(want.get("article", {})))
    assert extra == [], REGENERATE
