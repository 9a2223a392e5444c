"""Recognising a sitemap or sitemap index by its bytes: plain or gzipped, with or without an XML prolog."""

from __future__ import annotations

import re
import struct
import zlib

from scrapy.utils.gz import gunzip

# The first bytes of a gzip stream (magic number + deflate): sitemap.xml.gz served as a file, not
# with Content-Encoding, so Scrapy's compression middleware leaves it packed (edge_blog).
GZIP_MAGIC = b"\x1f\x8b\x08"
# How far into the XML the root element is looked for (past a prolog, a BOM, comments, a stylesheet PI).
ROOT_WINDOW = 4096
# The root element of a sitemap (<urlset>) or sitemap index (<sitemapindex>), after an optional
# <?xml …?> prolog, <?xml-stylesheet …?> and comments: many CMSs omit the prolog (sitemap_news).
SITEMAP_ROOT = re.compile(
    rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->)*<(?:[\w.-]+:)?(?:urlset|sitemapindex)[\s>/]", re.S
)
UTF8_BOM = b"\xef\xbb\xbf"


class SitemapTooLarge(ValueError):
    """A gzipped sitemap unpacks to more than the crawl's download size limit."""


def gunzipped(body: bytes, max_size: int) -> bytes:
    """``body`` unpacked when it is gzip (at most ``max_size`` bytes; 0 = no limit), else as is."""
    if not body.startswith(GZIP_MAGIC):
        return body
    try:
        return gunzip(body, max_size=max_size)
    except (OSError, EOFError, struct.error, zlib.error):
        return body  # not really gzip: let the root-element check decide
    except ValueError as exc:  # scrapy's _DecompressionMaxSizeExceeded
        raise SitemapTooLarge(f"gzipped sitemap unpacks past {max_size} bytes") from exc


def sitemap_xml(body: bytes, max_size: int = 0) -> bytes | None:
    """The XML of a sitemap or sitemap index (unpacked if gzipped), or None when ``body`` is not one."""
    xml = gunzipped(body, max_size)
    return xml if SITEMAP_ROOT.match(xml[:ROOT_WINDOW].removeprefix(UTF8_BOM)) else None
