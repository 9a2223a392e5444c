"""Decode page bytes to text whatever the charset: HTTP header, meta tag, BOM, or detection."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

from charset_normalizer import from_bytes

# How much of the page head to scan for <meta charset> (the HTML spec's prescan window is 1024).
META_SCAN_BYTES = 4096
# A decoded text with more than this share of U+FFFD was decoded with the wrong charset.
MAX_REPLACEMENT_SHARE = 0.001
# A crawl sees a handful of distinct Content-Type values and charset labels: remember this many of each.
CONTENT_TYPE_CACHE_SIZE = 256
# Legacy Chinese labels are decoded with their superset: GB18030 decodes every GBK/GB2312 byte string.
SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030", "hz-gb-2312": "gb18030"}

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


class UndecodableError(ValueError):
    """The bytes decode cleanly under no declared or detected charset."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text of a page, the charset used, and where that charset came from."""

    text: str
    encoding: str
    source: str  # "bom" | "header" | "meta" | "detected" | "fallback"


@lru_cache(maxsize=CONTENT_TYPE_CACHE_SIZE)
def _normalise(label: str | None) -> str | None:
    """Python codec name for a charset label, mapped to its superset; None when unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return SUPERSET.get(name, name)


@lru_cache(maxsize=CONTENT_TYPE_CACHE_SIZE)
def header_charset(content_type: str | None) -> str | None:
    """Charset declared in a Content-Type header value, if any."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """Charset declared by <meta charset> or <meta http-equiv> in the page head, if any."""
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    return match.group(1).decode("ascii", "ignore") if match else None


def _clean(body: bytes, encoding: str) -> str | None:
    """The text if ``body`` decodes under ``encoding`` with (almost) no replacement characters."""
    text = body.decode(encoding, errors="replace")
    if text.count("\ufffd") <= MAX_REPLACEMENT_SHARE * max(len(text), 1):
        return text
    return None


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode HTML bytes: BOM, then header, then meta, then detection; a declared charset
    that leaves replacement characters (UTF-8 header over a GBK body) is not trusted."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return Decoded(body.decode(name, errors="replace").lstrip("\ufeff"), name, "bom")
    for source, label in (("header", header_charset(content_type)), ("meta", meta_charset(body))):
        encoding = _normalise(label)
        if encoding and (text := _clean(body, encoding)) is not None:
            return Decoded(text, encoding, source)
    for encoding in ("utf-8", "gb18030"):  # the two charsets these sites use, strictest first
        if (text := _clean(body, encoding)) is not None:
            return Decoded(text, encoding, "detected")
    best = from_bytes(body).best()
    if best is not None and (encoding := _normalise(best.encoding)):
        return Decoded(body.decode(encoding, errors="replace"), encoding, "detected")
    raise UndecodableError("no charset decodes these bytes cleanly (tried header, meta, utf-8, gb18030, detection)")


def decode_text_file(data: bytes) -> Decoded:
    """Decode a plain-text file (UTF-8 with or without BOM, or GB18030)."""
    return decode_html(data, None)
