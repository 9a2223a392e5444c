"""Page links for the crawler: articles vs listings vs other, canonical, from raw text or a tree."""

from __future__ import annotations

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.links import classify_link, page_links

PAGE = "http://www.shebao.example/yibao/20260203/1001.html"


@pytest.mark.parametrize(
    ("link", "text", "kind"),
    [
        ("http://www.shebao.example/yibao/20260101/998.html", "广州医保", "article"),
        ("http://www.shebao.example/html/2025/0601/5521.html", "眉山医保", "article"),
        ("http://www.shebao.example/a/5501.html", "玉溪医保", "article"),
        ("http://www.shebao.example/news/12345.html", "新闻", "article"),
        ("http://m.shebao.example/m/20260820/321.html", "芜湖", "article"),  # mobile host, same site
        ("http://www.shebao.example/show.php?id=778", "文章", "article"),
        ("http://www.shebao.example/yibao/list_2.html", "2", "listing"),
        ("http://www.shebao.example/yibao/", "医保", "listing"),
        ("http://www.shebao.example/", "首页", "listing"),
        ("http://www.shebao.example/yibao/index_3.html", "3", "listing"),
        ("http://www.shebao.example/list.php?page=3", "下一页", "listing"),
        ("http://www.shebao.example/yibao/20260203/1001_2.html", "下一页", "article"),  # page 2 of an article
        ("http://www.shebao.example/yibao/more.html", "更多", "listing"),  # the URL says nothing, the text does
        ("http://www.shebao.example/tag/qingdao/", "青岛", "listing"),
        ("http://www.shebao.example/about.html", "关于我们", "other"),
        ("http://www.shebao.example/print/1000.html", "打印本页", "other"),  # print view of an article
        ("http://www.shebao.example/admin/login.html", "管理登录", "other"),
        ("http://www.shebao.example/search/?q=医保", "搜索", "other"),
        ("http://www.shebao.example/static/site.css", "", "other"),
        ("http://www.shebao.example/img/2026/0101/123.jpg", "", "other"),
        ("https://beian.miit.gov.cn/12345.html", "ICP备", "other"),  # off-site
        ("javascript:void(0)", "分享", None),
        ("mailto:a@b.c", "联系", None),
    ],
)
def test_classify(link: str, text: str, kind: str | None) -> None:
    assert classify_link(link, text, "www.shebao.example") == kind


HTML = """<html><head><base href="/yibao/"></head><body>
<a href="20260101/998.html?utm_source=wx#top">广州</a>
<a href='list_2.html'>2</a>
<a href=/about.html>关于<b>我们</b></a>
<a href="20260101/998.html">广州（重复）</a>
<a href="#comments">评论</a><a href="javascript:;">x</a>
<a href="/yibao/20260203/1001.html">本页</a>
<a href="https://other.example/1234.html">外站</a>
</body></html>"""


@pytest.mark.parametrize("source", ["text", "tree"])
def test_page_links_text_and_tree_agree(source: str) -> None:
    arg = HTML if source == "text" else lxml.html.document_fromstring(HTML)
    links = page_links(arg, PAGE)
    assert links.articles == ("http://www.shebao.example/yibao/20260101/998.html",)
    assert links.listings == ("http://www.shebao.example/yibao/list_2.html",)
    assert links.other == ("http://www.shebao.example/about.html", "https://other.example/1234.html")


def test_entities_in_href_are_unescaped() -> None:
    links = page_links('<a href="/list.php?cid=2&amp;page=3">下一页</a>', PAGE)
    assert links.listings == ("http://www.shebao.example/list.php?cid=2&page=3",)


def test_page_without_links() -> None:
    links = page_links("<p>没有链接</p>", PAGE)
    assert (links.articles, links.listings, links.other) == ((), (), ())


_PATHS = st.sampled_from(["/yibao/20260101/998.html", "/yibao/list_2.html", "/yibao/", "/about.html", "/a/5501.html",
                          "https://other.example/1.html", "/static/a.css", "more.html", "#top", "javascript:;",
                          "/show.php?id=7&amp;from=wx", "/print/1000.html", ""])
_TEXTS = st.sampled_from(["下一页", "更多", "2", "广州医保", "关于<b>我们</b>", "", "北京 医保"])


@given(st.lists(st.tuples(_PATHS, _TEXTS), max_size=12))
def test_text_and_tree_always_agree(anchors: list[tuple[str, str]]) -> None:
    page = "<html><body>" + "".join(f'<a href="{h}">{t}</a>' for h, t in anchors) + "</body></html>"
    from_text = page_links(page, PAGE)
    assert from_text == page_links(lxml.html.document_fromstring(page), PAGE)
    every = from_text.articles + from_text.listings + from_text.other
    assert len(every) == len(set(every)) and PAGE not in every  # each link once, never the page itself
