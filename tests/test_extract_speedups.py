"""Fast paths of the extractors give exactly what the slower general code they replace gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from extractors.cleaning import element_text
from extractors.keys import stable_hash
from extractors.numbers import CN_DIGITS, may_hold_value
from extractors.urls import canonical_article_id, canonical_url

URLS = [
    "http://bench.shebao.example/yibao/202501/1000.html",
    "https://www.example.cn/a/b?id=3&x=%E5%8C%BB",
    "http://例子.中国/新闻/医保.html",
    'http://host/path"quote\\back{brace}',
    "http://host/\u2028line\u0001control",
]


@pytest.mark.parametrize("url", URLS)
def test_canonical_article_id_is_the_stable_hash_of_the_url_key(url: str) -> None:
    canonical = canonical_url(url)
    assert canonical_article_id(canonical) == stable_hash({"url": canonical})


HTML = (
    "<html><body><p>纯文本</p><p>a<!-- c -->b</p><b>x &amp; y &nbsp;z</b><i></i>"
    "<div>前<span>中</span>后<br/>尾</div><td><strong>粗</strong></td></body></html>"
)


def test_element_text_of_leaves_and_parents_is_their_itertext() -> None:
    root = etree.fromstring(HTML, etree.HTMLParser())
    for el in root.iter(tag=etree.Element):
        assert element_text(el) == "".join(el.itertext()), el.tag


def test_element_text_refuses_a_comment_as_itertext_does() -> None:
    root = etree.fromstring(HTML, etree.HTMLParser())
    comment = next(root.iter(etree.Comment))
    with pytest.raises(ValueError):
        element_text(comment)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("北京市退休人员每月划入100元。", True),
        ("全角数字１２０元", True),
        ("按百分之二点五划入", True),
        ("每月划入一百元", True),
        ("每月划入两 万 元", True),
        ("涨了5%", True),
        ("统一标准，三个地区都有", False),  # numerals but no unit after them
        ("元旦前后办理", False),  # a unit but no number before it
        ("", False),
    ],
)
def test_may_hold_value(text: str, expected: bool) -> None:
    assert may_hold_value(text) is expected


def test_may_hold_value_for_every_numeral_before_every_unit() -> None:
    for digit in CN_DIGITS:
        for unit in ("元", "块", "%", "％"):
            assert may_hold_value(f"每月{digit}{unit}")


def _canonical_by_urllib(url: str) -> str:
    """canonical_url's general path (split, clean, join), for comparing its shortcut against."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    from extractors.urls import SESSION_PATH_PARAM, _netloc, is_tracking_param

    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    path = SESSION_PATH_PARAM.sub("", parts.path) or "/"
    return urlunsplit((scheme, _netloc(scheme, parts), path, urlencode(sorted(query)), ""))


@pytest.mark.parametrize(
    "url",
    [*URLS, "http://bench.shebao.example/", "https://a.b-c.example/x/y_z.~html", "http://h.example/a//b/./c",
     "http://H.example/a", "http://h.example:80/a", "http://h.example/a;jsessionid=1", "http://h.example/a?b=1",
     "http://h.example/a#f", "http://h.example", "http://h.example/%E5%8C%BB", " http://h.example/a "],
)
def test_canonical_url_is_what_the_general_path_gives(url: str) -> None:
    assert canonical_url(url) == _canonical_by_urllib(url)


@given(st.tuples(st.sampled_from(["http", "https", "HTTP", "ftp"]),
                 st.text(alphabet="abcXYZ019.-:@[]", min_size=1, max_size=12),
                 st.text(alphabet="abcXYZ019._~/-;=?#%&: ", max_size=20)).map(lambda t: f"{t[0]}://{t[1]}/{t[2]}"))
def test_canonical_url_shortcut_agrees_with_the_general_path_on_any_url(url: str) -> None:
    try:
        expected = _canonical_by_urllib(url)
    except ValueError:  # urllib refuses it (a bad IPv6 host): the shortcut must not take it either
        with pytest.raises(ValueError):
            canonical_url(url)
        return
    assert canonical_url(url) == expected
