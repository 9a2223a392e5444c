"""Dagster asset checks: blocking audits of the release candidate (write, audit, publish) and warnings elsewhere.

The rules themselves are plain functions over rows (dicts as pyarrow's `to_pylist` gives them),
each returning the offending keys, so they are tested with literal rows.

Only the candidate's audit is a step of its own (one step for its five blocking checks: it must
pass before `published_release` starts). Every other check is declared here as a spec and
evaluated inside its asset from what the asset already holds or streams (ids, keys, findings), so
no check re-reads a whole table and the run records a handful of steps instead of nineteen.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow.parquet as pq

from extractors.records import Claim
from pipelines.consistency import MAX_MONTHLY_YUAN, MAX_RATIO, Finding
from pipelines.publish import PublishResult
from pipelines.records import Conflict
from pipelines.stages import CandidateRef

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


# --------------------------------------------------------------------------- blocking: the candidate

CANDIDATE_CHECKS: dict[str, tuple[str, Any, str, str]] = {
    # name: (description, rule over rows, description when passed, label of the problems)
    "credit_rules_unique_keys": (
        "Each (region_code, population, age_min, age_max) has exactly one credit rule.",
        duplicate_keys, "every key is unique", "duplicate credit rule keys"),
    "credit_rules_sane_values": (
        "Ratios lie in (0, 10%] and monthly amounts in (0, 1000] yuan (pipelines.consistency's bounds).",
        insane_values, "ratios and amounts in range", "values out of range"),
    "credit_rules_have_evidence": (
        "Every credit rule carries at least one evidence sentence and one source URL.",
        without_evidence, "every rule has evidence", "rules without evidence"),
    "credit_rules_no_overlapping_age_bands": (
        "Within a region and population, age bands [age_min, age_max) do not overlap.",
        overlapping_bands, "age bands are disjoint", "overlapping age bands"),
}
PAGES_PARSED_SHARE = "pages_parsed_share"
CANDIDATE = dg.AssetKey("release_candidate")
CANDIDATE_SPECS = [
    *(dg.AssetCheckSpec(name, asset=CANDIDATE, blocking=True, description=spec[0])
      for name, spec in CANDIDATE_CHECKS.items()),
    dg.AssetCheckSpec(PAGES_PARSED_SHARE, asset=CANDIDATE, blocking=True,
                      description="At least 80% of the stored article pages had a body the parser could read."),
]


@dg.multi_asset_check(specs=CANDIDATE_SPECS, ins={"release_candidate": dg.AssetIn(CANDIDATE)},
                      description="Blocking audit of the release candidate before it is promoted.")
def candidate_audit(release_candidate: CandidateRef) -> Iterator[dg.AssetCheckResult]:
    """The candidate's credit rules are unique, sane, evidenced and disjoint; enough pages parsed."""
    rows = candidate_rules(release_candidate)
    for name, (_, rule, ok, failed) in CANDIDATE_CHECKS.items():
        yield _named(result(rule(rows), ok, failed), name, CANDIDATE)
    yield pages_parsed_share(release_candidate)


def pages_parsed_share(candidate: CandidateRef) -> dg.AssetCheckResult:
    """At least MIN_PARSED_SHARE of the stored article pages had a body the parser could read."""
    share = candidate.parsed_share
    return dg.AssetCheckResult(
        check_name=PAGES_PARSED_SHARE,
        asset_key=CANDIDATE,
        passed=share >= MIN_PARSED_SHARE,
        description=f"{share:.1%} of {candidate.parsed + candidate.skipped} pages "
        f"parsed (minimum {MIN_PARSED_SHARE:.0%})",
        metadata={"parsed": candidate.parsed, "skipped": candidate.skipped, "share": round(share, 4)},
    )


def _named(check: dg.AssetCheckResult, name: str, asset: dg.AssetKey) -> dg.AssetCheckResult:
    """A result of `result()` addressed to one check of one asset."""
    return dg.AssetCheckResult(check_name=name, asset_key=asset, passed=check.passed,
                               severity=check.severity, description=check.description,
                               metadata=check.metadata)


# --------------------------------------------------------------------------- evaluated inside their assets

RAW_STORE_NOT_EMPTY = dg.AssetCheckSpec(
    "raw_store_not_empty", asset="raw_pages", blocking=True,
    description="The raw store holds at least one article page; an empty one would publish an empty release.")
ARTICLES_UNIQUE_IDS = dg.AssetCheckSpec(
    "articles_unique_ids", asset="articles",
    description="No two articles share an article_id after merging duplicates.")
PARAGRAPH_KEYS_UNIQUE = dg.AssetCheckSpec(
    "paragraph_keys_unique", asset="paragraphs", description="Each (article_id, ordinal) is one paragraph row.")
CLAIMS_HAVE_EVIDENCE = dg.AssetCheckSpec(
    "claims_have_evidence", asset="claims",
    description="Every claim has an evidence sentence and a six-digit region code.")
CREDIT_RULES_CONSISTENT = dg.AssetCheckSpec(
    "credit_rules_consistent", asset="credit_rules",
    description="Reconciled rules agree with each other (the consistency findings of pipelines.consistency).")
CONFLICTS_RESOLVED = dg.AssetCheckSpec(
    "conflicts_resolved", asset="conflicts",
    description="Every conflict was resolved by date, sources or an override (unresolved ones await review).")
LATEST_IS_READABLE = dg.AssetCheckSpec(
    "latest_is_readable", asset="published_release",
    description="`published/latest` points at a release whose manifest and credit_rules can be read.")


def _in_asset(spec: dg.AssetCheckSpec, problems: Sequence[str], ok: str, failed: str,
              severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR) -> dg.AssetCheckResult:
    return _named(result(problems, ok, failed, severity=severity), spec.name, spec.asset_key)


def raw_store_not_empty(pages: int) -> dg.AssetCheckResult:
    """Passed when the raw store holds an article page."""
    return dg.AssetCheckResult(check_name=RAW_STORE_NOT_EMPTY.name, asset_key=RAW_STORE_NOT_EMPTY.asset_key,
                               passed=pages > 0, description=f"{pages} article pages in the store",
                               metadata={"pages": pages})


def articles_unique_ids(sorted_ids: Iterable[str]) -> dg.AssetCheckResult:
    """Article ids, given in ascending order (as the articles stage writes them), never repeat."""
    repeated: list[str] = []
    previous = None
    for article_id in sorted_ids:
        if article_id == previous and (not repeated or repeated[-1] != article_id):
            repeated.append(article_id)
        previous = article_id
    return _in_asset(ARTICLES_UNIQUE_IDS, repeated, "article ids are unique", "duplicate article ids")


class ParagraphKeyAudit:
    """Repeated (article_id, ordinal) keys of paragraph rows streamed in article order (one article held)."""

    def __init__(self) -> None:
        self.repeated: list[str] = []
        self._done: set[str] = set()  # articles whose rows are behind us (ids only)
        self._article: str | None = None
        self._ordinals: set[int] = set()

    def see(self, article_id: str, ordinal: int) -> None:
        """Take the next row's key."""
        if article_id != self._article:
            if article_id in self._done:
                self.repeated.append(f"{article_id} (rows not together)")
            if self._article is not None:
                self._done.add(self._article)
            self._article, self._ordinals = article_id, set()
        if ordinal in self._ordinals:
            self.repeated.append(f"{article_id}#{ordinal}")
        self._ordinals.add(ordinal)

    def see_all(self, article_ids: Sequence[str], ordinals: Sequence[int]) -> None:
        """Take the keys of the next rows, given column-wise."""
        for article_id, ordinal in zip(article_ids, ordinals, strict=True):
            self.see(article_id, ordinal)

    def result(self) -> dg.AssetCheckResult:
        """The check's result for every row seen."""
        return _in_asset(PARAGRAPH_KEYS_UNIQUE, self.repeated, "paragraph keys are unique",
                         "duplicate paragraph keys")


def claim_problem(claim: Claim) -> str | None:
    """`article#ordinal` of a claim without evidence or six-digit region code, else None."""
    if (claim.evidence or "").strip() and len(claim.region_code or "") == 6:
        return None
    return f"{claim.article_id}#{claim.paragraph_ordinal}"


def claims_have_evidence(problems: Sequence[str]) -> dg.AssetCheckResult:
    """The check's result from the problems `claim_problem` found."""
    return _in_asset(CLAIMS_HAVE_EVIDENCE, problems, "every claim has evidence and a region code",
                     "claims without evidence")


def credit_rules_consistent(findings: Iterable[Finding]) -> dg.AssetCheckResult:
    """A warning listing the consistency findings of the reconciled rules."""
    return _in_asset(CREDIT_RULES_CONSISTENT, [f"{f.kind} {f.key}: {f.message}" for f in findings],
                     "no consistency findings", "consistency findings", dg.AssetCheckSeverity.WARN)


def conflicts_resolved(conflicts: Iterable[Conflict]) -> dg.AssetCheckResult:
    """A warning listing the conflicts left unresolved for review."""
    bad = [f"{c.region}/{c.population}/{c.field}" for c in conflicts if c.status == "unresolved"]
    return _in_asset(CONFLICTS_RESOLVED, bad, "every conflict resolved", "unresolved conflicts for review",
                     dg.AssetCheckSeverity.WARN)


def latest_is_readable(published: PublishResult) -> dg.AssetCheckResult:
    """`published/latest` has a manifest and a readable credit_rules table."""
    latest = Path(published.path).parent / "latest"
    manifest, rules = latest / "manifest.json", latest / "credit_rules.parquet"
    problems = [f"{p} missing" for p in (manifest, rules) if not p.exists()]
    if not problems:
        pq.read_metadata(rules)
    return _in_asset(LATEST_IS_READABLE, problems, f"latest → {latest.resolve().name}",
                     "latest release unreadable")


# Check steps of their own (the rest are declared on their assets).
CHECKS = (candidate_audit,)
