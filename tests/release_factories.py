"""Small hand-built records and tables for the release tests (schemas, publish, diff, dataset, CLI)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pyarrow as pa

from extractors.records import Article, Claim, Paragraph
from pipelines import schemas
from pipelines.records import Candidate, Conflict, CreditRule, ParagraphRow

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEIJING_URL = "https://www.shebao.example/yibao/101.html"
SHANGHAI_URL = "https://www.shebao.example/yibao/102.html"


def when(day: str) -> datetime:
    """Midnight of an ISO day in Asia/Shanghai."""
    return datetime.fromisoformat(day).replace(tzinfo=SHANGHAI)


def article(article_id: str = "a1", url: str = BEIJING_URL, **changes) -> Article:
    base = Article(
        article_id=article_id,
        url=url,
        site="www.shebao.example",
        title="资阳退休人员医保个人账户每月返多少",
        published_at=when("2026-03-01"),
        fetched_at=when("2026-11-20"),
        title_region="资阳市",
        content_sha256="c" * 64,
        extractor="generic",
        paragraphs=(Paragraph(0, "北京退休人员每月划入100元。"), Paragraph(1, "页脚", kind="p")),
        encoding="utf-8",
        alternate_urls=("https://m.shebao.example/yibao/101.html",),
    )
    return replace(base, **changes)


def paragraph(article_id: str = "a1", ordinal: int = 0, **changes) -> ParagraphRow:
    base = ParagraphRow(
        article_id=article_id,
        ordinal=ordinal,
        section=None,
        text="北京退休人员每月划入100元。",
        norm_hash="n" * 16,
        cluster_id="k1",
        cluster_size=3,
        is_boilerplate=True,
    )
    return replace(base, **changes)


def claim(**changes) -> Claim:
    base = Claim(
        region="北京市",
        region_code="110000",
        population="retiree",
        age_min=70,
        age_max=None,
        method="fixed",
        monthly_yuan=110.0,
        amount_yuan=110.0,
        period="month",
        ratio_min=None,
        ratio_max=None,
        base=None,
        approximate=False,
        deduction_yuan=None,
        evidence="北京70岁及以上退休人员每月划入110元。",
        article_id="a1",
        paragraph_ordinal=0,
        cluster_id="k1",
        evidence_more=("另一句同样的话。",),
    )
    return replace(base, **changes)


def rule(**changes) -> CreditRule:
    base = CreditRule(
        region="北京市",
        region_code="110000",
        population="retiree",
        age_min=70,
        age_max=None,
        method="fixed",
        monthly_yuan=110.0,
        ratio_min=None,
        ratio_max=None,
        base=None,
        approximate=False,
        deduction_yuan=None,
        status="agreed",
        n_mentions=3,
        n_independent_sources=2,
        first_seen=when("2025-06-05"),
        last_seen=when("2026-03-01"),
        source_urls=(BEIJING_URL,),
        evidence=("北京70岁及以上退休人员每月划入110元。",),
        note=None,
        n_sites=1,
    )
    return replace(base, **changes)


def candidate(value: str = '{"monthly_yuan":140.0}', **changes) -> Candidate:
    base = Candidate(
        value=value,
        n_mentions=2,
        n_independent_sources=2,
        first_seen=when("2026-03-01"),
        last_seen=when("2026-03-01"),
        source_urls=(SHANGHAI_URL,),
        evidence=("上海退休人员每年1680元。",),
        n_sites=1,
        latest_published_at=when("2026-03-01"),
    )
    return replace(base, **changes)


def conflict(**changes) -> Conflict:
    base = Conflict(
        region="上海市",
        region_code="310000",
        population="retiree",
        age_min=None,
        age_max=None,
        field="monthly_yuan",
        candidates=(
            candidate(),
            candidate(
                '{"monthly_yuan":120.0}',
                n_independent_sources=1,
                last_seen=when("2025-06-05"),
                evidence=("上海退休人员每月120元。",),
                source_urls=("https://www.shebao.example/old.html",),
            ),
        ),
        chosen='{"monthly_yuan":140.0}',
        status="resolved",
        reason="newer sources (2026-03-01 > 2025-06-05)",
    )
    return replace(base, **changes)


def rules_for(*pairs: tuple[int | None, int | None, float]) -> list[CreditRule]:
    """Beijing retiree rules, one per (age_min, age_max, monthly_yuan)."""
    return [rule(age_min=lo, age_max=hi, monthly_yuan=amount) for lo, hi, amount in pairs]


def tables(
    rules: list[CreditRule] | None = None,
    conflicts: list[Conflict] | None = None,
    articles: list[Article] | None = None,
) -> dict[str, pa.Table]:
    """All five tables of a small release; defaults give a plausible Beijing/Shanghai release."""
    rules = rules if rules is not None else rules_for((None, 70, 100.0), (70, None, 110.0))
    articles = articles if articles is not None else [article(), article("a2", SHANGHAI_URL)]
    return {
        "articles": schemas.articles_table(articles),
        "paragraphs": schemas.paragraphs_table([paragraph(), paragraph(ordinal=1, text="页脚")]),
        "claims": schemas.claims_table([claim(), claim(age_min=None, age_max=70, monthly_yuan=100.0)]),
        "credit_rules": schemas.credit_rules_table(rules),
        "conflicts": schemas.conflicts_table(conflicts if conflicts is not None else [conflict()]),
    }


def big_tables(n_rules: int) -> dict[str, pa.Table]:
    """A release with many rows (for the kill test): n_rules distinct age bands of one region."""
    rules = [rule(age_min=age, age_max=age + 1, monthly_yuan=float(age)) for age in range(n_rules)]
    return tables(rules=rules)
