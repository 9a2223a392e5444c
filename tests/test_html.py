"""parse_html on hand-made 社保网-style pages: fields, body, traps left out, and the corpus gate."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from extractors.dates import SHANGHAI
from extractors.html import ParseError, parse_html
from extractors.keys import sha256_text
from extractors.records import Article

FIXTURES = Path(__file__).parent / "fixtures" / "html"
BASE = "http://www.shebao.example/yibao/20260203/"
# The share of corpus checks that must pass; raise it when extraction improves, never lower it.
MIN_CORPUS_SCORE = 1.0


@dataclass(frozen=True)
class Case:
    """What must and must not come out of one fixture page."""

    file: str
    title: str
    published_at: datetime | None
    encoding: str
    must: tuple[str, ...]  # substrings that some body paragraph holds
    must_not: tuple[str, ...]  # traps: substrings no body paragraph may hold
    kinds: dict[str, int]  # minimum number of paragraphs of each kind
    content_type: str | None = None


TRAPS_DESKTOP = ("武汉市", "厦门市", "青岛市", "广州", "北京每月划入999元", "分享到", "当前位置", "上一篇", "发布时间")
CASES = [
    Case("desktop_div_content.html", "嘉兴退休人员医保个人账户每月划入多少钱？", datetime(2026, 2, 3, 10, 20, tzinfo=SHANGHAI),
         "utf-8", ("杭州市规定", "南京市退休人员70周岁以下", "不满70周岁 | 110元", "拨打12393", "温馨提示"),
         TRAPS_DESKTOP, {"heading": 2, "table_row": 3, "li": 2}),
    Case("old_br_template_gbk.html", "资阳退休人员医保卡每月打入多少钱", datetime(2025, 6, 5, 21, 37, 12, tzinfo=SHANGHAI),
         "gb18030", ("成都市退休人员个人账户", "泸州市退休人员每月定额划入85元", "可以携带社保卡"),
         ("内江市", "眉山", "乐山", "自贡", "社保网首页", "21:37:12"), {"heading": 2, "p": 4}),
    Case("lying_header_gbk.html", "眉山退休人员医保卡每月打入多少钱", datetime(2025, 6, 5, 21, 37, 12, tzinfo=SHANGHAI),
         "gb18030", ("成都市退休人员个人账户",), ("内江市",), {"p": 4}, content_type="text/html; charset=utf-8"),
    Case("mobile_article.html", "2026年合肥职工医保个人账户返钱标准", datetime(2026, 8, 21, 9, 30, tzinfo=SHANGHAI),
         "utf-8", ("合肥市退休人员个人账户按本人基本养老金的2%", "在职职工的个人账户", "家庭成员共济"),
         ("芜湖", "蚌埠", "淮南", "猜你喜欢", "仅供参考"), {"heading": 2, "p": 4}),
    Case("age_band_table.html", "青岛医保个人账户按年龄划入标准一览", datetime(2026, 3, 5, 8, 0, tzinfo=SHANGHAI),
         "utf-8", ("70周岁以下 | 定额 | １００元", "80周岁及以上 | 定额 | 140元", "2%至3%"),
         ("标签", "友情链接"), {"table_row": 4}),
    Case("gb18030_no_charset.html", "宁德职工医保个人账户划入比例", datetime(2025, 11, 18, tzinfo=SHANGHAI),
         "gb18030", ("一百二十元", "百分之二", "2025年1月1日起执行"), ("莆田市", "排行榜", "电话"), {"p": 4}),
    Case("left_sidebar_first.html", "绍兴退休人员医保个人账户划入标准（2026年）", datetime(2026, 1, 15, 9, 0, tzinfo=SHANGHAI),
         "utf-8", ("不满75周岁的，每人每月划入110元", "以绍兴市医疗保障局"), ("湖州市", "台州市", "金华市", "嘉兴市", "推荐："),
         {"p": 5}),
    Case("gov_trs_editor_gb2312.html", "关于调整职工医保退休人员个人账户划入标准的说明", datetime(2026, 1, 15, tzinfo=SHANGHAI),
         "gb18030", ("衢州市 | 75周岁以下 | 95元", "衢州市 | 75周岁及以上 | 115元", "现将本市退休人员"),
         ("网站标识码", "字号", "政策法规"), {"table_row": 3, "heading": 1}),
    Case("wenda_dl.html", "医保个人账户每月划入多少？丽水网友问答", datetime(2026, 4, 2, tzinfo=SHANGHAI),
         "utf-8", ("丽水市退休人员个人账户实行定额划入", "按本人参保缴费基数的2%划入"), ("温州", "匿名用户", "版权所有"),
         {"li": 2}),
    Case("classless_sidebar.html", "昆明退休职工医保每月到账多少", datetime(2026, 8, 1, 9, 30, tzinfo=SHANGHAI),
         "utf-8", ("不满70周岁的每月划入100元", "一般次月补发"),
         ("大理州", "曲靖市", "楚雄", "玉溪", "猜你喜欢", "医保政策 ·"), {"p": 4}),
]


def parse_case(case: Case) -> Article:
    return parse_html((FIXTURES / case.file).read_bytes(), BASE + case.file, content_type=case.content_type)


def corpus_checks(case: Case, article: Article) -> list[tuple[str, bool]]:
    """Named pass/fail checks of one page (trafilatura-style evaluation: must / must-not)."""
    body = [p.text for p in article.paragraphs]
    checks = [("title", article.title == case.title), ("published_at", article.published_at == case.published_at),
              ("encoding", article.encoding == case.encoding)]
    checks += [(f"must {s}", any(s in t for t in body)) for s in case.must]
    checks += [(f"must not {s}", not any(s in t for t in body)) for s in case.must_not]
    kinds = [p.kind for p in article.paragraphs]
    checks += [(f"kind {k}>={n}", kinds.count(k) >= n) for k, n in case.kinds.items()]
    return checks


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_fixture_page(case: Case) -> None:
    failed = [name for name, ok in corpus_checks(case, parse_case(case)) if not ok]
    assert failed == []


def test_corpus_gate() -> None:
    results = [ok for case in CASES for _, ok in corpus_checks(case, parse_case(case))]
    score = sum(results) / len(results)
    assert score >= MIN_CORPUS_SCORE, f"corpus score {score:.3f} fell below the pinned {MIN_CORPUS_SCORE}"


def test_article_fields() -> None:
    url = BASE + "desktop_div_content.html?utm_source=wx#top"
    fetched = datetime(2026, 2, 4, 8, 0, tzinfo=SHANGHAI)
    article = parse_html((FIXTURES / "desktop_div_content.html").read_bytes(), url, fetched_at=fetched)
    assert article.url == BASE + "desktop_div_content.html"
    assert article.site == "www.shebao.example"
    assert article.fetched_at == fetched
    assert article.extractor == "generic"
    assert article.content_sha256 == sha256_text("\n".join(p.text for p in article.paragraphs))
    assert [p.ordinal for p in article.paragraphs] == list(range(len(article.paragraphs)))
    table = [p for p in article.paragraphs if p.kind == "table_row"]
    assert {p.section for p in table} == {"年龄不同，标准也不同"}  # the bold line above the table


def test_links_are_kept_apart_from_the_body() -> None:
    article = parse_case(CASES[0])
    assert "http://www.shebao.example/yibao/20260101/998.html" in article.links.articles
    assert "http://www.shebao.example/yibao/" in article.links.listings
    assert "http://www.shebao.example/about.html" in article.links.other
    assert not any("广州" in p.text for p in article.paragraphs)


def test_published_at_is_timezone_aware_everywhere() -> None:
    for case in CASES:
        published = parse_case(case).published_at
        assert published is not None and published.tzinfo is not None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ((FIXTURES / "listing_only.html").read_bytes(), "no element with enough paragraph text"),
        (b"", "empty page"),
        (b"\x89PNG\r\n\x1a\n" + os.urandom(64) + bytes(range(256)) * 4, "undecodable"),
        ("<html><body><p>短</p></body></html>".encode(), "no element"),
    ],
)
def test_parse_error_names_url_and_reason(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as info:
        parse_html(body, BASE + "x.html")
    assert BASE + "x.html" in str(info.value)


def test_xhtml_with_encoding_declaration() -> None:
    page = ('<?xml version="1.0" encoding="gbk"?><html><head><title>测试页_社保网</title></head><body>'
            '<div><p>泸州市退休人员每月定额划入85元，扣除3元大病医疗保险后实际到账82元，按月发放。</p></div>'
            "</body></html>").encode("gbk")
    article = parse_html(page, BASE + "x.html")
    assert article.title == "测试页"
    assert article.paragraphs[0].text.startswith("泸州市")


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("资阳医保卡余额怎么查询_社保网", "资阳医保卡余额怎么查询"),
        ("福州职工医保 - 社保网", "福州职工医保"),
        ("合肥医保返钱标准 - 社保网手机版", "合肥医保返钱标准"),
        ("宁德医保划入比例｜社保网", "宁德医保划入比例"),
        ("社保网 | 北京医保划入标准", "北京医保划入标准"),
        ("2025年-2026年医保返钱标准", "2025年-2026年医保返钱标准"),
        ("北京 - 医保划入", "北京 - 医保划入"),
        ("成都医保划入标准-天府社保网", "成都医保划入标准"),
        ("全国2%-3%划入比例", "全国2%-3%划入比例"),
        ("社保网", "社保网"),
    ],
)
def test_site_suffix_is_stripped_from_titles(raw: str, title: str) -> None:
    from extractors.cleaning import strip_site_suffix

    assert strip_site_suffix(raw) == title


# --- the embedded sample site: its generator knows every page's title, date, body and traps ---

from tests.golden_update import SAMPLE_BASE_URL, SAMPLE_SITE_DIR, sample_facts  # noqa: E402

SAMPLE_ARTICLES = sample_facts().get("articles", [])
needs_site = pytest.mark.skipif(not SAMPLE_ARTICLES, reason="data/sample_site and data/sample_facts.json are missing")


def parse_sample(article: dict, generic_only: bool = False) -> Article:
    body = (SAMPLE_SITE_DIR / article["path"]).read_bytes()
    return parse_html(body, f"{SAMPLE_BASE_URL}/{article['path']}", content_type=article.get("content_type"),
                      profiles=() if generic_only else None)


@needs_site
@pytest.mark.parametrize("generic_only", [False, True], ids=["profile", "generic"])
def test_sample_site_bodies_match_the_generator(generic_only: bool) -> None:
    wrong = []
    for article in SAMPLE_ARTICLES:
        parsed = parse_sample(article, generic_only)
        got = [(p.kind, p.text) for p in parsed.paragraphs]
        want = [(p["kind"], p["text"]) for p in article["paragraphs"]]
        published = parsed.published_at.isoformat() if parsed.published_at else None
        # title_region is extractors.regions' (its own tests); golden files pin it per page
        if (got, parsed.title, published) != (want, article["title"], article["published_at"]):
            wrong.append(article["path"])
    assert wrong == []


@needs_site
def test_sample_site_profiles_cover_every_template() -> None:
    extractors = {(a["template"], parse_sample(a).extractor) for a in SAMPLE_ARTICLES}
    assert all(name.startswith("sample_site.") for _, name in extractors)
    assert len({t for t, _ in extractors}) == len(extractors)  # one profile per template


@needs_site
@pytest.mark.parametrize("generic_only", [False, True], ids=["profile", "generic"])
def test_no_sample_trap_reaches_a_body(generic_only: bool) -> None:
    leaks = [(a["path"], trap["text"]) for a in SAMPLE_ARTICLES for trap in a.get("traps", [])
             if any(trap["text"] in p.text or p.text in trap["text"] for p in parse_sample(a, generic_only).paragraphs)]
    assert leaks == []


@needs_site
def test_no_claim_names_a_region_that_only_traps_mention() -> None:
    from extractors.claims import extract_claims

    trap_regions = set(sample_facts().get("trap_regions", ()))
    leaked = [(a["path"], c.region, c.evidence) for a in SAMPLE_ARTICLES
              for c in extract_claims(parse_sample(a)) if c.region in trap_regions]
    assert trap_regions and leaked == []


def test_a_profile_whose_body_is_empty_falls_back_to_the_generic_path() -> None:
    page = ('<html><head><title>泸州医保划入标准_社保网</title></head><body>'
            '<div id="article-content" class="article-content"></div>'
            '<div class="main"><p>泸州市退休人员每月定额划入85元，扣除3元大病医疗保险后实际到账82元，按月发放。</p>'
            '<p>参保人可以在医保电子凭证里查看每一笔划入记录，确认金额是否正确，如有疑问可咨询经办机构。</p></div>'
            "</body></html>").encode()
    article = parse_html(page, BASE + "x.html")
    assert article.extractor == "generic"
    assert article.paragraphs[0].text.startswith("泸州市")


# --- title and date on layouts without an <h1> or a byline class (tests/fixtures/unseen has whole pages) ---

PARA = "<p>泸州市退休人员每月定额划入85元，扣除3元大病医疗保险后实际到账82元，按月发放。</p>"
PARA2 = "<p>参保人可以在医保电子凭证里查看每一笔划入记录，确认金额是否正确，如有疑问可咨询经办机构。</p>"


def page(body: str, head: str = "<title>泸州医保划入标准_社保网</title>") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_article_title_meta_beats_a_title_tag_with_column_and_site_names() -> None:
    head = ('<title>泸州市医疗保障局关于划入标准的通知_政策文件_泸州市医疗保障局</title>'
            '<meta name="ArticleTitle" content="泸州市医疗保障局关于划入标准的通知">')
    assert parse_html(page(f"<div>{PARA}{PARA2}</div>", head), BASE + "x.html").title == "泸州市医疗保障局关于划入标准的通知"


@pytest.mark.parametrize(
    ("body", "url", "expected"),
    [
        # the bar after the <div> that wraps the <h1> wins over an earlier sidebar list date
        ('<ul><li><a href="/1.html">旧文</a><span class="date">2025-12-01</span></li></ul>'
         '<div class="hd"><h1>泸州医保划入标准</h1></div><div class="bar">来源：社保网 2026-03-08 10:00</div>'
         f'<div>{PARA}{PARA2}</div>', "x.html", datetime(2026, 3, 8, 10, 0, tzinfo=SHANGHAI)),
        # no <h1>: the headline is a <font><b> line and the date is the next <font>
        (f'<table><tr><td><font size="4"><b>泸州医保划入标准</b></font><br><font size="2">发布时间：2025年12月30日</font>'
         f'<br><font>{PARA}{PARA2}</font></td></tr></table>', "x.html", datetime(2025, 12, 30, tzinfo=SHANGHAI)),
        # a forum post: 发表于 in an unnamed <em>, anywhere on the page
        (f'<h1>泸州医保划入标准</h1><table><tr><td>{PARA}</td></tr></table><div><em>发表于 2026-2-20 10:31:05</em>'
         f'{PARA2}</div>', "x.html", datetime(2026, 2, 20, 10, 31, 5, tzinfo=SHANGHAI)),
        # a reply right after the headline holds a date but is a sentence, not a byline
        (f'<h1>泸州医保划入标准</h1><div>老李 2026-2-21 我们这里也一样。</div><div>{PARA}{PARA2}</div>',
         "art/2026/3/8/art_1.html", datetime(2026, 3, 8, tzinfo=SHANGHAI)),
        # nothing on the page: the URL's date
        (f'<div>{PARA}{PARA2}</div>', "art/2026/3/8/art_1.html", datetime(2026, 3, 8, tzinfo=SHANGHAI)),
        (f'<div>{PARA}{PARA2}</div>', "x.html", None),
        # the headline is the line above the byline, not the last crumb of the breadcrumb that repeats it
        ('<div class="crumb">首页 &gt; <span>泸州医保划入标准</span></div><div class="c"><div class="t">泸州医保划入标准</div>'
         f'<div>2026-03-08 来源：社保网</div>{PARA}{PARA2}</div>', "x.html", datetime(2026, 3, 8, tzinfo=SHANGHAI)),
        # a lead sentence right under the headline starts with a date but is no byline
        (f"<h1>泸州医保划入标准</h1><p>2026年1月1日起，泸州市退休人员每月划入120元</p><div>{PARA}{PARA2}</div>", "x.html", None),
        # a left sidebar's <time> comes first in the page; the byline's <time> (with its time of day) wins
        ('<ul><li><a href="/1.html">旧文</a><time datetime="2025-12-01">12月1日</time></li></ul><h1>泸州医保划入标准</h1>'
         f'<div class="meta"><time datetime="2026-03-08T09:15:00+08:00">2026年3月8日</time></div><div>{PARA}{PARA2}</div>',
         "x.html", datetime(2026, 3, 8, 9, 15, tzinfo=SHANGHAI)),
        # the <h1> is a logo; the line showing the title is the headline, and the date is under it
        ('<div class="top"><h1>天府之声</h1><div>热线 2025-01-01 开通</div></div><h2>泸州医保划入标准</h2>'
         f'<div>2026-03-08 来源：社保网</div><div>{PARA}{PARA2}</div>', "x.html", datetime(2026, 3, 8, tzinfo=SHANGHAI)),
    ],
    ids=["bar-after-h1-wrapper", "font-headline", "forum-label", "reply-is-not-byline", "url", "none", "crumb",
         "dated-lead-is-not-byline", "byline-time-beats-sidebar-time", "h2-headline-under-logo-h1"],
)
def test_published_at_cascade(body: str, url: str, expected: datetime | None) -> None:
    assert parse_html(page(body), "http://www.shebao.example/" + url).published_at == expected


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        # no <h1>, no meta: the part of the <title> that the page shows on a line of its own
        ("<title>泸州市医疗保障局关于划入标准的通知_政策文件_泸州市医疗保障局</title>",
         f'<table><tr><td class="biaoti">泸州市医疗保障局关于划入标准的通知</td></tr><tr><td>{PARA}{PARA2}</td></tr></table>',
         "泸州市医疗保障局关于划入标准的通知"),
        # a short <title> part that is only a menu link is not the headline
        ("<title>北京 - 医保划入</title>", f'<ul><li><a href="/bj/">北京</a></li></ul><div>{PARA}{PARA2}</div>',
         "北京 - 医保划入"),
        # a <title> that is only the site's name names no article: the <h1> does
        ("<title>社保网</title>", f"<h1>泸州医保划入标准</h1><div>{PARA}{PARA2}</div>", "泸州医保划入标准"),
        # a column tag before the <title>'s headline that the page does not show with it
        ("<title>【医保】泸州市退休人员划入标准出炉 | 酒城生活</title>",
         f'<div class="tt"><b>泸州市退休人员划入标准出炉</b></div><div>{PARA}{PARA2}</div>', "泸州市退休人员划入标准出炉"),
    ],
    ids=["shown-title-part", "menu-word-is-not-a-title", "site-name-title", "column-tag"],
)
def test_title_without_a_matching_h1(head: str, body: str, title: str) -> None:
    assert parse_html(page(body, head), BASE + "x.html").title == title


SCRIPT_RENDERED = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>绍兴退休人员医保个人账户每月划入多少 - 越州头条</title>
<script type="application/ld+json">{ld}</script></head>
<body><div id="root"></div><script src="/static/js/main.js"></script></body></html>"""
LD_ARTICLE = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "绍兴退休人员医保个人账户每月划入多少",
              "datePublished": "2026-03-18T08:30:00+08:00",
              "articleBody": "绍兴市医保局近日公布了退休人员个人账户划入标准。\n绍兴市退休人员每月划入100元。"}


@pytest.mark.parametrize(
    "ld",
    [
        LD_ARTICLE,
        {"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": "x"}, LD_ARTICLE]},
        [{"@type": "Organization", "name": "越州头条"}, {**LD_ARTICLE, "@type": ["NewsArticle", "Article"]}],
    ],
)
def test_a_script_rendered_page_reads_its_json_ld_article(ld: object) -> None:
    page = SCRIPT_RENDERED.format(ld=json.dumps(ld, ensure_ascii=False)).encode()
    article = parse_html(page, "https://www.yuezhou.example.com/a/7001")
    assert article.extractor == "jsonld"
    assert [p.text for p in article.paragraphs] == ["绍兴市医保局近日公布了退休人员个人账户划入标准。", "绍兴市退休人员每月划入100元。"]
    assert article.published_at == datetime(2026, 3, 18, 8, 30, tzinfo=timezone(timedelta(hours=8)))


@pytest.mark.parametrize("ld", ['{"@type": "WebPage", "name": "x"}', "{ not json", '{"@type": "NewsArticle", "articleBody": ""}'])
def test_a_script_rendered_page_without_a_json_ld_body_is_a_parse_error(ld: str) -> None:
    with pytest.raises(ParseError, match="no body|no element"):
        parse_html(SCRIPT_RENDERED.format(ld=ld).encode(), "https://www.yuezhou.example.com/a/7002")


NEWS_FLASH = """<html><head><meta charset="utf-8"><title>大同退休人员医保个人账户每月划入90元</title></head><body>
<div class="main"><div class="article"><h1>大同退休人员医保个人账户每月划入90元</h1><div class="info">2026-03-20</div>
<div class="content"><p>{text}</p></div></div>
<div class="list"><h3>最新文章</h3><ul><li><a href="/a/1.html">朔州退休人员每月划入85元，你知道吗</a></li>
<li><a href="/a/2.html">忻州退休人员医保个人账户每月划入多少钱</a></li></ul></div></div></body></html>"""


def test_a_news_flash_of_one_short_sentence_under_its_headline_is_a_body() -> None:
    article = parse_html(NEWS_FLASH.format(text="大同市退休人员个人账户每月划入90元。").encode(), BASE + "9001.html")
    assert [p.text for p in article.paragraphs] == ["大同市退休人员个人账户每月划入90元。"]


def test_a_few_characters_under_a_headline_are_still_no_body() -> None:
    with pytest.raises(ParseError, match="no element"):
        parse_html(NEWS_FLASH.format(text="暂无内容").encode(), BASE + "9002.html")
