"""Small shared text-cleaning functions for extracted titles and paragraphs."""

from __future__ import annotations

import re

from lxml import etree

# Characters that render as nothing on these pages (zero-width spaces and joiners, BOM).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# Separators sites put between an article title and their own name ("…_社保网", "… - 社保网", "…|社保网",
# "…-天府社保网"); a bare hyphen inside a headline (2025年-2026年) is never cut, as what follows is no site name.
_TITLE_SEPARATOR = re.compile(r"\s*(?:_|\||｜|--|—+|–|-|－)\s*")
# A trailing title segment is a site name when it is this short and names a site (网/站/频道/.com …).
SITE_SUFFIX_MAX_CHARS = 20
_SITE_WORD = re.compile(r"(网|站|频道|首页|门户|资讯|\.com|\.cn|\.net)(手机版|移动版|wap版|触屏版|首页)?\s*$", re.I)
# Text a title keeps after a separator when the site name is unknown must still be this long to be a title.
MIN_TITLE_CHARS = 2


def clean_text(text: str | None) -> str:
    """Collapse whitespace (ASCII, NBSP, ideographic), drop zero-width characters, strip the ends."""
    if not text:
        return ""
    # A printable text holds no zero-width character (all are format characters, Cf) and no
    # whitespace but the ASCII space: most lines of a page need no change at all (isprintable() is
    # 2x faster than the regex search it spares, and stops at the first line break or NBSP).
    if text.isprintable():
        return text if " " not in text else " ".join(text.split())
    joined = " ".join(text.split())  # str.split() knows NBSP and U+3000 as whitespace
    if joined.isprintable():  # no zero-width character survived the split: there was none
        return joined
    return " ".join(_INVISIBLE.sub("", text).split())


def element_text(el: etree._Element) -> str:
    """All text inside an element, children's tails included (lxml.html's text_content, without
    its per-element class lookup). A leaf element's is its .text (most are: no iterator to build)."""
    if len(el) == 0 and isinstance(el.tag, str):  # (itertext refuses a comment: so does this, below)
        return el.text or ""
    return "".join(el.itertext())


def visible_len(text: str) -> int:
    """Length of a text without any whitespace: the size measure of scoring and link density."""
    return len("".join(text.split()))


def join_cells(cells: list[str]) -> str:
    """A table row as one line: non-empty cleaned cells joined by ' | '."""
    return " | ".join(c for c in (clean_text(x) for x in cells) if c)


def strip_site_suffix(title: str, site_names: tuple[str, ...] = ()) -> str:
    """Remove trailing (then leading) site names such as `_社保网` or ` - 社保网` from a page title."""
    title = clean_text(title)
    while (seps := list(_TITLE_SEPARATOR.finditer(title))) and is_site_name(title[seps[-1].end():], site_names):
        if len(title[: seps[-1].start()]) < MIN_TITLE_CHARS:
            break
        title = title[: seps[-1].start()]
    while (seps := list(_TITLE_SEPARATOR.finditer(title))) and is_site_name(title[: seps[0].start()], site_names):
        if len(title[seps[0].end():]) < MIN_TITLE_CHARS:
            break
        title = title[seps[0].end():]
    return title


def title_prefixes(title: str) -> list[str]:
    """The leading parts of a page title cut at its separators, longest first
    ("通知_政策文件_医疗保障局" → ["通知_政策文件", "通知"])."""
    return [title[: sep.start()] for sep in reversed(list(_TITLE_SEPARATOR.finditer(title))) if sep.start() > 0]


def is_site_name(segment: str, site_names: tuple[str, ...]) -> bool:
    """True when a title segment is the site's name rather than part of the headline."""
    segment = segment.strip()
    if not segment:
        return True
    if segment in site_names:
        return True
    return len(segment) <= SITE_SUFFIX_MAX_CHARS and bool(_SITE_WORD.search(segment))
