"""Stream every page of the sample site (articles, copies, listings, home, robots, sitemaps, assets) from (n, seed)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from pipelines.sample_site import chrome
from pipelines.sample_site.content import (
    CATEGORIES,
    CATEGORY_CYCLE,
    MOBILE_COPY_AT,
    MOBILE_COPY_EVERY,
    REPOST_AT,
    REPOST_EVERY,
    ArticlePlan,
    Headline,
    headline,
    plan_article,
)
from pipelines.sample_site.layouts import LAYOUTS, ArticleLinks, mobile_page, print_page
from pipelines.sample_site.records import SitePage
from pipelines.sample_site.statics import static_pages
from pipelines.serve import BASE_URL_TOKEN, default_content_type

PAGE_SIZE = 10  # articles per listing page, newest first
SITEMAP_CHUNK = 5000  # URLs per sitemap file; above this /sitemap.xml becomes a sitemap index
N_RELATED = 8  # neighbouring articles in each 相关推荐 list
N_HOT = 10  # links in each 热门文章 box
N_LATEST = 10  # links in each 最新文章 box
# Tracking parameters added to one related link per article (cycled by index).
TRACKING_SUFFIXES = ("?utm_source=wechat&utm_medium=social", "?from=timeline", "?spm=a2c4g.11186623.0.0")
DEAD_RELATED_EVERY, DEAD_RELATED_AT = 12, 5  # which articles carry a dead related link
HTML_UTF8 = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class RenderedArticle:
    """One article page as served, with the plan it was rendered from."""

    page: SitePage
    plan: ArticlePlan
    template: str  # layout actually used for this URL
    duplicate_of: str | None  # url_path of the original, for copies


def mobile_copy_path(head: Headline) -> str | None:
    """/m/ URL of a desktop article that also exists as a mobile copy."""
    if head.template == "desktop" and head.index % MOBILE_COPY_EVERY == MOBILE_COPY_AT:
        return f"/m/{head.category}/{head.published:%Y%m}/{head.article_id}.html"
    return None


def repost_path(head: Headline) -> str | None:
    """/zhuanzai/ URL of an article the site reposted."""
    if head.index % REPOST_EVERY == REPOST_AT:
        return f"/zhuanzai/{head.published:%Y%m}/{head.article_id}.html"
    return None


def print_path(head: Headline) -> str | None:
    """Printer-friendly URL of desktop articles (disallowed by robots.txt)."""
    return f"/print/{head.article_id}.html" if head.template == "desktop" else None


def tracked(head: Headline) -> str:
    """The URL of ``head`` with a tracking parameter, as a related list links it."""
    return head.url_path + TRACKING_SUFFIXES[head.index % len(TRACKING_SUFFIXES)]


def _related(index: int, n: int, seed: int) -> tuple[tuple[str, str, str], ...]:
    """相关推荐 entries: nearest older articles (newer ones for the first few), one with tracking params."""
    others = [j for j in range(index - 1, index - 1 - N_RELATED, -1) if j >= 0]
    others += list(range(index + 1, min(n, index + 1 + N_RELATED - len(others))))
    entries = []
    for pos, j in enumerate(others):
        head = headline(j, n, seed)
        href = tracked(head) if pos == 0 else head.url_path
        entries.append((href, head.title, f"{head.published:%Y-%m-%d}"))
    if index % DEAD_RELATED_EVERY == DEAD_RELATED_AT:
        entries.append((chrome.DEAD_RELATED, "2019年医保个人账户划入标准汇总（已下线）", "2019-01-15"))
    if index % REPOST_EVERY == REPOST_AT + 1 and index >= 1:
        repost = repost_path(headline(index - 1, n, seed))
        if repost:
            entries.append((repost, "【转载】" + headline(index - 1, n, seed).title, f"{headline(index - 1, n, seed).published:%Y-%m-%d}"))
    return tuple(entries)


def _hot(index: int, n: int, seed: int) -> tuple[tuple[str, str], ...]:
    """热门文章 links spread over the site."""
    picks = sorted({(index * 7 + k * 11) % n for k in range(1, N_HOT + 1)} - {index})
    return tuple((headline(j, n, seed).url_path, headline(j, n, seed).title) for j in picks)


def _latest(n: int, seed: int) -> tuple[tuple[str, str, str], ...]:
    """最新文章: the site's newest articles."""
    heads = [headline(j, n, seed) for j in range(n - 1, max(-1, n - 1 - N_LATEST), -1)]
    return tuple((h.url_path, h.title, f"{h.published:%Y-%m-%d}") for h in heads)


def _encode(html: str, plan: ArticlePlan) -> tuple[bytes, str]:
    """Bytes in the page's charset and the Content-Type header that goes with them."""
    body = html.encode(plan.encoding)  # strict: a character outside GBK is a generator bug
    if plan.charset_declared in ("header", "header+meta"):
        return body, f"text/html; charset={plan.encoding}"
    return body, "text/html"


def render_article(index: int, n: int, seed: int) -> Iterator[RenderedArticle]:
    """The article's own page, then its copies (mobile, repost), each as served."""
    plan = plan_article(index, n, seed)
    head = plan.head
    links = ArticleLinks(_related(index, n, seed), _hot(index, n, seed), _latest(n, seed),
                         mobile_copy_path(head), print_path(head))
    body, ctype = _encode(LAYOUTS[head.template](plan, links), plan)
    yield RenderedArticle(SitePage(head.url_path, body, ctype, "article"), plan, head.template, None)
    if links.mobile_copy:
        copy_links = ArticleLinks(links.related, links.hot, links.latest, None, None)
        body, ctype = _encode(mobile_page(plan, copy_links), plan)
        yield RenderedArticle(SitePage(links.mobile_copy, body, ctype, "article"), plan, "mobile", head.url_path)
    repost = repost_path(head)
    if repost:
        body, ctype = _encode(LAYOUTS["legacy"](plan, ArticleLinks(links.related, links.hot, links.latest, None, None)), plan)
        yield RenderedArticle(SitePage(repost, body, ctype, "article"), plan, "legacy", head.url_path)


# ----------------------------------------------------------------------------- listings


def category_count(category: str, n: int) -> int:
    """How many of the n articles fall in ``category``."""
    cycle = len(CATEGORY_CYCLE)
    return sum(len(range(r, n, cycle)) for r, c in enumerate(CATEGORY_CYCLE) if c == category)


def category_member(category: str, n: int, k: int) -> int:
    """Index of the k-th newest article of ``category`` (k = 0 is the newest)."""
    residues = [r for r, c in enumerate(CATEGORY_CYCLE) if c == category]
    j = category_count(category, n) - 1 - k  # position in ascending order
    return (j // len(residues)) * len(CATEGORY_CYCLE) + residues[j % len(residues)]


def listing_path(category: str, page: int) -> str:
    """URL of page ``page`` (1-based) of a category listing."""
    return f"/{category}/index.html" if page == 1 else f"/{category}/index_{page}.html"


def _pager(category: str, page: int, pages: int) -> str:
    """Pagination links: first, previous, a window of numbers, next, last."""
    parts = [f'<a href="{listing_path(category, 1)}">首页</a>']
    if page > 1:
        parts.append(f'<a href="{listing_path(category, page - 1)}">上一页</a>')
    for p in range(max(1, page - 3), min(pages, page + 3) + 1):
        parts.append(f"<b>{p}</b>" if p == page else f'<a href="{listing_path(category, p)}">{p}</a>')
    if page < pages:
        parts.append(f'<a href="{listing_path(category, page + 1)}">下一页</a>')
    parts.append(f'<a href="{listing_path(category, pages)}">尾页</a>')
    return '<div class="pages">' + " ".join(parts) + "</div>"


def _list_items(heads: list[Headline]) -> str:
    """Listing entries: title link and date."""
    return "".join(
        f'<li><a href="{h.url_path}">{escape(h.title)}</a><span class="date">{h.published:%Y-%m-%d}</span></li>'
        for h in heads
    )


def _shell(title: str, inner: str) -> str:
    """A non-article page in the desktop chrome."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n' + chrome.head_html(title, '<meta charset="utf-8">\n')
        + "\n<body>\n" + chrome.header_html() + f'\n<div class="main">{inner}</div>\n'
        + chrome.footer_html() + "\n" + chrome.script_html() + "\n</body>\n</html>\n"
    )


def listing_pages(n: int, seed: int) -> Iterator[SitePage]:
    """Every page of every category listing, newest first, PAGE_SIZE entries each."""
    for category, name in CATEGORIES.items():
        total = category_count(category, n)
        pages = max(1, -(-total // PAGE_SIZE))
        for page in range(1, pages + 1):
            ks = range((page - 1) * PAGE_SIZE, min(page * PAGE_SIZE, total))
            heads = [headline(category_member(category, n, k), n, seed) for k in ks]
            inner = (f'<div class="left"><h2 class="list-title">{name}</h2><ul class="list">{_list_items(heads)}</ul>'
                     f"{_pager(category, page, pages)}</div>")
            html = _shell(f"{name}_第{page}页_社保网" if page > 1 else f"{name}_社保网", inner)
            yield SitePage(listing_path(category, page), html.encode("utf-8"), HTML_UTF8, "listing")


def home_page(n: int, seed: int) -> SitePage:
    """The home page: the newest articles of each category."""
    boxes = []
    for category, name in CATEGORIES.items():
        count = min(PAGE_SIZE, category_count(category, n))
        heads = [headline(category_member(category, n, k), n, seed) for k in range(count)]
        boxes.append(f'<div class="box"><h3><a href="{listing_path(category, 1)}">{name}</a></h3>'
                     f'<ul class="list">{_list_items(heads)}</ul></div>')
    html = _shell("社保网_社保政策与待遇查询", "".join(boxes))
    return SitePage("/index.html", html.encode("utf-8"), HTML_UTF8, "listing")


# ----------------------------------------------------------------------------- robots, sitemaps


def robots_page() -> SitePage:
    """robots.txt: two disallowed paths (both linked from pages) and the sitemap."""
    lines = ["User-agent: *", *(f"Disallow: {p}" for p in chrome.ROBOTS_DISALLOW), "",
             f"Sitemap: {BASE_URL_TOKEN}/sitemap.xml", ""]
    return SitePage("/robots.txt", "\n".join(lines).encode(), default_content_type("/robots.txt"), "other")


def _urlset(entries: Iterator[tuple[str, str]]) -> bytes:
    """A sitemap <urlset> of (path, lastmod) entries, absolute through the base-URL token."""
    urls = "".join(f"<url><loc>{BASE_URL_TOKEN}{p}</loc><lastmod>{d}</lastmod></url>\n" for p, d in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n").encode()


def _article_entries(n: int, seed: int, start: int, stop: int) -> Iterator[tuple[str, str]]:
    """(URL path, lastmod) of articles start..stop-1."""
    for i in range(start, stop):
        head = headline(i, n, seed)
        yield head.url_path, f"{head.published:%Y-%m-%d}"


def sitemap_pages(n: int, seed: int) -> Iterator[SitePage]:
    """/sitemap.xml (a urlset, or an index of chunked urlsets on large sites)."""
    ctype = default_content_type("/sitemap.xml")
    if n <= SITEMAP_CHUNK:
        yield SitePage("/sitemap.xml", _urlset(_article_entries(n, seed, 0, n)), ctype, "other")
        return
    chunks = range(0, n, SITEMAP_CHUNK)
    index = "".join(f"<sitemap><loc>{BASE_URL_TOKEN}/sitemap_{k + 1}.xml</loc></sitemap>\n" for k in range(len(chunks)))
    yield SitePage("/sitemap.xml", ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
                                    f'"http://www.sitemaps.org/schemas/sitemap/0.9">\n{index}</sitemapindex>\n').encode(),
                   ctype, "other")
    for k, start in enumerate(chunks):
        body = _urlset(_article_entries(n, seed, start, min(n, start + SITEMAP_CHUNK)))
        yield SitePage(f"/sitemap_{k + 1}.xml", body, ctype, "other")


def admin_page() -> SitePage:
    """The login page under /admin/ (linked, present, forbidden by robots.txt)."""
    html = _shell("投稿登录_社保网", '<form method="post"><input name="user"><input name="pass" type="password"></form>')
    return SitePage(chrome.ADMIN_PATH, html.encode("utf-8"), HTML_UTF8, "other")


def site_pages(n: int, seed: int) -> Iterator[SitePage | RenderedArticle]:
    """Every page of the site, articles with their plans."""
    if n < 1:
        raise ValueError(f"a site needs at least one article, got n_articles={n}")
    yield robots_page()
    yield from static_pages()
    yield home_page(n, seed)
    yield admin_page()
    for index in range(n):  # articles before listings and sitemaps: a stream reaches them at once
        for rendered in render_article(index, n, seed):
            yield rendered
            if rendered.duplicate_of is None and (pp := print_path(rendered.plan.head)):
                yield SitePage(pp, print_page(rendered.plan).encode("utf-8"), HTML_UTF8, "other")
    yield from listing_pages(n, seed)
    yield from sitemap_pages(n, seed)

