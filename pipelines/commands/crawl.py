"""`shebao-policy crawl`: crawl start URLs (default: the embedded sample site) into the raw store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from pipelines.commands._common import data_dir_option, start_url_option
from spiders.alias import loopback_alias
from spiders.crawl import CrawlError, CrawlSummary, crawl

COMMANDS = ("crawl_command",)


@contextmanager
def sample_site_urls() -> Iterator[tuple[list[str], str]]:
    """Serve the embedded sample site on 127.0.0.1 for the block; yields its start URLs and the
    --url-alias that records its pages under a stable base URL (the port changes every run)."""
    try:
        from pipelines.sample_site import SAMPLE_SITE_DIR, start_urls
        from pipelines.serve import serve_site
    except ImportError as exc:
        raise click.ClickException(
            f"the embedded sample site is not available ({exc}); pass --start-url URL"
        ) from exc
    if not Path(SAMPLE_SITE_DIR).is_dir():
        raise click.ClickException(
            f"sample site not found at {SAMPLE_SITE_DIR}; pass --start-url URL"
        )
    with serve_site(Path(SAMPLE_SITE_DIR)) as base:
        yield start_urls(base), loopback_alias(base)


def summary_table(summary: CrawlSummary) -> Table:
    """The end-of-crawl table: counts by state, skipped and failed by reason, where the store is."""
    table = Table(title=f"crawl {summary.crawl_id}", show_header=True, header_style="bold")
    table.add_column("outcome")
    table.add_column("pages", justify="right")
    table.add_row("new (stored)", str(summary.new))
    table.add_row("  of which changed", str(summary.changed))
    table.add_row("unchanged", str(summary.unchanged))
    table.add_row("skipped", str(summary.skipped))
    table.add_row("failed", str(summary.failed))
    for reason, count in summary.by_reason.items():
        table.add_row(f"  {reason}", str(count))
    table.add_row("pages in store", str(summary.pages_in_store))
    table.caption = f"raw store: {summary.raw_dir}\nledger: {summary.ledger_path}"
    return table


def run(start_urls: Sequence[str], data_dir: Path, *, refresh: bool = False) -> CrawlSummary:
    """Crawl the given URLs, or the served sample site when there are none."""
    if start_urls:
        return crawl(list(start_urls), data_dir, refresh=refresh)
    with sample_site_urls() as (urls, alias):
        return crawl(urls, data_dir, url_alias=alias, refresh=refresh)


@click.command("crawl")
@start_url_option
@data_dir_option
@click.option(
    "--refresh",
    is_flag=True,
    help="Also ask again for every article already stored (If-None-Match / If-Modified-Since, or "
    "the whole page when it had neither): an article corrected in place is stored as a new version.",
)
def crawl_command(start_urls: tuple[str, ...], data_dir: Path, refresh: bool) -> None:
    """Crawl politely into DATA_DIR/raw, printing one line per URL and a summary at the end.

    Incremental: articles already stored are not fetched again (use --refresh to check them for
    changes); listing pages are asked for with If-None-Match / If-Modified-Since. Every URL ends in
    the ledger (DATA_DIR/raw/ledger.jsonl) as stored, unchanged, skipped (with reason) or failed
    (with reason).
    """
    for url in start_urls:
        if not url.startswith(("http://", "https://")):
            raise click.ClickException(f"--start-url {url!r} is not an http(s) URL")
    try:
        summary = run(start_urls, data_dir, refresh=refresh)
    except CrawlError as exc:
        raise click.ClickException(f"crawl failed: {exc}") from exc
    Console().print(summary_table(summary))
