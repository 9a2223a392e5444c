"""Dagster asset checks: blocking audits of the release candidate (write, audit, publish) and warnings elsewhere.

The rules themselves are plain functions over rows (dicts as pyarrow's `to_pylist` gives them),
each returning the offending keys, so they are tested with literal rows.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow.parquet as pq

from pipelines import stages
from pipelines.assets import (
    articles,
    claims,
    paragraphs,
    published_release,
    raw_pages,
    reconciled,
    release_candidate,
)
from pipelines.consistency import MAX_MONTHLY_YUAN, MAX_RATIO, check_rules
from pipelines.publish import PublishResult
from pipelines.stages import ArticleSet, CandidateRef, RawPagesRef, WorkSet

Row = Mapping[str, Any]

# Below this share of parsed pages the site layout has probably changed: don't publish a thin release.
MIN_PARSED_SHARE = 0.8
# Offending keys listed in a check's metadata (the rest are counted).
MAX_LISTED = 20
# The key of a credit rule (DESIGN "credit_rules": one row per these fields).
RULE_KEY = ("region_code", "population", "age_min", "age_max")


# --------------------------------------------------------------------------- rules over rows


def rule_key(row: Row) -> str:
    """A readable key: region code, population and half-open age band."""
    low = "" if row.get("age_min") is None else row["age_min"]
    high = "" if row.get("age_max") is None else row["age_max"]
    return f"{row.get('region', '')}({row['region_code']})/{row['population']}/[{low},{high})"


def duplicate_keys(rows: Iterable[Row]) -> list[str]:
    """Keys that occur on more than one credit rule."""
    counts = Counter(tuple(row[field] for field in RULE_KEY) for row in rows)
    return [f"{key[0]}/{key[1]}/[{key[2]},{key[3]})" for key, n in counts.items() if n > 1]


def insane_values(rows: Iterable[Row]) -> list[str]:
    """Rules whose ratios fall outside (0, MAX_RATIO], whose amounts fall outside
    (0, MAX_MONTHLY_YUAN], or whose ratio range is reversed."""
    bad = []
    for row in rows:
        ratios: list[float] = [row[f] for f in ("ratio_min", "ratio_max") if row.get(f) is not None]
        amount: float | None = row.get("monthly_yuan")
        problems = [f"ratio {r}" for r in ratios if not 0 < r <= MAX_RATIO]
        if amount is not None and not 0 < amount <= MAX_MONTHLY_YUAN:  # NaN fails this too
            problems.append(f"monthly_yuan {amount}")
        if len(ratios) == 2 and ratios[0] > ratios[1]:
            problems.append(f"ratio_min {ratios[0]} > ratio_max {ratios[1]}")
        bad += [f"{rule_key(row)}: {problem}" for problem in problems]
    return bad


def without_evidence(rows: Iterable[Row]) -> list[str]:
    """Rules with no evidence sentence or no source URL."""
    bad = []
    for row in rows:
        evidence = [text for text in (row.get("evidence") or ()) if text and text.strip()]
        if not evidence or not row.get("source_urls"):
            bad.append(rule_key(row))
    return bad


def overlapping_bands(rows: Iterable[Row]) -> list[str]:
    """Pairs of rules of the same region and population whose age bands [age_min, age_max) overlap."""
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        groups[(row["region_code"], row["population"])].append(row)
    bad = []
    for group in groups.values():
        ordered = sorted(group, key=lambda r: _low(r))
        for i, first in enumerate(ordered):
            bad += [f"{rule_key(first)} overlaps {rule_key(second)}"
                    for second in ordered[i + 1:] if _low(second) < _high(first)]
    return bad


def _low(row: Row) -> float:
    """Inclusive lower bound of a band (-inf when open)."""
    return -math.inf if row.get("age_min") is None else float(row["age_min"])


def _high(row: Row) -> float:
    """Exclusive upper bound of a band (+inf when open)."""
    return math.inf if row.get("age_max") is None else float(row["age_max"])


def result(problems: Sequence[str], ok: str, failed: str, *, severity: dg.AssetCheckSeverity
           = dg.AssetCheckSeverity.ERROR) -> dg.AssetCheckResult:
    """A check result: passed when there are no problems, else the first few listed in metadata."""
    listed = "\n".join(f"- {p}" for p in problems[:MAX_LISTED])
    if len(problems) > MAX_LISTED:
        listed += f"\n- … and {len(problems) - MAX_LISTED} more"
    return dg.AssetCheckResult(
        passed=not problems,
        severity=severity,
        description=ok if not problems else f"{failed}: {len(problems)} ({'; '.join(problems[:3])})",
        metadata={"problems": len(problems), **({"listed": dg.MetadataValue.md(listed)} if problems else {})},
    )


def candidate_rules(candidate: CandidateRef) -> list[dict[str, Any]]:
    """The credit rules of a written candidate, as rows."""
    return pq.read_table(Path(candidate.path) / "credit_rules.parquet").to_pylist()


def table_rows(work: WorkSet, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Some columns of a stage's Parquet table, as rows."""
    return pq.read_table(work.table, columns=list(columns)).to_pylist()


# --------------------------------------------------------------------------- blocking: the candidate


@dg.asset_check(asset=release_candidate, blocking=True)
def credit_rules_unique_keys(release_candidate: CandidateRef) -> dg.AssetCheckResult:
    """Each (region_code, population, age_min, age_max) has exactly one credit rule."""
    return result(duplicate_keys(candidate_rules(release_candidate)),
                  "every key is unique", "duplicate credit rule keys")


@dg.asset_check(asset=release_candidate, blocking=True)
def credit_rules_sane_values(release_candidate: CandidateRef) -> dg.AssetCheckResult:
    """Ratios lie in (0, 10%] and monthly amounts in (0, 1000] yuan (pipelines.consistency's bounds)."""
    return result(insane_values(candidate_rules(release_candidate)),
                  "ratios and amounts in range", "values out of range")


@dg.asset_check(asset=release_candidate, blocking=True)
def credit_rules_have_evidence(release_candidate: CandidateRef) -> dg.AssetCheckResult:
    """Every credit rule carries at least one evidence sentence and one source URL."""
    return result(without_evidence(candidate_rules(release_candidate)),
                  "every rule has evidence", "rules without evidence")


@dg.asset_check(asset=release_candidate, blocking=True)
def credit_rules_no_overlapping_age_bands(release_candidate: CandidateRef) -> dg.AssetCheckResult:
    """Within a region and population, age bands [age_min, age_max) do not overlap."""
    return result(overlapping_bands(candidate_rules(release_candidate)),
                  "age bands are disjoint", "overlapping age bands")


@dg.asset_check(asset=release_candidate, blocking=True)
def pages_parsed_share(release_candidate: CandidateRef) -> dg.AssetCheckResult:
    """At least 80% of the stored article pages had a body the parser could read."""
    share = release_candidate.parsed_share
    return dg.AssetCheckResult(
        passed=share >= MIN_PARSED_SHARE,
        description=f"{share:.1%} of {release_candidate.parsed + release_candidate.skipped} pages "
        f"parsed (minimum {MIN_PARSED_SHARE:.0%})",
        metadata={"parsed": release_candidate.parsed, "skipped": release_candidate.skipped,
                  "share": round(share, 4)},
    )


# --------------------------------------------------------------------------- elsewhere (blocking only on raw_pages)


@dg.asset_check(asset=raw_pages, blocking=True)
def raw_store_not_empty(raw_pages: RawPagesRef) -> dg.AssetCheckResult:
    """The raw store holds at least one article page; an empty one would publish an empty release."""
    return dg.AssetCheckResult(passed=raw_pages.pages > 0,
                               description=f"{raw_pages.pages} article pages in the store",
                               metadata={"pages": raw_pages.pages})


@dg.asset_check(asset=articles)
def articles_unique_ids(articles: ArticleSet) -> dg.AssetCheckResult:
    """No two articles share an article_id after merging duplicates."""
    ids = Counter(row["article_id"] for row in table_rows(articles.work, ["article_id"]))
    return result([key for key, n in ids.items() if n > 1],
                  "article ids are unique", "duplicate article ids")


@dg.asset_check(asset=paragraphs)
def paragraph_keys_unique(paragraphs: WorkSet) -> dg.AssetCheckResult:
    """Each (article_id, ordinal) is one paragraph row."""
    keys = Counter((r["article_id"], r["ordinal"]) for r in table_rows(paragraphs, ["article_id", "ordinal"]))
    return result([f"{a}#{o}" for (a, o), n in keys.items() if n > 1],
                  "paragraph keys are unique", "duplicate paragraph keys")


@dg.asset_check(asset=claims)
def claims_have_evidence(claims: WorkSet) -> dg.AssetCheckResult:
    """Every claim has an evidence sentence and a six-digit region code."""
    rows = table_rows(claims, ["article_id", "paragraph_ordinal", "region_code", "evidence"])
    bad = [f"{r['article_id']}#{r['paragraph_ordinal']}" for r in rows
           if not (r["evidence"] or "").strip() or len(r["region_code"] or "") != 6]
    return result(bad, "every claim has evidence and a region code", "claims without evidence")


@dg.asset_check(asset=reconciled.keys_by_output_name["credit_rules"])
def credit_rules_consistent(credit_rules: WorkSet) -> dg.AssetCheckResult:
    """Reconciled rules agree with each other (the consistency findings of pipelines.consistency)."""
    findings = check_rules(list(stages.read_records(Path(credit_rules.records))))
    return result([f"{f.kind} {f.key}: {f.message}" for f in findings], "no consistency findings",
                  "consistency findings", severity=dg.AssetCheckSeverity.WARN)


@dg.asset_check(asset=reconciled.keys_by_output_name["conflicts"])
def conflicts_resolved(conflicts: WorkSet) -> dg.AssetCheckResult:
    """Every conflict was resolved by date, sources or an override (unresolved ones await review)."""
    bad = [f"{c.region}/{c.population}/{c.field}" for c in stages.read_records(Path(conflicts.records))
           if c.status == "unresolved"]
    return result(bad, "every conflict resolved", "unresolved conflicts for review",
                  severity=dg.AssetCheckSeverity.WARN)


@dg.asset_check(asset=published_release)
def latest_is_readable(published_release: PublishResult) -> dg.AssetCheckResult:
    """`published/latest` points at a release whose manifest and credit_rules can be read."""
    latest = Path(published_release.path).parent / "latest"
    manifest, rules = latest / "manifest.json", latest / "credit_rules.parquet"
    problems = [f"{p} missing" for p in (manifest, rules) if not p.exists()]
    if not problems:
        pq.read_metadata(rules)
    return result(problems, f"latest → {latest.resolve().name}", "latest release unreadable")


CHECKS = (
    credit_rules_unique_keys,
    credit_rules_sane_values,
    credit_rules_have_evidence,
    credit_rules_no_overlapping_age_bands,
    pages_parsed_share,
    raw_store_not_empty,
    articles_unique_ids,
    paragraph_keys_unique,
    claims_have_evidence,
    credit_rules_consistent,
    conflicts_resolved,
    latest_is_readable,
)
