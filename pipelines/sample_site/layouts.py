"""The three article layouts of the sample site (desktop, legacy <br> body, mobile <article>) and the print page.

Where things are, per layout (the HTML extractor's site profiles rely on this):

- desktop: title ``h1.article-title``; date ``div.article-info span.pubtime`` ("2025-06-05 21:37:12社保网",
  some pages also ``meta[property=article:published_time]``); body ``div.article-content`` (``p``, ``h2``,
  ``table.rule-table``); outside the body: ``div.related`` (相关推荐), ``div.sidebar`` (热门问答 traps),
  ``div.comments`` (trap comments), ``div.footer``.
- legacy: title ``td.biaoti b``; date ``td.info`` ("发布时间：2026-02-03 10:20" or "日期：2025/11/18");
  body ``td#zoom`` (class ``content``): paragraphs separated by ``<br>``, headings in ``<strong>``,
  tables inline; outside: ``div.xgwz`` (相关文章), ``td.right`` (sidebar traps), ``div#pinglun`` (comments).
- mobile: title ``article.m-article h1.m-title``; date ``time[datetime]`` or ``span.m-date`` ("2026年08月21日");
  body ``section.m-body``; outside (after ``</article>``): ``aside.m-related``, ``div.m-hotqa`` (traps),
  ``section.m-comments`` (traps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from pipelines.sample_site import chrome
from pipelines.sample_site.content import ArticlePlan, Block, date_text
from pipelines.sample_site.texts import SIDEBAR_QA

# How each layout writes the date after a related-article link.
DESKTOP_DATE = '<span class="date">{date}</span>'
LEGACY_DATE = ' <font color="#999999">({date})</font>'


@dataclass(frozen=True, slots=True)
class ArticleLinks:
    """Links an article page carries besides its body."""

    related: tuple[tuple[str, str, str], ...]  # (href, title, YYYY-MM-DD)
    hot: tuple[tuple[str, str], ...]  # (href, title)
    latest: tuple[tuple[str, str, str], ...]  # the site's newest articles (href, title, YYYY-MM-DD)
    mobile_copy: str | None  # /m/ URL of the same article, when there is one
    print_path: str | None


def charset_meta(encoding: str, declared: str, legacy: bool) -> str:
    """The charset declaration in <head>, or nothing when the page declares none there."""
    if declared not in ("meta", "header+meta"):
        return ""
    if legacy:
        return f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">\n'
    return f'<meta charset="{encoding}">\n'


def _table(rows: Sequence[Sequence[str]], css: str) -> str:
    """A table with a header row."""
    head = "".join(f"<th>{escape(c)}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
    return f'<table class="{css}"><tr>{head}</tr>{body}</table>'


def blocks_html(blocks: Sequence[Block], heading_tag: str) -> str:
    """Body blocks as <p>, headings and tables."""
    out = []
    for block in blocks:
        if block.kind == "table":
            out.append(_table(block.rows, "rule-table"))
        elif block.kind == "heading":
            out.append(f"<{heading_tag}>{escape(block.text)}</{heading_tag}>")
        else:
            out.append(f"<p>{escape(block.text)}</p>")
    return "\n".join(out)


def blocks_br(blocks: Sequence[Block]) -> str:
    """Body blocks of the legacy layout: text lines separated by <br>, headings in <strong>."""
    out = []
    for block in blocks:
        if block.kind == "table":
            out.append(_table(block.rows, "tb"))
        elif block.kind == "heading":
            out.append(f"<strong>{escape(block.text)}</strong><br>")
        else:
            out.append(f"&nbsp;&nbsp;&nbsp;&nbsp;{escape(block.text)}<br>\n<br>")
    return "\n".join(out)


def _traps(plan: ArticlePlan, location: str) -> list[str]:
    """Trap sentences of this article placed at ``location``."""
    return [text for where, _region, text in plan.traps if where == location]


def _qa_items(plan: ArticlePlan) -> str:
    """热门问答 items: the sidebar traps among harmless questions."""
    return "".join(f"<li>{escape(t)}</li>" for t in (*_traps(plan, "sidebar"), *SIDEBAR_QA))


def _comment_items(plan: ArticlePlan, css: str) -> str:
    """Comments: trap comments among harmless ones."""
    texts = (*plan.comments[:1], *_traps(plan, "comments"), *plan.comments[1:])
    return "".join(f'<div class="{css}"><p>{escape(t)}</p></div>' for t in texts)


def _related_items(links: ArticleLinks, sep: str) -> str:
    """Related-article list entries, each with its date."""
    return "".join(
        f'<li><a href="{escape(href)}">{escape(title)}</a>{sep.format(date=date)}</li>'
        for href, title, date in links.related
    )


def _hot_items(links: ArticleLinks) -> str:
    """Popular-article links."""
    return "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for h, t in links.hot)


def _latest_items(links: ArticleLinks) -> str:
    """The site's newest articles, each with its date."""
    return "".join(
        f'<li><a href="{escape(h)}">{escape(t)}</a><span class="date">{d}</span></li>' for h, t, d in links.latest
    )


def desktop_page(plan: ArticlePlan, links: ArticleLinks) -> str:
    """The current desktop layout."""
    head = plan.head
    extra = ""
    if head.date_style == "desktop_meta":
        extra = f'<meta property="article:published_time" content="{head.published.isoformat()}">\n'
    if links.mobile_copy:
        extra += f'<link rel="alternate" media="only screen and (max-width: 640px)" href="{links.mobile_copy}">\n'
    cat_name = chrome.CATEGORIES[head.category]
    info = f'<span class="pubtime">{escape(date_text(head))}</span> <span class="author">编辑：小保</span>'
    if links.print_path:
        info += f' <a class="print" href="{links.print_path}">打印本页</a>'
    if links.mobile_copy:
        info += f' <a class="to-mobile" href="{links.mobile_copy}">手机版</a>'
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n'
        + chrome.head_html(f"{head.title}_社保网", charset_meta(plan.encoding, plan.charset_declared, False), extra)
        + "\n<body>\n" + chrome.header_html()
        + f'\n<div class="crumbs"><a href="/">首页</a> &gt; <a href="/{head.category}/index.html">{cat_name}</a> &gt; 正文</div>\n'
        + '<div class="main"><div class="left"><div class="article">\n'
        + f'<h1 class="article-title">{escape(head.title)}</h1>\n<div class="article-info">{info}</div>\n'
        + f'<div class="article-content" id="article-content">\n{blocks_html(plan.blocks, "h2")}\n</div>\n'
        + chrome.share_html(head.url_path) + "</div>\n"
        + f'<div class="related"><h3>相关推荐</h3><ul>{_related_items(links, DESKTOP_DATE)}</ul></div>\n'
        + f'<div class="comments" id="comments"><h3>网友评论</h3>{_comment_items(plan, "comment-item")}</div>\n'
        + '</div>\n<div class="sidebar">'
        + f'<div class="box qa"><h3>热门问答</h3><ul>{_qa_items(plan)}</ul></div>'
        + f'<div class="box hot"><h3>热门文章</h3><ol>{_hot_items(links)}</ol></div>'
        + f'<div class="box latest"><h3>最新文章</h3><ul>{_latest_items(links)}</ul></div>'
        + chrome.region_grid_html() + "</div></div>\n"
        + chrome.footer_html() + "\n" + chrome.script_html() + "\n</body>\n</html>\n"
    )


def legacy_page(plan: ArticlePlan, links: ArticleLinks) -> str:
    """The older table-based layout with a <br>-separated body."""
    head = plan.head
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html>\n'
        + chrome.head_html(f"{head.title} - 社保网", charset_meta(plan.encoding, plan.charset_declared, True))
        + '\n<body>\n' + chrome.header_html()
        + '\n<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr><td valign="top" class="left">\n'
        + f'<table width="100%"><tr><td class="biaoti" align="center"><b>{escape(head.title)}</b></td></tr>\n'
        + f'<tr><td class="info" align="center">{escape(date_text(head))}&nbsp;&nbsp;来源：社保网&nbsp;&nbsp;'
        + '浏览次数：<span id="hits">--</span></td></tr>\n'
        + f'<tr><td class="content" id="zoom">\n{blocks_br(plan.blocks)}\n</td></tr></table>\n'
        + f'<div class="xgwz"><b>相关文章</b><ul>{_related_items(links, LEGACY_DATE)}</ul></div>\n'
        + f'<div id="pinglun"><b>网友评论</b>{_comment_items(plan, "pl")}</div>\n'
        + '</td><td valign="top" class="right" width="300">\n'
        + f'<div class="box qa"><b>热门问答</b><ul>{_qa_items(plan)}</ul></div>'
        + f'<div class="box hot"><b>热门文章</b><ul>{_hot_items(links)}</ul></div>'
        + f'<div class="box latest"><b>最新文章</b><ul>{_latest_items(links)}</ul></div>'
        + chrome.region_grid_html() + "\n</td></tr></table>\n"
        + chrome.footer_html() + "\n" + chrome.script_html() + "\n</body>\n</html>\n"
    )


def _mobile_date(plan: ArticlePlan) -> str:
    """The mobile date: a <time datetime> element or a plain span."""
    head = plan.head
    if head.date_style == "mobile_time":
        return f'<time datetime="{head.published.isoformat()}">{escape(date_text(head))}</time>'
    return f'<span class="m-date">{escape(date_text(head))}</span>'


def mobile_page(plan: ArticlePlan, links: ArticleLinks) -> str:
    """The mobile layout: the body inside <article>, everything else after it."""
    head = plan.head
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n'
        + chrome.head_html(head.title, charset_meta(plan.encoding, plan.charset_declared, False),
                           '<meta name="viewport" content="width=device-width,initial-scale=1">\n')
        + '\n<body class="m">\n<nav class="m-nav"><a href="/">社保网</a> <a href="/yibao/index.html">医保</a> '
        + f'<a href="/tuixiu/index.html">退休</a> <a href="/wenda/index.html">问答</a> <a href="{chrome.DEAD_NAV}">专题</a></nav>\n'
        + '<article class="m-article">\n<header class="m-head">'
        + f'<h1 class="m-title">{escape(head.title)}</h1><div class="m-meta">{_mobile_date(plan)} '
        + '<span class="m-source">社保网</span></div></header>\n'
        + f'<section class="m-body">\n{blocks_html(plan.blocks, "h3")}\n</section>\n</article>\n'
        + f'<aside class="m-related"><h2>相关推荐</h2><ul>{_related_items(links, "<em>{date}</em>")}</ul></aside>\n'
        + f'<div class="m-hotqa"><h2>大家都在问</h2><ul>{_qa_items(plan)}</ul></div>\n'
        + f'<section class="m-comments"><h2>评论</h2>{_comment_items(plan, "m-comment")}</section>\n'
        + f'<div class="m-latest"><h2>最新文章</h2><ul>{_latest_items(links)}</ul></div>\n'
        + f'<div class="m-hot"><h2>热门文章</h2><ul>{_hot_items(links)}</ul></div>\n' + chrome.tags_html() + "\n"
        + f'<footer class="m-foot"><a href="/">返回首页</a> <a href="{chrome.OFFSITE_LINKS[1]}">合作媒体</a> '
        + '<p>&copy; 社保网</p></footer>\n' + chrome.script_html() + "\n</body>\n</html>\n"
    )


LAYOUTS = {"desktop": desktop_page, "legacy": legacy_page, "mobile": mobile_page}


def print_page(plan: ArticlePlan) -> str:
    """The printer-friendly copy (under /print/, which robots.txt forbids)."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(plan.head.title)}（打印版）</title></head>\n<body onload=\"window.print()\">\n"
        f"<h1>{escape(plan.head.title)}</h1>\n{blocks_html(plan.blocks, 'h2')}\n</body></html>\n"
    )
