"""`shebao-policy run`: materialise the whole release job through Dagster (the schedule's code path)."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click
import dagster as dg
from filelock import FileLock, Timeout

from pipelines.commands._common import data_dir_option, start_url_option
from pipelines.memory import peak_rss_mb, reset_peak
from pipelines.resources import PIPELINE_RESOURCE_KEY, dagster_home
from pipelines.schedules import JOB_NAME

COMMANDS = ("run",)

# Metadata shown on a stage's progress line, in this order, when the materialisation has it.
PROGRESS_FIELDS = ("new_pages", "unchanged_pages", "failed", "article_pages", "rows", "pages_skipped",
                   "duplicates_merged", "clusters", "unresolved", "rows_credit_rules",
                   "unresolved_conflicts", "version", "published")
# Steps that materialise assets (the rest are checks, reported when they are evaluated).
STAGE_STEPS = ("raw_pages", "articles", "paragraphs", "claims", "reconciled", "release_candidate",
               "published_release")
# Dagster's own console logger stays quiet: progress lines and warnings come from the event listener.
DAGSTER_LOG_LEVEL = "CRITICAL"
# One run per data dir at a time (data/*.lock is git-ignored).
RUN_LOCK_NAME = "run.lock"
# A second run waits this long for the first (a sample-site run takes about a minute; 100k far longer).
DEFAULT_LOCK_WAIT_S = 600.0
# Dagster's note on each step left out after a failure; the final message already says what failed.
ENGINE_SKIP_PREFIX = "Dependencies for step"
# Warnings (skipped pages, unmatched overrides) printed per run; the rest stay in the run history.
MAX_WARNINGS_SHOWN = 10
# Dagster's SQLite run history opens, commits and closes a connection per event; every commit and
# every last-connection close (a WAL checkpoint) waited for fdatasync: ~1,500 of them, 4.5 s of a
# 10-article run's wall time. Its databases are in WAL mode, where NORMAL syncs at checkpoints only:
# a power cut may lose the last events of a run's history, never a release (publish fsyncs its own
# files) and never the database's integrity.
RUN_HISTORY_SYNCHRONOUS = "NORMAL"


def run_config(start_urls: Sequence[str], data_dir: Path, crawl: bool,
               overrides: Path | None, workers: int = 0, *, refresh: bool = False) -> dict[str, Any]:
    """The job's run config: the pipeline resource's settings and a quiet console logger."""
    config: dict[str, Any] = {"start_urls": list(start_urls), "data_dir": str(data_dir.resolve()),
                              "crawl": crawl, "workers": workers, "refresh": refresh}
    if overrides is not None:
        config["overrides_path"] = str(overrides.resolve())
    return {"resources": {PIPELINE_RESOURCE_KEY: {"config": config}},
            "loggers": {"console": {"config": {"log_level": DAGSTER_LOG_LEVEL}}}}


def progress_line(event: Any) -> str | None:
    """One line of progress for a Dagster event (`DagsterEvent`) worth showing, else None."""
    if event is None:
        return None
    kind = event.event_type_value
    if kind == "STEP_START":
        return f"→ {event.step_key}" if event.step_key in STAGE_STEPS else None
    if kind == "ASSET_MATERIALIZATION":
        return _materialized_line(event.materialization)
    if kind == "ASSET_CHECK_EVALUATION":
        check = event.asset_check_evaluation_data
        mark = "✓" if check.passed else ("✗" if check.severity == dg.AssetCheckSeverity.ERROR else "!")
        return f"    {mark} check {check.check_name}: {check.description or ''}"
    if kind == "STEP_FAILURE" and event.step_key in STAGE_STEPS:  # a failed check has its ✗ line
        return f"✗ {event.step_key} failed: {root_cause(event.step_failure_data.error)}"
    if kind == "STEP_SKIPPED":
        return f"- {event.step_key} skipped (an upstream step or blocking check failed)"
    return None


def root_cause(error: Any) -> str:
    """The stage's own exception under Dagster's wrappers (the first non-Dagster error), one line."""
    if error is None:
        return "no error recorded"
    while error.cause is not None and (error.cls_name or "").startswith("Dagster"):
        error = error.cause
    return error.message.strip().splitlines()[0] if error.message.strip() else error.cls_name or "error"


def _materialized_line(materialization: Any) -> str:
    """`✓ asset  key=value …` from a materialisation's metadata."""
    metadata = materialization.metadata
    shown = [f"{name}={metadata[name].value}" for name in PROGRESS_FIELDS if name in metadata]
    return f"✓ {materialization.asset_key.to_user_string()}  " + " ".join(shown)


class ProgressPrinter:
    """Event listener printing stage lines and the first few warnings of a run."""

    def __init__(self) -> None:
        self.warnings = 0
        self.started: dict[str, float] = {}  # step key -> timestamp of its start

    def __call__(self, entry: Any) -> None:
        line = self.stage(entry) if entry.is_dagster_event else self.warning(entry)
        if line:
            click.echo(line)

    def stage(self, entry: Any) -> str | None:
        """The progress line of an event; on a materialisation, with the seconds its step took so
        far and the peak memory of this process during the step (parse workers not counted)."""
        event = entry.dagster_event
        if event.event_type_value == "STEP_START":
            self.started[event.step_key] = entry.timestamp
            reset_peak()
        line = progress_line(event)
        if line and event.event_type_value == "ASSET_MATERIALIZATION" and event.step_key in self.started:
            peak = peak_rss_mb()
            shown = "" if peak is None else f", peak {peak:.0f} MB"
            line += f"  ({entry.timestamp - self.started[event.step_key]:.1f}s{shown})"
        return line

    def warning(self, entry: Any) -> str | None:
        """`! message` for a warning logged by a stage, until MAX_WARNINGS_SHOWN have been shown."""
        if entry.level < logging.WARNING or entry.user_message.startswith(ENGINE_SKIP_PREFIX):
            return None
        self.warnings += 1
        if self.warnings > MAX_WARNINGS_SHOWN:
            return None if self.warnings > MAX_WARNINGS_SHOWN + 1 else "    ! … more warnings in the run history"
        return f"    ! {entry.user_message}"


def execute(config: dict[str, Any], data_dir: Path,
            listener: Callable[[Any], None] | None = None) -> dg.ExecuteInProcessResult:
    """Run the release job in process against the persistent instance in <data_dir>/dagster_home."""
    # Loaded here, not at import: every CLI command imports this module, and the definitions pull in
    # every stage (Scrapy, lxml, pyarrow), which `shebao-policy --help` should not pay for.
    from pipelines.definitions import defs

    home = dagster_home(data_dir)
    home.mkdir(parents=True, exist_ok=True)
    with RunHistoryConnections():
        instance = dg.DagsterInstance.from_config(str(home))
        run_id = str(uuid.uuid4())  # Dagster run ids are UUID4 strings; known up front to listen to it
        instance.add_event_listener(run_id, listener or ProgressPrinter())
        job = defs.resolve_job_def(JOB_NAME)
        # Pipes' message reader is marked preview in Dagster 1.13; the warning says nothing to a user.
        warnings.filterwarnings("ignore", category=dg.PreviewWarning)
        return job.execute_in_process(run_config=config, instance=instance, run_id=run_id,
                                      raise_on_error=False)


class RunHistoryConnections(contextlib.AbstractContextManager["RunHistoryConnections"]):
    """While open, every SQLite connection of this process (Dagster's run history) commits with
    RUN_HISTORY_SYNCHRONOUS, and each WAL database keeps one idle connection open, so that closing
    Dagster's per-event connection is not the last close (which checkpoints and syncs the WAL).
    The WAL is checkpointed once, when the run ends and these connections close."""

    def __init__(self) -> None:
        self.kept: dict[str, sqlite3.Connection] = {}

    def __enter__(self) -> RunHistoryConnections:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "connect", self.on_connect)
        return self

    def __exit__(self, *exc_info: object) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "connect", self.on_connect)
        for connection in self.kept.values():
            connection.close()
        self.kept.clear()

    def on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        """SQLAlchemy's connect hook: relax the sync, and keep a WAL database open."""
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        dbapi_connection.execute(f"PRAGMA synchronous={RUN_HISTORY_SYNCHRONOUS}")
        path = next((file for _, name, file in dbapi_connection.execute("PRAGMA database_list")
                     if name == "main"), "")
        if not path or path in self.kept:
            return
        (mode,) = dbapi_connection.execute("PRAGMA journal_mode").fetchone()
        if mode == "wal":  # a new database becomes WAL after its first connection; kept on the next
            keeper = sqlite3.connect(path, check_same_thread=False)
            keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the WAL index
            self.kept[path] = keeper


def failed_blocking_checks(result: dg.ExecuteInProcessResult) -> list[str]:
    """`check: description` of every blocking check that failed."""
    return [f"{check.check_name}: {check.description or 'failed'}"
            for check in result.get_asset_check_evaluations()
            if not check.passed and check.blocking and check.severity == dg.AssetCheckSeverity.ERROR]


def failure_message(result: dg.ExecuteInProcessResult, data_dir: Path) -> str:
    """What failed, where, and what to do, for a run that did not succeed."""
    checks = failed_blocking_checks(result)
    if checks:
        listed = "\n  ".join(checks)
        kept = (f"The candidate stays at {result.output_for_node('release_candidate').path} for "
                "inspection; " if result.is_node_success("release_candidate") else "")
        return (f"blocking check failed, nothing was published:\n  {listed}\n"
                f"{kept}fix the input (the site, the raw store or the overrides file) and run again.")
    steps = [f"{e.step_key}: {root_cause(e.step_failure_data.error)}"
             for e in result.get_step_failure_events()]
    listed = "\n  ".join(steps) or "see the run log above"
    return (f"run {result.run_id} failed:\n  {listed}\n"
            f"Run history is in {dagster_home(data_dir)} (`make dev` shows it in the Dagster UI).")


def summary_lines(result: dg.ExecuteInProcessResult, data_dir: Path) -> list[str]:
    """The final summary: version (or nothing new), rows per table, conflicts, where the files are."""
    published = result.output_for_node("published_release")
    candidate = result.output_for_node("release_candidate")
    if published.published:
        head = f"published {published.version}"
    else:
        head = f"nothing new: content equals {published.version}"
    rows = ", ".join(f"{name} {n}" for name, n in candidate.rows.items())
    return [
        head,
        f"rows: {rows}",
        f"conflicts: {candidate.rows.get('conflicts', 0)} ({candidate.unresolved} unresolved)",
        f"pages: {candidate.pages} article pages in the raw store, {candidate.skipped} skipped by the parser",
        f"files: {data_dir / 'published' / 'latest'}/",
    ]


@contextlib.contextmanager
def data_dir_lock(data_dir: Path, wait_s: float) -> Iterator[None]:
    """Hold <data_dir>/run.lock for the run: two runs on one data dir would overwrite each other's
    work files; the second waits up to `wait_s` seconds, then stops with a clear message."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(data_dir / RUN_LOCK_NAME)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        click.echo(f"run: another run is using {data_dir}; waiting up to {wait_s:.0f}s")
        try:
            lock.acquire(timeout=wait_s)
        except Timeout:
            raise click.ClickException(
                f"another `shebao-policy run` is still using {data_dir} (lock {lock.lock_file}); "
                "wait for it to finish, or use another --data-dir") from None
    try:
        yield
    finally:
        lock.release()


@click.command("run")
@start_url_option
@data_dir_option
@click.option("--no-crawl", is_flag=True,
              help="Don't fetch anything: re-extract from the raw store (shows what an extractor change did).")
@click.option("--refresh", is_flag=True,
              help="Also ask again, conditionally, for every stored article, so one a site corrected in "
              "place is stored as a new version and the release shows the change.")
@click.option("--overrides", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Reviewer overrides file (TOML). Default: data/overrides.toml of the checkout.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes that parse pages and extract claims, and that reconcile rules: 0 = one per "
              "CPU core, 1 = in this process.")
@click.option("--wait", "wait_s", type=click.FloatRange(min=0), default=DEFAULT_LOCK_WAIT_S,
              show_default=True, help="Seconds to wait when another run is using the data dir.")
def run(start_urls: tuple[str, ...], data_dir: Path, no_crawl: bool, refresh: bool,
        overrides: Path | None, workers: int, wait_s: float) -> None:
    """Crawl, extract, reconcile and publish a release: the whole Dagster job, in this process."""
    if no_crawl and refresh:
        raise click.UsageError("--refresh asks the site again; it cannot go with --no-crawl")
    config = run_config(start_urls, data_dir, not no_crawl, overrides, workers, refresh=refresh)
    with data_dir_lock(data_dir, wait_s):
        click.echo(f"run: {'re-extracting the raw store' if no_crawl else 'crawling'} into {data_dir}")
        result = execute(config, data_dir)
    if not result.success:
        raise click.ClickException(failure_message(result, data_dir))
    for line in summary_lines(result, data_dir):
        click.echo(line)
