"""Run a crawl: ``crawl()`` starts a child process (Twisted's reactor cannot restart in one process),
and ``python -m spiders.crawl`` is that child.

Child command line (also what Dagster's PipesSubprocessClient runs)::

    python -m spiders.crawl --start-url URL [--start-url URL ...] --data-dir DIR \
        --summary-json FILE [--settings-json '{"RETRY_TIMES": 1}'] [--crawl-id ID] \
        [--url-alias http://127.0.0.1:PORT=http://sample-site.invalid] [--refresh]

``--refresh`` also asks again, conditionally, for every article already stored (a site may correct a
page in place); by default a stored article is never requested again.

It prints one progress line per URL to stderr, writes the CrawlSummary as JSON to FILE, and, when
launched by Dagster Pipes, logs through ``pipes.log`` and reports the summary as materialisation
metadata. Exit status 0 = the crawl ran (pages may still have failed; see the summary), 2 = usage
error, 3 = another crawl holds the store's lock, 1 = the crawl itself broke.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from spiders.alias import UrlAlias, UrlAliasError
from spiders.ledger import CHANGED, reason_key
from spiders.rawstore import RawStore
from spiders.records import LedgerEntry

# The checkout root, put on the child's PYTHONPATH so `-m spiders.crawl` imports this code.
REPO_ROOT = Path(__file__).resolve().parents[1]
LOCK_NAME = ".crawl.lock"  # one crawl writes to a raw store at a time
EXIT_LOCKED = 3
# Lines of the child's stderr kept to explain a failure.
STDERR_TAIL = 40
# Pipes log lines are batched: one progress line per this many settled URLs.
PIPES_LOG_EVERY = 25


class CrawlError(RuntimeError):
    """The crawl child process failed or wrote no summary."""


class CrawlLockedError(CrawlError):
    """Another crawl is writing to the same raw store."""


@dataclass(frozen=True, slots=True)
class CrawlSummary:
    """What one crawl did: counts by ledger state and reason, and where the store is."""

    new: int  # pages stored (new URL or changed content)
    unchanged: int  # 304s, identical bodies, and articles stored by an earlier crawl
    failed: int
    skipped: int
    by_reason: dict[str, int] = field(
        default_factory=dict
    )  # "skipped: robots" → 1, "failed: http 404" → 2
    pages_in_store: int = 0
    ledger_path: str = ""
    crawl_id: str = ""
    raw_dir: str = ""
    requests: int = 0  # HTTP responses received (incl. robots.txt, retries, redirects)
    elapsed_s: float = 0.0
    changed: int = 0  # of ``new``: new versions of URLs already stored (content changed)
    refresh: bool = False  # stored articles were asked for again

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CrawlSummary:
        return cls(**json.loads(text))

    def metadata(self) -> dict[str, Any]:
        """Dagster Pipes materialisation metadata."""
        return {
            "new_pages": self.new,
            "changed_pages": self.changed,
            "refresh": self.refresh,
            "unchanged_pages": self.unchanged,
            "failed": self.failed,
            "skipped": self.skipped,
            "pages_in_store": self.pages_in_store,
            "by_reason": {"type": "json", "raw_value": dict(self.by_reason)},
            "ledger_path": {"type": "path", "raw_value": self.ledger_path},
            "crawl_id": self.crawl_id,
            "requests": self.requests,
            "elapsed_s": {"type": "float", "raw_value": round(self.elapsed_s, 2)},
        }


def summarise(
    store: RawStore,
    crawl_id: str,
    *,
    requests: int = 0,
    elapsed_s: float = 0.0,
    refresh: bool = False,
) -> CrawlSummary:
    """The CrawlSummary of one crawl, read back from the ledger."""
    entries = store.ledger(crawl_id)
    states = Counter(e.state for e in entries)
    reasons = Counter(
        reason_key(e.state, e.reason) for e in entries if e.state in ("skipped", "failed")
    )
    return CrawlSummary(
        new=states["stored"],
        unchanged=states["unchanged"],
        failed=states["failed"],
        skipped=states["skipped"],
        by_reason=dict(sorted(reasons.items())),
        pages_in_store=len(store),
        ledger_path=str(store.ledger_path),
        crawl_id=crawl_id,
        raw_dir=str(store.root),
        requests=requests,
        elapsed_s=elapsed_s,
        changed=sum(e.state == "stored" and is_change(e.reason) for e in entries),
        refresh=refresh,
    )


def is_change(reason: str | None) -> bool:
    """True for the reason of a stored page that replaced a different stored body."""
    return (reason or "").split(";")[0].strip() == CHANGED


def new_crawl_id() -> str:
    """A sortable id for one crawl: UTC time plus the process id."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{os.getpid()}"


def progress_line(counts: Counter[str], entry: LedgerEntry) -> str:
    """One human line per settled URL: running totals, then what happened to this one."""
    totals = " ".join(f"{counts[s]} {s}" for s in ("stored", "unchanged", "skipped", "failed"))
    reason = f" ({entry.reason})" if entry.reason else ""
    return f"crawl [{totals}] {entry.state:<9} {entry.url}{reason}"


def run_crawl(
    start_urls: Sequence[str],
    data_dir: Path,
    *,
    settings: Mapping[str, Any] | None = None,
    crawl_id: str | None = None,
    on_outcome: Callable[[LedgerEntry], None] | None = None,
    url_alias: str = "",
    refresh: bool = False,
) -> CrawlSummary:
    """Crawl in THIS process (starts Twisted's reactor: once per process; use crawl() from elsewhere)."""
    from scrapy.crawler import CrawlerProcess

    from spiders.settings import crawl_settings
    from spiders.site_spider import SiteSpider

    crawl_id = crawl_id or new_crawl_id()
    raw = Path(data_dir) / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    lock = FileLock(raw / LOCK_NAME, timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        raise CrawlLockedError(
            f"another crawl is writing to {raw}; wait for it to finish and run again"
        ) from exc
    try:
        started = time.monotonic()
        url_alias = url_alias or recognise_moved_site(start_urls, RawStore(raw))
        process = CrawlerProcess(crawl_settings(settings))
        crawler = process.create_crawler(SiteSpider)
        process.crawl(
            crawler,
            start_urls=list(start_urls),
            data_dir=str(data_dir),
            crawl_id=crawl_id,
            on_outcome=on_outcome,
            url_alias=url_alias,
            refresh=refresh,
        )
        process.start()
        requests = (
            int(crawler.stats.get_value("downloader/response_count", 0)) if crawler.stats else 0
        )
        return summarise(
            RawStore(raw),
            crawl_id,
            requests=requests,
            elapsed_s=time.monotonic() - started,
            refresh=refresh,
        )
    finally:
        lock.release()


def recognise_moved_site(start_urls: Sequence[str], store: RawStore) -> str:
    """The alias for a loopback site an earlier crawl stored under another port ('' if none), said on stderr."""
    from spiders.moved import moved_site_alias

    alias = moved_site_alias(start_urls, store)
    if alias:
        real, _, stable = alias.partition("=")
        print(
            f"crawl: {real} serves the site stored as {stable} (same links); recording it there",
            file=sys.stderr,
            flush=True,
        )
    return alias


def child_command(
    start_urls: Sequence[str],
    data_dir: Path,
    summary_json: Path,
    settings: Mapping[str, Any] | None = None,
    url_alias: str = "",
    *,
    refresh: bool = False,
) -> list[str]:
    """The command line of the crawl child process."""
    command = [sys.executable, "-m", "spiders.crawl"]
    for url in start_urls:
        command += ["--start-url", url]
    command += ["--data-dir", str(data_dir), "--summary-json", str(summary_json)]
    if settings:
        command += ["--settings-json", json.dumps(dict(settings))]
    if url_alias:
        command += ["--url-alias", url_alias]
    if refresh:
        command.append("--refresh")
    return command


def child_env() -> dict[str, str]:
    """The environment of the child: ours, with the checkout first on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def crawl(
    start_urls: Sequence[str],
    data_dir: Path,
    *,
    progress: bool = True,
    settings: Mapping[str, Any] | None = None,
    timeout: float | None = None,
    url_alias: str = "",
    refresh: bool = False,
) -> CrawlSummary:
    """Crawl ``start_urls`` into ``<data_dir>/raw`` in a child process, streaming its progress to stderr.

    ``url_alias`` ("http://127.0.0.1:PORT=http://stable.name") records a site served on an ephemeral
    port under a stable base URL, so a second crawl recognises what the first stored. ``refresh``
    asks again, conditionally, for every stored article of the sites (pages corrected in place are
    stored as new versions); by default a stored article is not requested again."""
    if not start_urls:
        raise ValueError("crawl() needs at least one start URL")
    with tempfile.TemporaryDirectory(prefix="shebao-crawl-") as tmp:
        summary_path = Path(tmp) / "summary.json"
        command = child_command(
            start_urls, Path(data_dir), summary_path, settings, url_alias, refresh=refresh
        )
        tail: deque[str] = deque(maxlen=STDERR_TAIL)
        proc = subprocess.Popen(
            command,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=child_env(),
            cwd=REPO_ROOT,
        )
        assert proc.stderr is not None
        timed_out = threading.Event()
        watchdog = None if timeout is None else threading.Timer(timeout, _kill, (proc, timed_out))
        if watchdog is not None:
            watchdog.start()
        try:
            for line in proc.stderr:
                tail.append(line)
                if progress:
                    sys.stderr.write(line)
                    sys.stderr.flush()
            code = proc.wait()
        finally:
            if watchdog is not None:
                watchdog.cancel()
        if timed_out.is_set():
            raise CrawlError(f"crawl of {list(start_urls)} took longer than {timeout}s; killed it")
        if code == EXIT_LOCKED:
            raise CrawlLockedError("".join(tail).strip().splitlines()[-1])
        if code != 0 or not summary_path.exists():
            raise CrawlError(
                f"crawl child exited with status {code}: {' '.join(command)}\n{''.join(tail)}"
            )
        return CrawlSummary.from_json(summary_path.read_text(encoding="utf-8"))


def _kill(proc: subprocess.Popen[str], flag: threading.Event) -> None:
    """Kill a crawl child that overran its time limit, and say so."""
    flag.set()
    proc.kill()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m spiders.crawl",
        description="Crawl sites into the raw store (child process of crawl()).",
    )
    parser.add_argument(
        "--start-url",
        dest="start_urls",
        action="append",
        required=True,
        metavar="URL",
        help="listing or sitemap URL (repeatable)",
    )
    parser.add_argument(
        "--data-dir", type=Path, required=True, help="data directory; pages go to DIR/raw"
    )
    parser.add_argument("--summary-json", type=Path, help="write the CrawlSummary here as JSON")
    parser.add_argument(
        "--settings-json", default="{}", help="Scrapy setting overrides as a JSON object"
    )
    parser.add_argument("--crawl-id", help="id recorded in the ledger (default: time + pid)")
    parser.add_argument(
        "--url-alias",
        metavar="REAL=STABLE",
        help="fetch from REAL base URL but record URLs under STABLE (for sites served on an ephemeral port)",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="also ask again (If-None-Match / If-Modified-Since) for every stored article; "
        "a changed one is stored as a new version",
    )
    return parser


def _write_summary(summary: CrawlSummary, path: Path | None) -> None:
    """Write the summary JSON atomically (temp file + rename)."""
    if path is None:
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(summary.to_json(), encoding="utf-8")
    os.replace(tmp, path)


def _stderr_progress() -> Callable[[LedgerEntry], None]:
    """A per-URL progress printer for stderr."""
    counts: Counter[str] = Counter()

    def report(entry: LedgerEntry) -> None:
        counts[entry.state] += 1
        print(progress_line(counts, entry), file=sys.stderr, flush=True)

    return report


def _pipes_progress(pipes: Any) -> Callable[[LedgerEntry], None]:
    """Progress to stderr, plus a Pipes log line every PIPES_LOG_EVERY URLs and for every failure."""
    counts: Counter[str] = Counter()

    def report(entry: LedgerEntry) -> None:
        counts[entry.state] += 1
        line = progress_line(counts, entry)
        print(line, file=sys.stderr, flush=True)
        if entry.state == "failed":
            pipes.log.warning(line)
        elif sum(counts.values()) % PIPES_LOG_EVERY == 0:
            pipes.log.info(line)

    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the child process."""
    args = _parser().parse_args(argv)
    try:
        settings = json.loads(args.settings_json)
        UrlAlias.parse(args.url_alias)
    except (json.JSONDecodeError, UrlAliasError) as exc:
        print(f"crawl: bad argument: {exc}", file=sys.stderr)
        return 2
    from dagster_pipes import PipesEnvVarParamsLoader, open_dagster_pipes

    options = {
        "settings": settings,
        "crawl_id": args.crawl_id,
        "url_alias": args.url_alias or "",
        "refresh": args.refresh,
    }
    try:
        if not PipesEnvVarParamsLoader().is_dagster_pipes_process():
            summary = run_crawl(
                args.start_urls, args.data_dir, on_outcome=_stderr_progress(), **options
            )
        else:
            with open_dagster_pipes() as pipes:
                pipes.log.info(f"crawling {args.start_urls} into {args.data_dir / 'raw'}")
                summary = run_crawl(
                    args.start_urls, args.data_dir, on_outcome=_pipes_progress(pipes), **options
                )
                pipes.report_asset_materialization(metadata=summary.metadata())
                pipes.log.info(done_line(summary))
    except CrawlLockedError as exc:
        print(f"crawl: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    _write_summary(summary, args.summary_json)
    print(done_line(summary), file=sys.stderr)
    return 0


def done_line(summary: CrawlSummary) -> str:
    """The last progress line of a crawl."""
    return (
        f"crawl done: {summary.new} new ({summary.changed} changed), {summary.unchanged} unchanged, "
        f"{summary.skipped} skipped, "
        f"{summary.failed} failed; {summary.pages_in_store} pages in {summary.raw_dir}"
    )


if __name__ == "__main__":
    sys.exit(main())
