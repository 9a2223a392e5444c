"""Small factories for hand-built claims and articles used by the reconciliation tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from extractors.records import Article, Claim

SHANGHAI = timezone(timedelta(hours=8))

BASE_CLAIM = Claim(
    region="北京市",
    region_code="110000",
    population="retiree",
    age_min=None,
    age_max=70,
    method="fixed",
    monthly_yuan=100.0,
    amount_yuan=100.0,
    period="month",
    ratio_min=None,
    ratio_max=None,
    base=None,
    approximate=False,
    deduction_yuan=None,
    evidence="北京市70岁以下退休人员每月划入100元。",
    article_id="a1",
    paragraph_ordinal=0,
)


def day(text: str) -> datetime:
    """A timezone-aware datetime at 09:00 Asia/Shanghai on the ISO day ``text``."""
    return datetime.fromisoformat(text).replace(hour=9, tzinfo=SHANGHAI)


def article(
    article_id: str,
    published: str | None = "2025-06-05",
    *,
    site: str = "www.shebao.example",
    fetched: str = "2026-11-01",
) -> Article:
    """An article with just the fields reconciliation reads."""
    return Article(
        article_id=article_id,
        url=f"https://{site}/news/{article_id}.html",
        site=site,
        title=f"文章 {article_id}",
        published_at=day(published) if published else None,
        fetched_at=day(fetched),
        title_region=None,
        content_sha256="0" * 64,
        extractor="test",
    )


def claim(**fields: Any) -> Claim:
    """BASE_CLAIM with ``fields`` replaced; a monthly amount given alone is also the amount as written."""
    if "monthly_yuan" in fields and "amount_yuan" not in fields:
        fields["amount_yuan"] = fields["monthly_yuan"]
    return replace(BASE_CLAIM, **fields)


def articles_of(*items: Article) -> dict[str, Article]:
    """Articles keyed by article_id, as reconcile takes them."""
    return {item.article_id: item for item in items}
