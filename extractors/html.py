"""HTML page → Article: decode, parse once with lxml, pick a site profile or the generic path."""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from lxml import etree

from extractors import generic
from extractors.cleaning import (
    clean_text,
    element_text,
    is_site_name,
    strip_site_suffix,
    title_prefixes,
)
from extractors.dates import (
    date_from_url,
    has_date_label,
    labelled_date,
    parse_published_at,
    published_at_from_meta,
    published_at_from_time,
)
from extractors.decoding import Decoded, UndecodableError, decode_html
from extractors.jsonld import LinkedArticle, body_lines, linked_article
from extractors.keys import sha256_text
from extractors.links import page_links
from extractors.profiles import Profile, pick_profile
from extractors.records import Article, PageLinks, Paragraph, new_paragraph
from extractors.regions import title_region
from extractors.urls import canonical_article_id, canonical_url, site_of

GENERIC = "generic"
JSONLD = "jsonld"  # the body came from the page's JSON-LD articleBody (a script-rendered page)
# An Article's links when the caller asked for none (one shared, immutable instance).
NO_LINKS = PageLinks()
UTF8 = "utf-8"  # decoding's name of the charset libxml2 reads natively
# lxml refuses str input that still carries an XML encoding declaration (XHTML pages); it is obsolete once decoded.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# Meta names (lower case) of the headline, in order of trust: Open Graph, and the ArticleTitle of
# government CMSs (TRS, Hanweb), whose <title> carries column and site names (…_政策文件_青岛市医疗保障局).
META_TITLE_NAMES = ("og:title", "articletitle")
META_SITE_NAMES = ("og:site_name", "application-name")  # the site's own name, never a headline
_H1 = etree.XPath("//h1")
_TITLE_TAG = etree.XPath("string(//title)", smart_strings=False)  # a plain str: no parent to keep
# Text nodes equal to the headline (pages without an <h1> show it in a <font> or <b>).
# (/descendant::x[…] selects what //x[…] does, for a predicate that is not positional, 2x faster in libxml2.)
_TEXT_EQUALS = etree.XPath(
    "/descendant::body/descendant::text()[normalize-space()=$t][not(ancestor::a or ancestor::option)]")
# A column tag before a <title>'s headline (【医保】, [社保]) that the page may not show with it.
_LEADING_TAG = re.compile(r"^\s*[【\[［〖][^】\]］〗]{1,8}[】\]］〗]\s*")
# A <title> part shorter than this may be a menu word that happens to be on the page (北京 - 医保划入).
MIN_SHOWN_TITLE_CHARS = 6
_BODY_TEXT = etree.XPath("string(//body)", smart_strings=False)  # a plain str: no parent to keep
# Text nodes that may hold a publication label (发布时间, 发表于, 日期, 时间 …).
_DATE_LABEL_TEXTS = etree.XPath(
    "/descendant::body/descendant::text()[contains(., '发布') or contains(., '发表') or contains(., '日期') or contains(., '时间')]")
# Byline holders: class/id names of the element that shows the date under the headline.
_NAMED = etree.XPath("descendant::*[@class or @id]")
# class/id names of the element that shows the date under the headline (class="info", id="pubtime" …).
BYLINE_NAME = re.compile(r"time|date|info|meta|pub|source|attr|byline", re.I)
BYLINE_MAX_CHILDREN = 8  # a byline holds a few spans; an element with more children is a container
BYLINE_MAX_CHARS = 120  # a byline is a short line; a long element mentioning "info" is content
# How many elements after the headline to look in for a date line when nothing is labelled.
NEAR_TITLE_ELEMENTS = 4


_LOCAL = threading.local()


class _Lazy:
    """A value computed on first use and then remembered (lighter than functools.cache per page)."""

    __slots__ = ("_compute", "_done", "_value")

    def __init__(self, compute: Callable[[], etree._Element | None]) -> None:
        self._compute, self._done, self._value = compute, False, None

    def __call__(self) -> etree._Element | None:
        if not self._done:
            self._value, self._done = self._compute(), True
        return self._value


class ParseError(ValueError):
    """A page yields no article: undecodable bytes, unparsable HTML, or no findable body."""


def parse_html(body: bytes, url: str, *, content_type: str | None = None,
               fetched_at: datetime | None = None, profiles: Sequence[Profile] | None = None,
               with_links: bool = True) -> Article:
    """Parse one page into an Article (title, date, body paragraphs with sections, links).

    ``profiles`` replaces the registered site profiles (``()`` forces the generic path);
    ``with_links=False`` leaves ``links`` empty (a seventh of the parse, and the pipeline stages
    never read them: only the crawl follows links)."""
    root, encoding = _parse(body, url, content_type)
    links = page_links(root, url) if with_links else NO_LINKS
    profile = pick_profile(root, url, profiles)
    title = _title(root, profile)
    headline = _Lazy(lambda: headline_element(root, title))  # found only when a step needs it
    linked = linked_article(root)  # read before pruning drops the <script>s
    published = _published_at(root, profile, headline, url, linked)
    extractor, blocks = _body(root, profile, title, headline, url, linked)
    paragraphs = number_blocks(blocks)
    canonical = canonical_url(url)
    return Article(
        article_id=canonical_article_id(canonical), url=canonical, site=site_of(canonical), title=title,
        published_at=published, fetched_at=fetched_at,
        title_region=title_region(title) if title else None,
        content_sha256=sha256_text("\n".join(p.text for p in paragraphs)), extractor=extractor,
        paragraphs=paragraphs, links=links, encoding=encoding,
    )


def _parser() -> etree.HTMLParser:
    """This thread's HTML parser (lxml parsers must not be shared between threads)."""
    if (parser := getattr(_LOCAL, "parser", None)) is None:
        # comments are pruned with the furniture later; removing them while parsing costs more
        parser = _LOCAL.parser = etree.HTMLParser(no_network=True)
    return parser


def _parse(body: bytes, url: str, content_type: str | None) -> tuple[etree._Element, str]:
    """Decode and parse the page once; ParseError names the URL and the reason."""
    try:
        decoded = decode_html(body, content_type)
    except UndecodableError as exc:
        raise ParseError(f"{url}: undecodable bytes ({exc})") from exc
    text, declarations = _XML_DECLARATION.subn("", decoded.text, count=1)
    if not text or text.isspace():  # (not text.strip(): no copy of the whole page)
        raise ParseError(f"{url}: empty page")
    try:
        root = etree.fromstring(_as_utf8(body) if _same_as_utf8(body, decoded, declarations) else text, _parser())
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"{url}: HTML does not parse ({exc})") from exc
    if root is None:
        raise ParseError(f"{url}: HTML holds no elements")
    return root, decoded.encoding


def _same_as_utf8(body: bytes, decoded: Decoded, declarations: int) -> bool:
    """True when libxml2 may read the page's own bytes as UTF-8 and build the tree the decoded text
    gives: the text is those bytes' clean UTF-8 decoding (no replacement character, no BOM, no NUL)
    and no XML declaration was cut from it. (libxml2 converts a str from UTF-16 back to UTF-8 first:
    a fifth of the parse.)"""
    return (decoded.encoding == UTF8 and decoded.source != "bom" and not declarations
            and "\ufffd" not in decoded.text and b"\0" not in body)


def _as_utf8(body: bytes) -> bytes:
    """The page's bytes behind a UTF-8 byte order mark: libxml2 then reads them as UTF-8 whatever
    their <meta charset> says (as it reads a str), and checks and converts nothing."""
    return codecs.BOM_UTF8 + body


def _title(root: etree._Element, profile: Profile | None) -> str | None:
    """Headline: profile selector, else the <h1> that <title> repeats, else og:title or the
    ArticleTitle meta, else the part of the <title> the page shows, else <title> without its site
    suffix (unless it is only a site name and there is an <h1>), else the first <h1>."""
    meta = _meta_contents(root)
    site_names = _site_names(meta)
    if profile and (text := profile.text("title", root)):
        return strip_site_suffix(text, site_names)
    page_title = clean_text(_TITLE_TAG(root))
    # a logo <h1>社保网</h1> is not a headline (gov_trs_editor_gb2312.html)
    h1s = [t for t in (clean_text(element_text(h)) for h in _H1(root)) if t and not is_site_name(t, site_names)]
    for h1 in h1s:  # the <h1> that the <title> repeats is the headline
        if h1 in page_title:
            return h1
    for candidate in (clean_text(meta.get(name)) for name in META_TITLE_NAMES):
        if candidate:
            return strip_site_suffix(candidate, site_names)
    if page_title and (shown := _shown_title_part(root, page_title)):
        return shown
    if page_title and (not is_site_name(page_title, site_names) or not h1s):  # <title>社保网</title> names no article
        return strip_site_suffix(page_title, site_names)
    return h1s[0] if h1s else None


def _meta_contents(root: etree._Element) -> dict[str, str]:
    """The content of each <meta> by its lower-cased name or property (the first one wins); one walk
    instead of an XPath per name."""
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        if (key := (el.get("property") or el.get("name") or "").lower()) and key not in found:
            found[key] = el.get("content") or ""
    return found


def _site_names(meta: dict[str, str]) -> tuple[str, ...]:
    """The site's own names that its meta tags give."""
    return tuple(name for key in META_SITE_NAMES if (name := clean_text(meta.get(key))))


def _shown_title_part(root: etree._Element, page_title: str) -> str | None:
    """The leading part of the <title> that the page shows as a line of its own: the headline without
    column and site names (标题_政策文件_青岛市医疗保障局 with 标题 in a <td class=biaoti>)."""
    prefixes = [*title_prefixes(page_title), page_title]
    untagged = [_LEADING_TAG.sub("", part) for part in prefixes]  # 【医保】标题 | 站名 shows 标题
    parts = [part for part in dict.fromkeys(prefixes[:-1] + untagged) if len(part) >= MIN_SHOWN_TITLE_CHARS]
    body_text = _BODY_TEXT(root) if parts else ""
    return next((part for part in parts if part in body_text and _TEXT_EQUALS(root, t=part)), None)


def headline_element(root: etree._Element, title: str | None) -> etree._Element | None:
    """The element that shows the headline: the <h1> holding the title, else the outermost element
    whose whole text is the title (<font><b>标题</b></font>, an <h2> under a logo <h1>), else the
    first <h1> that is not a logo."""
    h1s = _H1(root)
    if title:
        for h1 in h1s:
            if clean_text(element_text(h1)) == title:
                return h1
        if (shown := _shown_line(root, title)) is not None:
            return shown
    site_names = _site_names(_meta_contents(root))
    return next((h1 for h1 in h1s if (text := clean_text(element_text(h1))) and not is_site_name(text, site_names)),
                None)


def _shown_line(root: etree._Element, title: str) -> etree._Element | None:
    """The line that shows ``title`` on its own, outside furniture when it is shown twice (not the
    last crumb of a breadcrumb)."""
    if title not in _BODY_TEXT(root):  # one substring test before a search of every text node
        return None
    shown = [el for node in _TEXT_EQUALS(root, t=title) if (el := _line_of(node, title)) is not None]
    return next((el for el in shown if not _in_furniture(el)), shown[0] if shown else None)


def _line_of(node: etree._ElementUnicodeResult, title: str) -> etree._Element | None:
    """The outermost element whose whole text is the text node ``node`` (the <font> around a <b>)."""
    el = node.getparent()
    if el is None or (node.is_tail and (el := el.getparent()) is None):
        return None
    while (parent := el.getparent()) is not None and clean_text(element_text(parent)) == title:
        el = parent
    return el


def _in_furniture(el: etree._Element) -> bool:
    """True when an ancestor's class or id names page furniture (a breadcrumb, a sidebar)."""
    return any(generic.is_drop_name(f"{a.get('class', '')} {a.get('id', '')}") for a in el.iterancestors())


def _following(el: etree._Element, limit: int) -> Iterator[etree._Element]:
    """Up to ``limit`` elements after ``el`` in reading order: its next siblings, then its
    ancestors' next siblings (the byline bar after the <div> that wraps an <h1>)."""
    count = 0
    while el is not None and el.tag != "body":
        for sibling in el.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            yield sibling
            count += 1
            if count >= limit:
                return
        el = el.getparent()


def _published_at(root: etree._Element, profile: Profile | None, find_headline: Callable[[], etree._Element | None],
                  url: str, linked: LinkedArticle | None = None) -> datetime | None:
    """Publication date, most trusted first: profile selector, meta tags, JSON-LD datePublished, the
    line after the headline (its <time datetime> first), any <time>, a byline element, a labelled
    date anywhere, the date in the URL."""
    if profile and (text := profile.text("published", root)) and (value := parse_published_at(text)):
        return value
    if (value := published_at_from_meta(root, times=False)) is not None:
        return value
    if linked is not None and (value := parse_published_at(linked.date_published)) is not None:
        return value
    headline = find_headline()
    if headline is not None:  # the line under the headline (2025-06-05 21:37:12社保网; sidebar_dates_first)
        for el in _following(headline, NEAR_TITLE_ELEMENTS):
            if (value := _byline_date(el, _time_or_text(el))) is not None:
                return value
    if (value := published_at_from_time(root)) is not None:  # a <time> elsewhere (a sidebar's come later)
        return value
    near = headline.getparent() if headline is not None else None
    for scope in (near, root) if near is not None else (root,):  # by the headline first, then anywhere
        for el in _NAMED(scope):  # an element named like a byline (class="info", id="pubtime" …)
            if len(el) <= BYLINE_MAX_CHILDREN and BYLINE_NAME.search(f"{el.get('class', '')} {el.get('id', '')}") \
                    and (value := _byline_date(el)) is not None:
                return value
    if (value := _labelled_date_anywhere(root)) is not None:  # 发表于 2026-2-20 in a forum post (discuz)
        return value
    return date_from_url(url)  # only the URL says when (/art/2026/3/8/…; url_date_ningbo)


def _time_or_text(el: etree._Element) -> Callable[[str], datetime | None]:
    """How to read a byline: its <time datetime> when it has one (a time of day the text may omit)."""
    return lambda text: published_at_from_time(el) or parse_published_at(text)


def _labelled_date_anywhere(root: etree._Element) -> datetime | None:
    """The first date on the page that directly follows a publication label, in a short line."""
    if not has_date_label(_BODY_TEXT(root)):  # one regex over the text spares a search of every text node
        return None
    for node in _DATE_LABEL_TEXTS(root):
        holder = node.getparent()
        if node.is_tail and holder is not None:  # <small>时间:</small>2026-02-05: the line is the parent's
            holder = holder.getparent()
        for el in (holder, holder.getparent() if holder is not None else None):  # the label may be alone in a <small>
            if el is not None and (value := _byline_date(el, labelled_date)) is not None:
                return value
    return None


def _byline_date(el: etree._Element, read: Callable[[str], datetime | None] = parse_published_at) -> datetime | None:
    """The date in an element when its text is a byline: short, and no sentence (a forum reply is not,
    nor a lead such as 2026年1月1日起，成都市…划入120元 unless a 发布时间-style label names the date)."""
    text = clean_text(element_text(el))
    if len(text) > BYLINE_MAX_CHARS or "。" in text or ("，" in text and not has_date_label(text)):
        return None
    return read(text)


def _shows_title(headline: etree._Element | None, title: str | None) -> etree._Element | None:
    """The headline element when its text is the title (then the body is around or after it)."""
    return headline if headline is not None and title and clean_text(element_text(headline)) == title else None


def _body(root: etree._Element, profile: Profile | None, title: str | None,
          find_headline: Callable[[], etree._Element | None], url: str,
          linked: LinkedArticle | None = None) -> tuple[str, list[generic.Block]]:
    """(extractor name, body blocks): the profile's body when it finds one, else the generic path,
    else — for a script-rendered page with no body in its HTML — the JSON-LD articleBody."""
    try:
        return _html_body(root, profile, title, find_headline, url)
    except ParseError:
        lines = body_lines(linked) if linked is not None else []
        if not lines:
            raise
        return JSONLD, [generic.Block("p", clean_text(line)) for line in lines]


def _html_body(root: etree._Element, profile: Profile | None, title: str | None,
               find_headline: Callable[[], etree._Element | None], url: str) -> tuple[str, list[generic.Block]]:
    """(extractor name, body blocks) from the page's HTML: a site profile's, else the generic path's."""
    if profile is not None:
        generic.prune(root, profile.drops())
        containers = profile.compiled["body"](root)
        blocks = generic.body_blocks(containers, title)
        if blocks:
            return profile.name, blocks
    generic.prune(root)
    headline = _shows_title(find_headline(), title)
    generic.drop_furniture(root, headline)
    try:
        containers = generic.main_content(root, headline)
    except generic.NoBodyError as exc:
        raise ParseError(f"{url}: {exc}") from exc
    blocks = generic.body_blocks(containers, title, headline)
    if not blocks:
        raise ParseError(f"{url}: the main-content element holds no body paragraphs")
    return GENERIC, blocks


def number_blocks(blocks: list[generic.Block]) -> tuple[Paragraph, ...]:
    """Paragraphs with ordinals and the nearest heading as section (a heading opens its own section)."""
    section: str | None = None
    paragraphs = []
    for ordinal, block in enumerate(blocks):
        if block.kind == "heading":
            section = block.text
        paragraphs.append(new_paragraph(ordinal, block.text, section, block.kind))
    return tuple(paragraphs)
