"""Dagster software-defined assets: one per stage, thin wrappers around pipelines.stages.

Bulky data never goes through the IO manager: each asset streams its records to
`<data_dir>/work/<asset>.pickles` (when a later stage reads them back) and its table to
`<data_dir>/work/<asset>.parquet`, and hands the next asset a small reference (paths + counts). Memory stays at what one stage needs, run history
stays small, and every intermediate table can be opened with pandas after a run.
"""

# No `from __future__ import annotations` here: Dagster inspects the asset functions' annotations
# at definition time (context type, resource and input types) and needs real classes, not strings.

import contextlib
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import checks, stages
from pipelines.consistency import check_rules
from pipelines.diff import diff_releases
from pipelines.publish import PublishResult, TableFiles, promote, write_candidate
from pipelines.resources import PipelineConfig
from pipelines.sample_site import SAMPLE_SITE_DIR, start_urls
from pipelines.serve import serve_site
from pipelines.stages import ArticleSet, CandidateRef, RawPagesRef, WorkSet
from spiders.alias import loopback_alias
from spiders.crawl import child_command, child_env
from spiders.rawstore import RawStore

# The repository root: the crawl child runs from here so `python -m spiders.crawl` resolves.
REPO_ROOT = Path(__file__).resolve().parents[1]
# What the crawl child's exit statuses mean (spiders.crawl's docstring).
CRAWL_EXIT_MEANING = "status 3 = another crawl holds the raw store's lock, 1 = the crawl itself broke"
# File the crawl child writes its summary to, under <data_dir>/work/.
CRAWL_SUMMARY_NAME = "crawl_summary.json"
# Longest Markdown shown as metadata (the UI stays responsive; the full diff is in diff.md).
MAX_MARKDOWN_CHARS = 20_000
# Skipped pages listed by URL in the articles metadata (the rest are counted).
MAX_LISTED_SKIPS = 20
# Asset group shown in the Dagster UI.
GROUP = "shebao_policy"


# --------------------------------------------------------------------------- raw pages


@contextlib.contextmanager
def crawl_targets(configured: Sequence[str]) -> Iterator[tuple[list[str], str]]:
    """(start URLs, URL alias) to crawl; with none configured, the embedded sample site served on
    loopback, its pages recorded under a stable base URL whatever port it got this time."""
    if configured:
        yield list(configured), ""
        return
    with serve_site(SAMPLE_SITE_DIR) as base_url:
        yield start_urls(base_url), loopback_alias(base_url)


def run_crawl_child(context: dg.AssetExecutionContext, urls: Sequence[str], alias: str,
                    data_dir: Path, summary_path: Path, *, refresh: bool = False) -> dict[str, Any]:
    """Run `python -m spiders.crawl` through Dagster Pipes; returns the metadata the child reported."""
    command = child_command(urls, data_dir, summary_path, url_alias=alias, refresh=refresh)
    try:
        invocation = dg.PipesSubprocessClient(cwd=str(REPO_ROOT), env=child_env()).run(
            context=context, command=command)
    except dg.DagsterPipesExecutionError as exc:
        raise dg.Failure(description=f"crawl of {', '.join(urls)} failed: {exc} ({CRAWL_EXIT_MEANING}); "
                         "the crawl's stderr above says why") from exc
    return dict(invocation.get_materialize_result().metadata or {})


@dg.asset(group_name=GROUP, kinds={"scrapy"}, check_specs=[checks.RAW_STORE_NOT_EMPTY])
def raw_pages(context: dg.AssetExecutionContext, pipeline: PipelineConfig) -> Iterator[Any]:
    """Fetched pages in the immutable raw store (<data_dir>/raw). Crawls with Scrapy in a child
    process run through Dagster Pipes; with crawl=False, only reads what the store already holds."""
    metadata: dict[str, Any] = {"crawled": pipeline.crawl}
    if pipeline.crawl:
        summary_path = pipeline.work_dir / CRAWL_SUMMARY_NAME
        summary_path.parent.mkdir(parents=True, exist_ok=True)
        summary_path.unlink(missing_ok=True)
        with crawl_targets(pipeline.start_urls) as (urls, alias):
            context.log.info("crawling %s", ", ".join(urls))
            metadata |= run_crawl_child(context, urls, alias, pipeline.data_path, summary_path,
                                        refresh=pipeline.refresh)
    store = RawStore(pipeline.raw_dir)
    pages = sum(1 for _ in store.pages(kind="article"))
    metadata |= {"pages_in_store": len(store), "article_pages": pages}
    yield dg.Output(RawPagesRef(raw_dir=str(pipeline.raw_dir), pages=pages), metadata=metadata)
    yield checks.raw_store_not_empty(pages)


# --------------------------------------------------------------------------- articles … claims


def _work_paths(pipeline: PipelineConfig, name: str) -> tuple[Path, Path]:
    """Record stream and Parquet paths of one stage under <data_dir>/work/."""
    work = pipeline.work_dir
    return work / f"{name}{stages.RECORDS_SUFFIX}", work / f"{name}.parquet"


def save_stage(pipeline: PipelineConfig, name: str, records: Sequence[Any]) -> WorkSet:
    """Write one stage's records and table under <data_dir>/work/; returns the reference."""
    records_path, table_path = _work_paths(pipeline, name)
    stages.write_records(records_path, records)
    rows = stages.write_table(table_path, stages.build_table(name, records))
    return WorkSet(records=str(records_path), table=str(table_path), rows=rows)


def skipped_markdown(skipped: Sequence[tuple[str, str]]) -> str:
    """The first skipped pages as a Markdown table of URL and reason."""
    lines = ["| url | reason |", "|---|---|"]
    lines += [f"| {url} | {reason.replace('|', '/')} |" for url, reason in skipped[:MAX_LISTED_SKIPS]]
    if len(skipped) > MAX_LISTED_SKIPS:
        lines.append(f"| … | {len(skipped) - MAX_LISTED_SKIPS} more in the run log |")
    return "\n".join(lines)


@dg.asset(group_name=GROUP, kinds={"python"}, check_specs=[checks.ARTICLES_UNIQUE_IDS])
def articles(
    context: dg.AssetExecutionContext, pipeline: PipelineConfig, raw_pages: RawPagesRef
) -> Iterator[Any]:
    """One row per distinct article, parsed from the raw store (title, date, site, paragraph count;
    the bodies go on to `paragraphs`); the same article under several URLs is merged. Pages that
    fail to parse are logged and counted. Pages are parsed, and their claims extracted, by one
    worker process per core (config `workers`)."""
    records_path, table_path = _work_paths(pipeline, "articles")
    written = stages.parse_and_merge(RawStore(Path(raw_pages.raw_dir)), pipeline.work_dir, records_path,
                                     table_path, workers=pipeline.parse_workers, log=context.log)
    work = WorkSet(records=str(records_path), table=str(table_path), rows=written.rows)
    report = written.report
    metadata: dict[str, Any] = {
        "rows": work.rows,
        "pages_parsed": report.parsed,
        "pages_skipped": len(report.skipped),
        "parsed_share": round(report.parsed_share, 4),
        "duplicates_merged": written.duplicates_merged,
        "table": dg.MetadataValue.path(work.table),
    }
    if report.skipped:
        metadata["skipped_pages"] = dg.MetadataValue.md(skipped_markdown(report.skipped))
    ref = ArticleSet(work=work, parsed=report.parsed, skipped=len(report.skipped))
    yield dg.Output(ref, metadata=metadata)
    yield checks.articles_unique_ids(written.article_ids)


@dg.asset(group_name=GROUP, kinds={"python"}, check_specs=[checks.PARAGRAPH_KEYS_UNIQUE])
def paragraphs(
    context: dg.AssetExecutionContext, pipeline: PipelineConfig, articles: ArticleSet
) -> Iterator[Any]:
    """One row per body paragraph with its duplicate cluster (exact and near-duplicate groups) and
    whether it is boilerplate repeated across articles; the paragraph index persists in work/."""
    prepared = Path(articles.work.records).with_name(stages.PREPARED_NAME)  # by the articles stage
    if not prepared.exists():
        raise dg.Failure(description=f"{prepared} is missing (written by an older version or removed); "
                         "materialise the articles asset again, then this one")
    tables = stages.paragraph_tables(lambda: stages.read_records(prepared), pipeline.work_dir, log=context.log)
    clusters: set[str] = set()
    boilerplate = 0
    keys = checks.ParagraphKeyAudit()

    def counted(stream: Iterator[pa.Table]) -> Iterator[pa.Table]:
        nonlocal boilerplate
        for table in stream:
            keys.see_all(table.column("article_id").to_pylist(), table.column("ordinal").to_pylist())
            clusters.update(table.column("cluster_id").to_pylist())
            boilerplate += pc.sum(table.column("is_boilerplate")).as_py() or 0
            yield table

    # later stages read paragraphs column-wise from the table, so no record stream is written
    table_path = _work_paths(pipeline, "paragraphs")[1]
    n = stages.write_table_batches(table_path, "paragraphs", counted(tables))
    work = WorkSet(records="", table=str(table_path), rows=n)
    context.log.info("%d paragraphs in %d clusters", n, len(clusters))
    yield dg.Output(work, metadata={"rows": n, "clusters": len(clusters),
                                    "boilerplate_rows": boilerplate,
                                    "table": dg.MetadataValue.path(work.table)})
    yield keys.result()


@dg.asset(group_name=GROUP, kinds={"python"}, check_specs=[checks.CLAIMS_HAVE_EVIDENCE])
def claims(
    context: dg.AssetExecutionContext,
    pipeline: PipelineConfig,
    articles: ArticleSet,
    paragraphs: WorkSet,
) -> Iterator[Any]:
    """One row per statement of a credit rule in an article (region, age band, amount or ratio),
    with the sentence it was read from and the paragraph cluster it came from."""
    failed: list[tuple[str, str]] = []
    regions: Counter[str] = Counter()
    problems: list[str] = []

    def counted(groups: Iterator[stages.ArticleClaims]) -> Iterator[stages.ArticleClaims]:
        for group in groups:
            regions.update(claim.region for claim in group.claims)
            problems.extend(p for p in map(checks.claim_problem, group.claims) if p is not None)
            yield group

    extracted = Path(articles.work.records).with_name(stages.EXTRACTED_NAME)  # by the articles stage
    per_article = stages.attach_stream(stages.read_records(extracted),
                                       stages.paragraph_clusters(Path(paragraphs.table)), failed,
                                       log=context.log)
    # reconciliation reads the claims column-wise from the table, so no record stream is written
    table_path = _work_paths(pipeline, "claims")[1]
    n = stages.write_table_batches(table_path, "claims", stages.claims_tables(counted(per_article)))
    work = WorkSet(records="", table=str(table_path), rows=n)
    metadata: dict[str, Any] = {
        "rows": work.rows,
        "regions": len(regions),
        "articles_failed": len(failed),
        "top_regions": dg.MetadataValue.md(_counter_markdown(regions, "region")),
        "table": dg.MetadataValue.path(work.table),
    }
    yield dg.Output(work, metadata=metadata)
    yield checks.claims_have_evidence(problems)


def _counter_markdown(counts: Counter[str], label: str, limit: int = 15) -> str:
    """The most common entries of a counter as a two-column Markdown table."""
    lines = [f"| {label} | rows |", "|---|---|"]
    lines += [f"| {key} | {n} |" for key, n in counts.most_common(limit)]
    return "\n".join(lines)


# --------------------------------------------------------------------------- reconcile


@dg.multi_asset(
    group_name=GROUP,
    outs={
        "credit_rules": dg.AssetOut(
            description="The published policy table: one reconciled rule per (region_code, "
            "population, age_min, age_max), with status, independent sources and evidence.",
            kinds={"python"},
        ),
        "conflicts": dg.AssetOut(
            description="One row per disagreeing key: every candidate value with its sources and "
            "dates, the chosen value and the reason (newer sources, more sources, override).",
            kinds={"python"},
        ),
    },
    check_specs=[checks.CREDIT_RULES_CONSISTENT, checks.CONFLICTS_RESOLVED],
)
def reconciled(
    context: dg.AssetExecutionContext,
    pipeline: PipelineConfig,
    articles: ArticleSet,
    claims: WorkSet,
) -> Iterator[Any]:
    """Reconcile claims into credit rules and conflicts, applying the reviewer's overrides."""
    result = stages.reconcile_stage(
        list(stages.read_claims(Path(claims.table))),
        stages.read_records(Path(articles.work.records)),
        pipeline.overrides_file(),
        workers=pipeline.parse_workers,
        log=context.log,
    )
    rules = save_stage(pipeline, "credit_rules", result.credit_rules)
    statuses = Counter(rule.status for rule in result.credit_rules)
    yield dg.Output(rules, output_name="credit_rules", metadata={
        "rows": rules.rows,
        **{f"status_{status}": n for status, n in sorted(statuses.items())},
        "consistency_findings": len(result.findings),
        "unmatched_overrides": len(result.unmatched_overrides),
        "table": dg.MetadataValue.path(rules.table),
    })
    yield checks.credit_rules_consistent(check_rules(result.credit_rules))
    conflicts = save_stage(pipeline, "conflicts", result.conflicts)
    unresolved = sum(conflict.status == "unresolved" for conflict in result.conflicts)
    yield dg.Output(conflicts, output_name="conflicts", metadata={
        "rows": conflicts.rows,
        "unresolved": unresolved,
        "table": dg.MetadataValue.path(conflicts.table),
    })
    yield checks.conflicts_resolved(result.conflicts)


# --------------------------------------------------------------------------- release


def unresolved_count(conflicts: WorkSet) -> int:
    """Conflicts left for a reviewer."""
    return sum(c.status == "unresolved" for c in stages.read_records(Path(conflicts.records)))


@dg.asset(group_name=GROUP, kinds={"parquet"})
def release_candidate(
    context: dg.AssetExecutionContext,
    pipeline: PipelineConfig,
    raw_pages: RawPagesRef,
    articles: ArticleSet,
    paragraphs: WorkSet,
    claims: WorkSet,
    credit_rules: WorkSet,
    conflicts: WorkSet,
) -> dg.Output[CandidateRef]:
    """The next release written as a candidate (five tables + manifest), not yet visible to users;
    blocking checks audit it before it is promoted (write, audit, publish)."""
    sets = {"articles": articles.work, "paragraphs": paragraphs, "claims": claims,
            "credit_rules": credit_rules, "conflicts": conflicts}
    tables = TableFiles({name: Path(work.table) for name, work in sets.items()})  # read one at a time
    path = write_candidate(tables, pipeline.data_path, pages=raw_pages.pages, run_id=context.run.run_id)
    ref = CandidateRef(path=str(path), rows={name: w.rows for name, w in sets.items()},
                       pages=raw_pages.pages, parsed=articles.parsed, skipped=articles.skipped,
                       unresolved=unresolved_count(conflicts))
    metadata: dict[str, Any] = {"path": dg.MetadataValue.path(str(path)),
                                **{f"rows_{name}": n for name, n in ref.rows.items()},
                                "unresolved_conflicts": ref.unresolved}
    metadata |= candidate_diff_metadata(pipeline, path)
    return dg.Output(ref, metadata=metadata)


def candidate_diff_metadata(pipeline: PipelineConfig, candidate: Path) -> dict[str, Any]:
    """What the candidate would change against the latest release, as Markdown metadata."""
    latest = pipeline.published_dir / "latest"
    diff = diff_releases(latest if latest.exists() else None, candidate)
    return {"diff_summary": dg.MetadataValue.md(diff.summary_markdown()),
            "diff": dg.MetadataValue.md(diff.markdown()[:MAX_MARKDOWN_CHARS])}


def publish_metadata(result: PublishResult) -> dict[str, Any]:
    """Metadata of a promotion: the version, whether anything was published, and the diff."""
    metadata: dict[str, Any] = {
        "version": result.version,
        "published": result.published,
        "parent": result.parent or "",
        "reason": result.reason,
        "content_hash": result.content_hash,
        "path": dg.MetadataValue.path(str(result.path)),
        **{f"rows_{name}": n for name, n in result.row_counts.items()},
    }
    if result.published:
        metadata["diff_summary"] = dg.MetadataValue.md(diff_counts_markdown(result.diff_summary))
        metadata["diff"] = dg.MetadataValue.md(result.diff_markdown[:MAX_MARKDOWN_CHARS])
    return metadata


def diff_counts_markdown(summary: Mapping[str, Any]) -> str:
    """The per-table change counts of a diff summary as a Markdown table."""
    tables = summary.get("tables") or {}
    fields = sorted({field for counts in tables.values() for field in counts})
    lines = ["| table | " + " | ".join(fields) + " |", "|---|" + "---|" * len(fields)]
    lines += [f"| {name} | " + " | ".join(str(counts.get(f, "")) for f in fields) + " |"
              for name, counts in tables.items()]
    return "\n".join(lines)


@dg.asset(group_name=GROUP, kinds={"parquet"}, check_specs=[checks.LATEST_IS_READABLE])
def published_release(
    context: dg.AssetExecutionContext, pipeline: PipelineConfig, release_candidate: CandidateRef
) -> Iterator[Any]:
    """The audited candidate promoted to data/published/<version>/ with `latest` pointing at it;
    a run whose content equals the latest release publishes nothing and says so."""
    result = promote(Path(release_candidate.path), pipeline.data_path)
    if result.published:
        context.log.info("published %s at %s", result.version, result.path)
    else:
        context.log.info("nothing new: content equals %s (%s)", result.version, result.reason)
    yield dg.Output(result, metadata=publish_metadata(result))
    yield checks.latest_is_readable(result)


ASSETS = (raw_pages, articles, paragraphs, claims, reconciled, release_candidate, published_release)
