"""What a fetched page is by its shape — article, listing or other — when its URL only guessed.

A link's URL says what a page probably is; the page itself says more. A page fetched as an article
that has no headline, no paragraph of its own and several article links is a listing (a category
page /node_5678.htm whose 下一页 must be followed); one with neither text nor article links is a
navigation page (about, contact, an empty topic page) and is kept as "other", not parsed as an article.
The judgement is deliberately one-sided: a page with any sign of being an article stays an article.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from spiders.links import LISTING_SEGMENTS, in_navigation, is_nav_element

# Elements whose text is one paragraph of the page's own prose.
PARAGRAPH_TAGS = ("p", "td", "li", "dd", "pre", "blockquote", "div", "section", "article", "span")
# Elements whose text is never the page's prose.
NON_TEXT_TAGS = frozenset(
    {"a", "script", "style", "noscript", "select", "option", "button", "form"}
)
# A paragraph with at least this many Chinese characters is prose (the shortest real policy sentence,
# "北京市退休人员每月划入100元", has 12; a contact line "联系电话：0000-12345678" has 4 — digits, Latin
# letters of an e-mail address and punctuation do not count).
PROSE_MIN_CHARS = 12
# An <h1> with at least this many letters of its own (not a linked logo) is an article headline.
HEADLINE_MIN_CHARS = 4
# ... and makes an article when some paragraph has this many letters (not digits: a listing's dates
# "2025-06-01" are no prose; a category page's <h1>政策解读</h1> alone is no article).
HEADLINE_PROSE_MIN_LETTERS = 8
# A page needs at least this many article or paging links to be taken for a listing.
LISTING_MIN_LINKS = 2
# A post slug: at least two hyphen-joined words of letters (and digits), e.g. yibao-huaru-tiaozheng.
SLUG = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")
# A slug directory showing this many article or paging links is a section, whatever prose it has.
SLUG_LISTING_MIN_LINKS = 6
# Article metadata: <meta property="og:type" content="article"> and schema.org JSON-LD of an article.
OG_TYPE = etree.XPath("//meta[@property='og:type']")
JSONLD = etree.XPath("//script[@type='application/ld+json']")
JSONLD_ARTICLE = re.compile(
    r'"@type"\s*:\s*(?:\[[^\]]*)?"(?:Article|NewsArticle|BlogPosting|Report)"|"articleBody"\s*:'
)
WORD_CHARS = re.compile(r"\w", re.UNICODE)
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def own_text(element: etree._Element) -> str:
    """The text of an element outside links, scripts and forms (its own words)."""
    parts = [element.text or ""] if element.tag not in NON_TEXT_TAGS else []
    for child in element:
        if isinstance(child.tag, str) and child.tag not in NON_TEXT_TAGS:
            parts.append(own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def word_count(text: str) -> int:
    """Letters and digits in ``text`` (CJK characters count one each)."""
    return len(WORD_CHARS.findall(text))


def is_content(element: etree._Element) -> bool:
    """True for an element outside the site's header, menus and footer."""
    return not is_nav_element(element) and not in_navigation(element)


def has_headline(tree: etree._Element) -> bool:
    """True for a page with an <h1> of its own words outside the site's navigation (not a linked logo)."""
    return any(
        word_count(own_text(h1)) >= HEADLINE_MIN_CHARS and is_content(h1) for h1 in tree.iter("h1")
    )


def has_prose(
    tree: etree._Element,
    min_chars: int = PROSE_MIN_CHARS,
    *,
    letters: bool = False,
    furniture: Collection[str] = (),
) -> bool:
    """True for a page with a paragraph of its own prose (``min_chars`` Chinese characters, or letters
    of any script) outside links, the site's navigation and the ``furniture`` texts of the site's listings."""
    count = LETTERS.findall if letters else HAN.findall
    return any(
        len(count(text := direct_text(el))) >= min_chars
        and is_content(el)
        and (not furniture or normalised(text) not in furniture)
        for el in tree.iter(*PARAGRAPH_TAGS)
    )


def normalised(text: str) -> str:
    """Text with runs of whitespace made one space, trimmed (a paragraph compared across pages)."""
    return " ".join(text.split())


def furniture_texts(tree: etree._Element) -> set[str]:
    """The prose-long paragraphs of a listing page: on an article page the same text is the site's
    footer or side box (an unlabelled <td> of an old table layout), not the article's prose."""
    return {
        normalised(text)
        for el in tree.iter(*PARAGRAPH_TAGS)
        if len(HAN.findall(text := direct_text(el))) >= PROSE_MIN_CHARS and is_content(el)
    }


def direct_text(element: etree._Element) -> str:
    """A paragraph's own words: all of them for a <p>-like element, only the loose text of a <div>."""
    if element.tag in ("div", "section", "article", "span"):
        return (element.text or "") + "".join(child.tail or "" for child in element)
    return own_text(element)


def parse_tree(html: str) -> etree._Element | None:
    """The lxml tree of an HTML text, or None when lxml finds no document in it."""
    try:
        return lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def judged_kind(
    requested: str,
    tree: etree._Element | None,
    content_links: int,
    url: str = "",
    furniture: Collection[str] = (),
) -> tuple[str, str | None]:
    """The kind to store a page fetched as ``requested`` under, and a ledger note when it differs.

    A page fetched as an article, and one fetched as a listing only because its URL is a bare slug
    directory (/yibao-huaru-tiaozheng/), are judged; other listings, sitemaps and robots.txt keep their kind.
    ``furniture``: paragraphs the site's listing pages showed (see furniture_texts)."""
    if tree is None:
        return requested, None
    if requested == "listing" and is_slug_directory(url):
        return slug_page_kind(tree, content_links)
    if requested != "article":
        return requested, None
    if is_article_shaped(tree, furniture):
        return requested, None
    # links to articles and no prose: a category page behind an id-shaped URL (edge_blog node_5678.htm)
    if content_links >= LISTING_MIN_LINKS:
        return "listing", f"kept as a listing: {content_links} article/paging links and no prose"
    return "other", "kept as other: no headline, no prose, no article links (a navigation page)"


def is_article_shaped(tree: etree._Element, furniture: Collection[str] = ()) -> bool:
    """Article metadata (a script-rendered page has no prose in its HTML), a paragraph of prose that no
    listing of the site showed, or a headline over a line of words (a short news item shown whole on a
    listing keeps its headline)."""
    return (
        has_article_metadata(tree)
        or has_prose(tree, furniture=furniture)
        or (has_headline(tree) and has_prose(tree, HEADLINE_PROSE_MIN_LETTERS, letters=True))
    )


def has_article_metadata(tree: etree._Element) -> bool:
    """True for og:type=article or schema.org JSON-LD naming an article (unseen spa_jsonld_shaoxing)."""
    if any((m.get("content") or "").strip().lower() == "article" for m in OG_TYPE(tree)):
        return True
    return any(JSONLD_ARTICLE.search(script.text or "") for script in JSONLD(tree))


def is_slug_directory(url: str) -> bool:
    """True for /yibao-huaru-tiaozheng/ (WordPress "postname" permalinks): a trailing-slash path whose last
    segment is a hyphenated slug and no segment names a listing (category, tag, list …)."""
    segments = [s for s in urlsplit(url).path.lower().split("/") if s]
    if not url.endswith("/") or not segments or any(s in LISTING_SEGMENTS for s in segments):
        return False
    return bool(SLUG.fullmatch(segments[-1]))


def slug_page_kind(tree: etree._Element, content_links: int) -> tuple[str, str | None]:
    """A slug directory with a headline, prose and few article links is a post; otherwise a listing."""
    if has_headline(tree) and has_prose(tree) and content_links < SLUG_LISTING_MIN_LINKS:
        return "article", "kept as an article: a slug URL with a headline and prose"
    return "listing", None
