"""Plain-text articles (the seed format): a title line, a `date+site` line, then one paragraph per line.

A text whose second line is not a date line has no title or date: every line is body.
The body ends where the site's footer starts (its 声明 line, a related-articles list).
"""

from __future__ import annotations

import re
from datetime import datetime

from extractors.dates import parse_published_at
from extractors.keys import sha256_text
from extractors.numbers import find_amounts, find_percents
from extractors.records import Article, Paragraph
from extractors.regions import title_region
from extractors.urls import article_id

TEXT_EXTRACTOR = "text"
# Table rows written as text keep the HTML side's format: cells joined by " | ".
CELL_SEPARATOR = " | "
# The date line: a date (and time) at the start, then at most a short site name (2025-06-05 21:37:12社保网).
_DATE_LINE = re.compile(
    r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*(?P<site>\S{0,20})\s*$"
)
# Footer openers: the site's statement, related or recommended articles, paging links.
_FOOTER = re.compile(
    r"^(?:\S{0,8}声明\s*[:：]|免责声明|相关推荐|相关阅读|相关文章|热门推荐|猜你喜欢|上一篇|下一篇|责任编辑)"
)
# A related-articles line lists several entries, each with its own time stamp.
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
RELATED_MIN_STAMPS = 2
# A heading is a short line (一、…, 1、…, a question, a label) that states no value.
HEADING_MAX_CHARS = 30
_ENUMERATED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|\d+[、.．]|[(（][一二三四五六七八九十\d]+[)）])"
)
_HEADING_END = re.compile(r"[?？:：]\s*$|[^。！!；;，,.、…”’)）]\s*$")


class TextFormatError(ValueError):
    """A text file holds no article (empty, or nothing left after the header lines)."""


def parse_text(text: str, source: str) -> Article:
    """Parse a seed-format text into an Article (extractor "text"); ``source`` is its path or URL."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise TextFormatError(f"{source}: empty text")
    title, published, site, body = _header(lines)
    paragraphs = _paragraphs(_until_footer(body))
    if not paragraphs:
        raise TextFormatError(f"{source}: no body paragraphs after the title and date lines")
    return Article(
        article_id=article_id(source),
        url=source,
        site=site,
        title=title,
        published_at=published,
        fetched_at=None,
        title_region=title_region(title) if title else None,
        content_sha256=sha256_text("\n".join(p.text for p in paragraphs)),
        extractor=TEXT_EXTRACTOR,
        paragraphs=paragraphs,
    )


def _header(lines: list[str]) -> tuple[str | None, datetime | None, str, list[str]]:
    """(title, published_at, site, body lines): a title only when the second line is a date line."""
    match = _DATE_LINE.match(lines[1]) if len(lines) > 1 else None
    if match is None:
        return None, None, "", lines
    return lines[0], parse_published_at(lines[1]), match.group("site"), lines[2:]


def _until_footer(lines: list[str]) -> list[str]:
    """Body lines before the footer (声明, related articles, paging)."""
    for index, line in enumerate(lines):
        if _FOOTER.match(line) or len(_STAMP.findall(line)) >= RELATED_MIN_STAMPS:
            return lines[:index]
    return lines


def is_heading(line: str) -> bool:
    """A short line that introduces a section and states no value."""
    if len(line) > HEADING_MAX_CHARS or "。" in line or find_amounts(line) or find_percents(line):
        return False
    return bool(_ENUMERATED.match(line) or _HEADING_END.search(line))


def _kind(line: str) -> str:
    """ "table_row" for cells joined by " | " (the HTML side's row format), "heading" or "p"."""
    if line.count(CELL_SEPARATOR) >= 1:
        return "table_row"
    return "heading" if is_heading(line) else "p"


def _paragraphs(lines: list[str]) -> tuple[Paragraph, ...]:
    """Body lines as paragraphs; each carries the nearest heading above it as its section."""
    out: list[Paragraph] = []
    section: str | None = None
    for ordinal, line in enumerate(lines):
        kind = _kind(line)
        out.append(Paragraph(ordinal=ordinal, text=line, section=section, kind=kind))
        if kind == "heading":
            section = line
    return tuple(out)
