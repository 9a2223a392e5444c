"""`shebao-policy extract`: HTML or text files → articles and their credit-rule claims, one JSON object per file."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from extractors.claims import extract_claims
from extractors.records import Article, Claim
from extractors.text import TextFormatError, parse_text

COMMANDS = ("extract",)

# File suffixes read as HTML pages; every other file is read as plain text in the seed format.
HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
# Encodings tried in order for a text file: UTF-8 first, then the Chinese superset of GBK.
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
# Evidence is cut to this many characters in the table view (the JSON keeps it whole).
EVIDENCE_CHARS = 48
# Width when the table goes to a pipe or file: wide enough for one line per claim.
PIPE_WIDTH = 180


class UnreadableFileError(ValueError):
    """A file that cannot be read or parsed into an article."""


def load_article(path: Path) -> Article:
    """Parse one file: HTML via extractors.html, anything else as seed-format text."""
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(exc.strerror or str(exc)) from exc
    if path.suffix.lower() in HTML_SUFFIXES:
        return _load_html(body, path)
    try:
        return parse_text(_decode(body), str(path))
    except TextFormatError as exc:
        raise UnreadableFileError(str(exc).removeprefix(f"{path}: ")) from exc


def _load_html(body: bytes, path: Path) -> Article:
    """An HTML page through the HTML extractor; its ParseError becomes a reason."""
    from extractors.html import ParseError, parse_html  # imported late: the HTML stack is heavier

    url = path.resolve().as_uri()
    try:
        return parse_html(body, url)
    except ParseError as exc:
        raise UnreadableFileError(str(exc).removeprefix(f"{url}: ")) from exc


def _decode(body: bytes) -> str:
    """Text of a plain-text file in the first encoding that fits."""
    for encoding in TEXT_ENCODINGS:
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(f"not text in any of {', '.join(TEXT_ENCODINGS)}")


def article_record(path: Path, article: Article, claims: Iterable[Claim]) -> dict[str, Any]:
    """The JSON object of one file: source, title, published_at and the claims' fields."""
    return {
        "source": str(path),
        "title": article.title,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "claims": [asdict(claim) for claim in claims],
    }


def _band(claim: dict[str, Any]) -> str:
    """An age band for people: 70–79, <70, ≥80 or 全部."""
    low, high = claim["age_min"], claim["age_max"]
    if low is None and high is None:
        return "全部"
    if low is None:
        return f"<{high}"
    return f"≥{low}" if high is None else f"{low}–{high - 1}"


def _value(claim: dict[str, Any]) -> str:
    """The rule's value: 140元/月 (1680元/年), 2%~3%, with ≈ when approximate."""
    mark = "≈" if claim["approximate"] else ""
    if claim["method"] == "ratio" or claim["ratio_min"] is not None:
        low, high = claim["ratio_min"] * 100, claim["ratio_max"] * 100
        return f"{mark}{low:g}%" if low == high else f"{mark}{low:g}%~{high:g}%"
    text = f"{mark}{claim['monthly_yuan']:g}元/月"
    return text + (f" ({claim['amount_yuan']:g}元/年)" if claim["period"] == "year" else "")


def render_table(console: Console, record: dict[str, Any]) -> None:
    """One file's claims as an aligned table under a line naming the file, title and date."""
    table = Table(
        title=f"{record['source']} — {record['title'] or '(无标题)'} — {record['published_at'] or '(无日期)'}",
        title_justify="left",
    )
    for column in ("地区", "代码", "人群", "年龄", "方式", "金额/比例", "基数", "扣除", "证据"):
        table.add_column(column, overflow="fold" if column == "证据" else "ellipsis")
    for claim in record["claims"]:
        deduction = claim["deduction_yuan"]
        table.add_row(
            claim["region"],
            claim["region_code"],
            claim["population"],
            _band(claim),
            claim["method"] or "-",
            _value(claim),
            claim["base"] or "-",
            "-" if deduction is None else f"{deduction:g}元",
            claim["evidence"][:EVIDENCE_CHARS],
        )
    if not record["claims"]:
        table.add_row("(无)", *[""] * 8)
    console.print(table)


@click.command("extract")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object per file on stdout; table: readable aligned tables.",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def extract(fmt: str, paths: tuple[Path, ...]) -> None:
    """Extract articles and credit-rule claims from HTML or seed-format text files (PATH ...).

    A file that cannot be parsed is reported on stderr with its reason; the other files are
    still processed, and the exit status is 1 when any file failed.
    """
    console = Console(width=None if sys.stdout.isatty() else PIPE_WIDTH)
    failed = 0
    for path in paths:
        try:
            article = load_article(path)
        except UnreadableFileError as exc:
            click.echo(f"error: {path}: {exc}", err=True)
            failed += 1
            continue
        record = article_record(path, article, extract_claims(article))
        if fmt == "jsonl":
            click.echo(json.dumps(record, ensure_ascii=False, default=str))
        else:
            render_table(console, record)
    if failed:
        click.echo(f"{failed} of {len(paths)} file(s) could not be extracted", err=True)
        raise SystemExit(1)
