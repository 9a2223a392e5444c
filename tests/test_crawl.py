"""Real Scrapy crawls of a misbehaving loopback site: what is stored, what each URL's ledger says,
what a second crawl fetches again, and what a killed crawl leaves behind."""

from __future__ import annotations

import gzip
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dagster import (
    MaterializeResult,
    PipesSubprocessClient,
    asset,
    materialize,
)
from filelock import FileLock
from scrapy.http import HtmlResponse, Request
from scrapy.robotstxt import ProtegoRobotParser

from extractors.decoding import decode_html
from extractors.urls import canonical_url
from spiders.alias import SAMPLE_SITE_BASE, UrlAlias, UrlAliasError, loopback_alias
from spiders.crawl import (
    LOCK_NAME,
    CrawlError,
    CrawlLockedError,
    CrawlSummary,
    child_command,
    child_env,
    crawl,
)
from spiders.links import (
    Link,
    classify_links,
    crawl_links,
    extract_links,
    is_pagination,
    looks_like_article,
    looks_like_listing,
)
from spiders.pageshape import furniture_texts, judged_kind, parse_tree
from spiders.pipelines import stored_reason
from spiders.politeness import site_delay
from spiders.rawstore import RawStore
from spiders.records import RawPage
from spiders.retry import RetryAfterMiddleware, backoff_delay, parse_retry_after
from spiders.settings import crawl_settings
from spiders.site_spider import is_truncated, validators
from spiders.sitemaps import SitemapTooLarge, sitemap_xml
from tests.mockserver import GBK_TEXT, LAST_MODIFIED, Hit, MockSite, serve
from tests.unseen_server import serve_unseen

pytestmark = pytest.mark.network

# Loopback crawls: no start delay, quick backoff, a size limit below /articles/big.html.
FAST = {
    "AUTOTHROTTLE_START_DELAY": 0.0,
    "RETRY_BACKOFF_BASE": 0.05,
    "RETRY_TIMES": 2,
    "DOWNLOAD_MAXSIZE": 100_000,
    "DOWNLOAD_TIMEOUT": 10,
}
CRAWL_TIMEOUT = 120  # seconds; a crawl of the mock site takes a few


@dataclass
class TwoCrawls:
    """The mock site, the off-site server, and the results of two crawls of an unchanged site."""

    site: MockSite
    offsite: MockSite
    store: RawStore
    first: CrawlSummary
    second: CrawlSummary
    first_hits: list[str]
    second_hits: list[str]

    def url(self, path: str) -> str:
        return self.site.base + path

    def ledger(self, summary: CrawlSummary) -> dict[str, tuple[str, str | None]]:
        return {e.url: (e.state, e.reason) for e in self.store.ledger(summary.crawl_id)}


@pytest.fixture(scope="module")
def two_crawls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoCrawls]:
    data_dir = tmp_path_factory.mktemp("crawl")
    offsite = MockSite()
    with serve(offsite) as offsite_base:
        site = MockSite(offsite_base=offsite_base)
        with serve(site) as base:
            first = crawl(
                [f"{base}/list/"], data_dir, settings=FAST, progress=False, timeout=CRAWL_TIMEOUT
            )
            first_hits = site.paths()
            second = crawl(
                [f"{base}/list/"], data_dir, settings=FAST, progress=False, timeout=CRAWL_TIMEOUT
            )
            yield TwoCrawls(
                site,
                offsite,
                RawStore(data_dir / "raw"),
                first,
                second,
                first_hits,
                site.paths()[len(first_hits) :],
            )


ARTICLES = [f"/articles/{n}.html" for n in range(1, 13)] + [
    "/articles/flaky.html",
    "/articles/busy.html",
    "/articles/gbk-nocharset.html",
    "/articles/mislabel.html",
    "/articles/from-sitemap.html",  # linked from nowhere: found through robots.txt → sitemap.xml
]
OTHER_PAGES = ["/list/", "/list/index_2.html", "/robots.txt", "/sitemap.xml"]


def test_every_article_is_stored_once(two_crawls: TwoCrawls) -> None:
    stored = {p.url for p in two_crawls.store.pages("article")}
    assert stored == {two_crawls.url(path) for path in ARTICLES}
    assert {p.url for p in two_crawls.store.pages("listing")} == {
        two_crawls.url("/list/"),
        two_crawls.url("/list/index_2.html"),
    }
    for path in ARTICLES[:12]:
        assert two_crawls.first_hits.count(path) == 1, path


def test_tracking_parameter_duplicates_are_never_fetched(two_crawls: TwoCrawls) -> None:
    assert [p for p in two_crawls.first_hits if "?" in p] == []


def test_nothing_off_site_is_fetched(two_crawls: TwoCrawls) -> None:
    assert two_crawls.offsite.hits == []
    ledger = two_crawls.ledger(two_crawls.first)
    assert ledger[f"{two_crawls.offsite.base}/articles/999.html"][0] == "skipped"
    assert ledger["http://offsite.invalid/articles/998.html"] == ("skipped", "off-site")


def test_assets_and_robots_disallowed_pages_are_never_fetched(two_crawls: TwoCrawls) -> None:
    hits = two_crawls.first_hits
    assert not [p for p in hits if p.startswith(("/static/", "/img/", "/private/"))]


@pytest.mark.parametrize(
    ("path", "state", "reason"),
    [
        ("/articles/1.html", "stored", None),
        ("/articles/flaky.html", "stored", None),
        ("/articles/busy.html", "stored", None),
        ("/articles/gbk-nocharset.html", "stored", "charset: none declared, detected gb18030"),
        ("/articles/mislabel.html", "stored", "charset: header says utf-8, re-decoded as gb18030"),
        ("/list/", "stored", None),
        ("/private/secret-100.html", "skipped", "robots"),
        ("/articles/loop-a.html", "skipped", "redirect loop"),
        ("/articles/moved.html", "skipped", "duplicate; redirects to"),
        ("/articles/big.html", "skipped", "too large"),
        ("/articles/truncated.html", "skipped", "truncated"),
        ("/articles/cut.html", "skipped", "truncated"),
        ("/articles/feed.html", "skipped", "not HTML"),
        ("/articles/dead.html", "failed", "http 404"),
        ("/articles/away.html", "skipped", "off-site; redirects to http://127.0.0.1:"),
    ],
)
def test_each_url_ends_in_the_right_ledger_state(
    two_crawls: TwoCrawls, path: str, state: str, reason: str | None
) -> None:
    got_state, got_reason = two_crawls.ledger(two_crawls.first)[two_crawls.url(path)]
    assert got_state == state
    assert (got_reason or "").startswith(reason or "") and (
        reason is not None or got_reason is None
    )


def test_every_url_has_exactly_one_ledger_line_per_crawl(two_crawls: TwoCrawls) -> None:
    for summary in (two_crawls.first, two_crawls.second):
        urls = [e.url for e in two_crawls.store.ledger(summary.crawl_id)]
        assert len(urls) == len(set(urls))
        assert summary.new + summary.unchanged + summary.skipped + summary.failed == len(urls)


def test_summary_counts_reasons(two_crawls: TwoCrawls) -> None:
    first = two_crawls.first
    assert first.new == len(ARTICLES) + len(OTHER_PAGES)
    assert first.by_reason["skipped: truncated"] == 2
    assert first.by_reason["skipped: robots"] == 1
    assert first.by_reason["skipped: redirect loop"] == 1
    assert first.pages_in_store == len(ARTICLES) + len(OTHER_PAGES)
    assert Path(first.ledger_path) == two_crawls.store.ledger_path


def test_retry_after_is_honoured(two_crawls: TwoCrawls) -> None:
    busy = [h for h in two_crawls.site.hits if h.path == "/articles/busy.html"]
    assert [h.status for h in busy] == [429, 200]
    assert busy[1].at - busy[0].at >= 1.0  # the server asked for Retry-After: 1


def test_a_500_is_retried_until_it_succeeds(two_crawls: TwoCrawls) -> None:
    assert [h.status for h in two_crawls.site.hits if h.path == "/articles/flaky.html"] == [
        500,
        200,
    ]


@pytest.mark.parametrize("path", ["/articles/gbk-nocharset.html", "/articles/mislabel.html"])
def test_gbk_pages_are_kept_as_bytes_and_decode_cleanly(two_crawls: TwoCrawls, path: str) -> None:
    page = two_crawls.store.known(two_crawls.url(path))
    body = two_crawls.store.read_body(page)
    decoded = decode_html(body, page.headers.get("content-type"))
    assert GBK_TEXT in decoded.text
    assert decoded.encoding == "gb18030"


def test_second_crawl_fetches_no_stored_article_and_stops_paging(two_crawls: TwoCrawls) -> None:
    stored_paths = {
        p.url.removeprefix(two_crawls.site.base) for p in two_crawls.store.pages("article")
    }
    assert not stored_paths & set(two_crawls.second_hits)
    assert "/list/index_2.html" not in two_crawls.second_hits
    assert two_crawls.second.new == 0
    list_hits = [h for h in two_crawls.site.hits if h.path == "/list/"]
    assert list_hits[-1].status == 304
    assert "If-None-Match" in list_hits[-1].headers


@pytest.mark.parametrize(
    ("path", "state", "reason"),
    [
        ("/articles/dead.html", "failed", "http 404; remembered from an earlier crawl"),
        ("/articles/big.html", "skipped", "too large; remembered from an earlier crawl"),
        ("/articles/feed.html", "skipped", "not HTML; remembered from an earlier crawl"),
        ("/articles/loop-a.html", "skipped", "redirect loop; remembered from an earlier crawl"),
        ("/articles/away.html", "skipped", "off-site; remembered from an earlier crawl"),
    ],
)
def test_second_crawl_does_not_ask_again_for_what_failed_for_good(
    two_crawls: TwoCrawls, path: str, state: str, reason: str
) -> None:
    assert path not in two_crawls.second_hits
    assert two_crawls.ledger(two_crawls.second)[two_crawls.url(path)] == (state, reason)


def test_second_crawl_retries_what_may_have_been_transient(two_crawls: TwoCrawls) -> None:
    assert "/articles/truncated.html" in two_crawls.second_hits


def test_second_crawl_reports_stored_articles_unchanged(two_crawls: TwoCrawls) -> None:
    ledger = two_crawls.ledger(two_crawls.second)
    assert ledger[two_crawls.url("/list/")] == ("unchanged", "not modified (304)")
    assert ledger[two_crawls.url("/articles/1.html")] == ("unchanged", "stored by an earlier crawl")


def test_a_new_article_is_the_only_article_fetched(tmp_path: Path) -> None:
    site = MockSite()
    with serve(site) as base:
        crawl([f"{base}/list/"], tmp_path, settings=FAST, progress=False, timeout=CRAWL_TIMEOUT)
        before = len(site.hits)
        number = site.add_article()
        summary = crawl(
            [f"{base}/list/"], tmp_path, settings=FAST, progress=False, timeout=CRAWL_TIMEOUT
        )
        again = [
            p for p in site.paths()[before:] if p.startswith("/articles/") and p[10:-5].isdigit()
        ]
    assert again == [f"/articles/{number}.html"]
    assert (
        summary.new == 3
    )  # the new article and both listing pages (the new one pushed one to page 2)
    assert RawStore(tmp_path / "raw").known(f"{base}/articles/{number}.html") is not None


# --- refresh: stored articles asked for again, conditionally ----------------------------------------


@dataclass
class RefreshCrawls:
    """Four crawls of one site: a first crawl; two articles corrected in place; a default crawl; a
    refresh crawl; a second refresh crawl of the now unchanged site."""

    site: MockSite
    store: RawStore
    default: CrawlSummary
    refresh: CrawlSummary
    again: CrawlSummary
    default_hits: list[Hit]
    refresh_hits: list[Hit]
    again_hits: list[Hit]
    index_lines: tuple[int, int]  # pages.jsonl lines before and after the second refresh

    def url(self, path: str) -> str:
        return self.site.base + path

    def ledger(self, summary: CrawlSummary) -> dict[str, tuple[str, str | None]]:
        return {e.url: (e.state, e.reason) for e in self.store.ledger(summary.crawl_id)}


# Corrected in place between the first and the second crawl: an article with an ETag, and one with
# no validator at all (fetched whole and compared by body hash).
EDITED = {"2": "第2篇更正：退休人员每月划入一百二十元。", "gbk-nocharset": "更正后的无声明页面"}


def _index_lines(data_dir: Path) -> int:
    return len((data_dir / "raw" / "pages.jsonl").read_bytes().splitlines())


@pytest.fixture(scope="module")
def refresh_crawls(tmp_path_factory: pytest.TempPathFactory) -> RefreshCrawls:
    data_dir = tmp_path_factory.mktemp("refresh")
    site = MockSite(n_articles=8)
    hits: list[list[Hit]] = []
    summaries: list[CrawlSummary] = []
    with serve(site) as base:
        crawl([f"{base}/list/"], data_dir, settings=FAST, progress=False, timeout=CRAWL_TIMEOUT)
        for slug, text in EDITED.items():
            site.edit(slug, text)
        for refresh in (False, True, True):
            before = len(site.hits)
            lines = _index_lines(data_dir)
            summaries.append(
                crawl(
                    [f"{base}/list/"],
                    data_dir,
                    settings=FAST,
                    progress=False,
                    timeout=CRAWL_TIMEOUT,
                    refresh=refresh,
                )
            )
            hits.append(site.hits[before:])
    return RefreshCrawls(
        site,
        RawStore(data_dir / "raw"),
        *summaries,
        *hits,
        index_lines=(lines, _index_lines(data_dir)),
    )


def _article_paths(store: RawStore, base: str) -> set[str]:
    return {p.url.removeprefix(base) for p in store.pages("article")}


def test_default_crawl_requests_no_stored_article_even_when_one_changed(
    refresh_crawls: RefreshCrawls,
) -> None:
    stored = _article_paths(refresh_crawls.store, refresh_crawls.site.base)
    assert not stored & {h.path for h in refresh_crawls.default_hits}
    assert refresh_crawls.default.new == 0 and not refresh_crawls.default.refresh
    ledger = refresh_crawls.ledger(refresh_crawls.default)
    assert ledger[refresh_crawls.url("/articles/2.html")] == (
        "unchanged",
        "stored by an earlier crawl",
    )


@pytest.mark.parametrize("slug", list(EDITED))
def test_refresh_stores_an_article_corrected_in_place_as_a_new_version(
    refresh_crawls: RefreshCrawls, slug: str
) -> None:
    url = refresh_crawls.url(f"/articles/{slug}.html")
    state, reason = refresh_crawls.ledger(refresh_crawls.refresh)[url]
    assert (state, (reason or "").split(";")[0]) == (
        "stored",
        "changed",
    )  # + the GBK page's charset note
    store = refresh_crawls.store
    latest = store.known(url)
    assert latest is not None
    assert (
        EDITED[slug]
        in decode_html(store.read_body(latest), latest.headers.get("content-type")).text
    )
    versions = [
        line
        for line in store.index_path.read_text(encoding="utf-8").splitlines()
        if f'"url":"{url}"' in line
    ]
    assert len(versions) == 2  # the first version stays in the store


def test_refresh_counts_the_changed_articles(refresh_crawls: RefreshCrawls) -> None:
    summary = refresh_crawls.refresh
    assert summary.refresh
    # the two corrected articles; unchanged ones and the 304 listing pages store nothing
    assert (summary.new, summary.changed) == (2, 2)


def test_refresh_asks_with_the_stored_validators(refresh_crawls: RefreshCrawls) -> None:
    by_path = {h.path: h for h in refresh_crawls.again_hits}
    article = by_path["/articles/3.html"]
    assert article.headers.get("If-None-Match", "").startswith('"')
    assert "If-Modified-Since" in article.headers
    assert article.status == 304
    plain = by_path["/articles/gbk-nocharset.html"]  # stored with neither ETag nor Last-Modified
    assert "If-None-Match" not in plain.headers and "If-Modified-Since" not in plain.headers
    assert plain.status == 200


def test_refresh_of_an_unchanged_site_stores_nothing_and_every_article_ends_unchanged(
    refresh_crawls: RefreshCrawls,
) -> None:
    again = refresh_crawls.again
    assert again.new == 0 and again.changed == 0
    assert refresh_crawls.index_lines[0] == refresh_crawls.index_lines[1]
    stored = _article_paths(refresh_crawls.store, refresh_crawls.site.base)
    requested = {h.path for h in refresh_crawls.again_hits}
    assert stored <= requested  # every known article was asked for again
    ledger = refresh_crawls.ledger(again)
    outcomes = {path: ledger[refresh_crawls.url(path)] for path in stored}
    assert {state for state, _ in outcomes.values()} == {"unchanged"}
    assert outcomes["/articles/3.html"] == ("unchanged", "not modified (304)")
    assert outcomes["/articles/gbk-nocharset.html"] == ("unchanged", "same content as stored")


def test_refresh_still_does_not_ask_again_for_what_failed_for_good(
    refresh_crawls: RefreshCrawls,
) -> None:
    assert "/articles/dead.html" not in {h.path for h in refresh_crawls.refresh_hits}


@pytest.mark.parametrize(
    ("had_before", "note", "reason"),
    [
        (False, None, None),
        (True, None, "changed"),
        (
            False,
            "charset: none declared, detected gb18030",
            "charset: none declared, detected gb18030",
        ),
        (
            True,
            "charset: none declared, detected gb18030",
            "changed; charset: none declared, detected gb18030",
        ),
    ],
)
def test_stored_reason_names_a_new_version(
    had_before: bool, note: str | None, reason: str | None
) -> None:
    before = (
        RawPage(
            "http://s.example/a.html",
            "http://s.example/a.html",
            200,
            {},
            datetime.now(UTC),
            "ab",
            1,
        )
        if had_before
        else None
    )
    assert stored_reason(before, note) == reason


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            {"etag": '"x1"', "last-modified": LAST_MODIFIED},
            {"If-None-Match": '"x1"', "If-Modified-Since": LAST_MODIFIED},
        ),
        ({"etag": 'W/"x1"'}, {"If-None-Match": 'W/"x1"'}),
        ({"content-type": "text/html"}, {}),
    ],
)
def test_validators_come_from_the_stored_headers(
    headers: dict[str, str], expected: dict[str, str]
) -> None:
    page = RawPage(
        "http://s.example/a.html",
        "http://s.example/a.html",
        200,
        headers,
        datetime.now(UTC),
        "ab",
        1,
    )
    assert validators(page) == expected


def test_a_killed_crawl_loses_nothing_and_the_next_one_completes(tmp_path: Path) -> None:
    site = MockSite(n_articles=30, delay=0.1)
    with serve(site) as base:
        command = child_command(
            [f"{base}/list/"],
            tmp_path,
            tmp_path / "summary.json",
            {**FAST, "CONCURRENT_REQUESTS_PER_DOMAIN": 1},
        )
        proc = subprocess.Popen(
            command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=child_env()
        )
        assert proc.stderr is not None
        stored_lines = 0
        for line in proc.stderr:
            stored_lines += "] stored " in line
            if stored_lines >= 5:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        store = RawStore(tmp_path / "raw")
        assert 5 <= len(store) < 30 + len(OTHER_PAGES)
        for kind in ("article", "listing"):
            for page in store.pages(kind):
                assert store.read_body(page).rstrip().endswith(b"</html>")
        stored_before = {p.url for p in store.pages("article")}
        before = len(site.hits)
        crawl([f"{base}/list/"], tmp_path, settings=FAST, progress=False, timeout=CRAWL_TIMEOUT)
        refetched = {base + p for p in site.paths()[before:]}
    assert {p.url for p in RawStore(tmp_path / "raw").pages("article")} >= {
        f"{base}/articles/{n}.html" for n in range(1, 31)
    }
    assert not stored_before & refetched


def test_crawl_progress_is_streamed(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    site = MockSite(n_articles=2)
    with serve(site) as base:
        crawl([f"{base}/list/"], tmp_path, settings=FAST, progress=True, timeout=CRAWL_TIMEOUT)
    err = capfd.readouterr().err
    assert f"stored    {base}/articles/1.html" in err
    assert "crawl done:" in err


# --- pure helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1", 1.0),
        (b"120", 120.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 60.0),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | bytes | None, seconds: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 27, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == seconds


@pytest.mark.parametrize(("retry", "delay"), [(1, 0.5), (2, 1.0), (3, 2.0), (10, 30.0)])
def test_backoff_doubles_up_to_the_cap(retry: int, delay: float) -> None:
    assert backoff_delay(retry, 0.5, 30.0) == delay


def test_retry_after_date_in_the_past_means_now() -> None:
    assert (
        parse_retry_after(
            "Wed, 21 Oct 2015 07:28:00 GMT",
            now=datetime(2015, 10, 21, 8, tzinfo=UTC) + timedelta(0),
        )
        == 0.0
    )


@pytest.mark.parametrize(
    ("url", "listing", "article"),
    [
        ("http://s.example/list/", True, False),
        ("http://s.example/", True, False),
        ("http://s.example/news/index.html", True, False),
        ("http://s.example/category/yibao.html", True, False),
        ("http://s.example/articles/12.html", False, True),
        ("http://s.example/news/2025/06/beijing-yibao.html", False, True),
        ("http://s.example/a/20250605/12345/", False, True),
        ("http://s.example/show.php?id=33", False, True),
    ],
)
def test_url_shapes(url: str, listing: bool, article: bool) -> None:
    assert looks_like_listing(url) == listing
    assert looks_like_article(url) == article


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("http://S.example:80/a/1.html?utm_source=x#top", "http://s.example/a/1.html"),
        (
            "http://s.example/a/t1_45.html;jsessionid=9F3A2B?b=2&a=1",
            "http://s.example/a/t1_45.html?a=1&b=2",
        ),
        (
            "http://s.example/col/col12;JSESSIONID=ab.c1/index.html",
            "http://s.example/col/col12/index.html",
        ),
        ("http://s.example/show.php;PHPSESSID=0f1e", "http://s.example/show.php"),
        ("http://s.example/;jsessionid=1", "http://s.example/"),
        ("http://s.example/a;v=2.html", "http://s.example/a;v=2.html"),  # not a session id: kept
        (
            "http://s.example:{{PORT}}/a.html",
            "http://s.example:{{port}}/a.html",
        ),  # no crash on a bad port
    ],
)
def test_canonical_url_drops_tracking_and_session_ids(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (Link("http://s.example/list/index_2.html", "2"), True),
        (Link("http://s.example/list/", "下一页"), True),
        (Link("http://s.example/news/?page=3", "更多"), True),
        (Link("http://s.example/page/4/", ""), True),
        (Link("http://s.example/x", "", "next"), True),
        (Link("http://s.example/articles/12.html", "北京医保每月划入多少"), False),
    ],
)
def test_pagination_links(link: Link, expected: bool) -> None:
    assert is_pagination(link) == expected


@pytest.mark.parametrize(
    ("url", "text", "bucket"),
    [
        ("http://s.example:81/news/12345/", "北京医保", "articles"),  # directory-style article URL
        ("http://s.example:81/news/", "新闻", "listings"),
        ("http://s.example:81/news/more.html", "更多", "listings"),  # the parser's anchor-text rule
        ("http://s.example:81/print/12345.html", "打印", None),  # print views are not content
        ("http://s.example:81/list/index_3.html", "3", "pagination"),
        ("http://s.example:81/post/why-pensions-rise.html", "为什么", "articles"),  # slug, no id
    ],
)
def test_link_buckets(url: str, text: str, bucket: str | None) -> None:
    got = classify_links([Link(url, text)], "http://s.example:81/", frozenset({"s.example:81"}))
    found = [
        name for name in ("articles", "listings", "pagination", "offsite") if getattr(got, name)
    ]
    assert found == ([bucket] if bucket else [])


def test_classify_drops_assets_and_self_links_and_flags_offsite() -> None:
    links = [
        Link("http://s.example:81/a/1.html?utm_source=x"),
        Link("http://s.example:81/a/1.html"),
        Link("http://s.example:81/style.css"),
        Link("http://s.example:81/list/"),
        Link("http://other.example/a/2.html"),
        Link("http://s.example:82/a/3.html"),
    ]
    got = classify_links(links, "http://s.example:81/list/", frozenset({"s.example:81"}))
    assert got.articles == ("http://s.example:81/a/1.html",)
    assert got.listings == ()
    assert got.offsite == ("http://other.example/a/2.html", "http://s.example:82/a/3.html")


# --- the embedded sample site, crawled twice on two different ephemeral ports ---------------------


@dataclass
class SampleCrawls:
    """Two crawls of the sample site (each served on a fresh port, recorded under one stable base)."""

    facts: object
    store: RawStore
    first: CrawlSummary
    second: CrawlSummary

    def ledger(self, summary: CrawlSummary) -> dict[str, tuple[str, str | None]]:
        return {e.url: (e.state, e.reason) for e in self.store.ledger(summary.crawl_id)}


@pytest.fixture(scope="module")
def sample_crawls(tmp_path_factory: pytest.TempPathFactory) -> SampleCrawls:
    site = pytest.importorskip(
        "pipelines.sample_site", reason="the sample site generator has not landed"
    )
    serve_site = pytest.importorskip(
        "pipelines.serve", reason="pipelines.serve has not landed"
    ).serve_site
    if not Path(site.SAMPLE_SITE_DIR).is_dir():
        pytest.skip(f"no sample site at {site.SAMPLE_SITE_DIR}")
    data_dir = tmp_path_factory.mktemp("sample")
    summaries = []
    for _ in range(2):
        with serve_site(Path(site.SAMPLE_SITE_DIR)) as base:
            summaries.append(
                crawl(
                    site.start_urls(base),
                    data_dir,
                    settings=FAST,
                    progress=False,
                    timeout=CRAWL_TIMEOUT,
                    url_alias=loopback_alias(base),
                )
            )
    return SampleCrawls(site.load_facts(), RawStore(data_dir / "raw"), *summaries)


def _sample_url(path: str) -> str:
    return f"{SAMPLE_SITE_BASE}/{path.lstrip('/')}"


def test_sample_site_every_article_is_stored_once(sample_crawls: SampleCrawls) -> None:
    stored = [p.url for p in sample_crawls.store.pages("article")]
    expected = {_sample_url(a.path) for a in sample_crawls.facts.articles}
    assert expected <= set(stored)
    assert len(stored) == len(set(stored))
    assert not [u for u in stored if "?" in u]  # tracking-parameter copies are the same page


def test_sample_site_dead_links_fail_and_robots_are_obeyed(sample_crawls: SampleCrawls) -> None:
    ledger = sample_crawls.ledger(sample_crawls.first)
    for path in sample_crawls.facts.dead_links:
        assert ledger[_sample_url(path)][0] == "failed", path
    disallowed = {_sample_url(p) for p in sample_crawls.facts.robots_disallowed}
    assert not disallowed & {p.url for p in sample_crawls.store.pages(None)}
    assert {ledger[u] for u in disallowed if u in ledger} <= {("skipped", "robots")}


def test_sample_site_second_crawl_on_a_new_port_stores_nothing_new(
    sample_crawls: SampleCrawls,
) -> None:
    second = sample_crawls.second
    assert second.new == 0
    assert second.pages_in_store == sample_crawls.first.pages_in_store
    # listing pages (304s) and retries of what may have been transient only
    assert second.requests < sample_crawls.first.requests / 3
    # links in stored copies (read again after a 304) name the stable base, not the old port
    assert not [u for u in sample_crawls.ledger(second) if u.startswith("http://127.0.0.1")]


@pytest.mark.parametrize(
    ("alias", "url", "key"),
    [
        (
            "http://127.0.0.1:4000=http://s.invalid",
            "http://127.0.0.1:4000/a/1.html?utm_source=x",
            "http://s.invalid/a/1.html",
        ),
        (
            "http://127.0.0.1:4000=http://s.invalid",
            "http://127.0.0.1:4001/a/1.html",
            "http://127.0.0.1:4001/a/1.html",
        ),
        ("", "http://127.0.0.1:4000/a/1.html#top", "http://127.0.0.1:4000/a/1.html"),
    ],
)
def test_url_alias_records_under_the_stable_base_and_fetches_from_the_real_one(
    alias: str, url: str, key: str
) -> None:
    parsed = UrlAlias.parse(alias)
    assert parsed.key(url) == key
    assert parsed.fetch(key) == canonical_url(url)


@pytest.mark.parametrize(
    "value", ["127.0.0.1:4000=http://s.invalid", "http://127.0.0.1:4000", "http://a=b"]
)
def test_a_malformed_url_alias_is_refused(value: str) -> None:
    with pytest.raises(UrlAliasError, match="--url-alias"):
        UrlAlias.parse(value)


def test_under_dagster_pipes_the_child_reports_its_summary_as_materialisation_metadata(
    tmp_path: Path,
) -> None:
    with serve(MockSite(n_articles=2)) as base:
        command = child_command([f"{base}/list/"], tmp_path, tmp_path / "summary.json", FAST)

        @asset(required_resource_keys={"pipes"})
        def raw_pages(context) -> MaterializeResult:  # noqa: ANN001 - dagster resolves context by name
            return context.resources.pipes.run(
                command=command, context=context, env=child_env()
            ).get_materialize_result()

        result = materialize([raw_pages], resources={"pipes": PipesSubprocessClient()})
    metadata = {
        k: v.value
        for k, v in result.asset_materializations_for_node("raw_pages")[0].metadata.items()
    }
    # articles 1-2, flaky, busy, the two GBK pages, the sitemap's article, listings, robots.txt, sitemap
    assert metadata["new_pages"] == 11
    assert metadata["by_reason"]["skipped: robots"] == 1
    assert metadata["ledger_path"] == str(tmp_path / "raw" / "ledger.jsonl")


def test_a_crawl_that_overruns_its_time_limit_is_killed_with_a_clear_error(tmp_path: Path) -> None:
    site = MockSite(n_articles=3, delay=30.0)  # articles hang far past the limit
    with serve(site) as base, pytest.raises(CrawlError, match="took longer than 5"):
        crawl([f"{base}/list/"], tmp_path, settings=FAST, progress=False, timeout=5)


def test_a_second_crawl_into_the_same_store_at_once_is_refused(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    with (
        FileLock(tmp_path / "raw" / LOCK_NAME),
        pytest.raises(CrawlLockedError, match="another crawl is writing"),
    ):
        crawl(["http://127.0.0.1:9/list/"], tmp_path, progress=False, timeout=CRAWL_TIMEOUT)


@pytest.mark.parametrize(
    ("status", "retry_after", "delay"),
    [(429, "1", 1.0), (503, "7", 7.0), (429, "3600", 60.0), (500, "5", 0.5), (429, None, 0.5)],
)
def test_retry_delay_honours_retry_after_up_to_the_cap(
    status: int, retry_after: str | None, delay: float
) -> None:
    middleware = RetryAfterMiddleware(crawl_settings())
    headers = {"Retry-After": retry_after} if retry_after else {}
    request = Request("http://s.example/a.html")
    assert (
        middleware._delay(request, HtmlResponse(request.url, status=status, headers=headers))
        == delay
    )


@pytest.mark.parametrize(
    ("body", "flags", "truncated"),
    [
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>\n", [], False),
        (b"<html><body><p>x</p></body>", [], False),  # </html> is optional when </body> is there
        (b"<html><body><p>x</p><p>cut mid-sen", [], True),
        (b"<p>a bare fragment, never opened as a page</p>", [], False),
        (b"<html><body><p>x</p></body></html>", ["partial"], True),
    ],
)
def test_truncation_is_a_page_that_opened_but_never_closed(
    body: bytes, flags: list[str], truncated: bool
) -> None:
    response = HtmlResponse("http://s.example/a.html", body=body, flags=flags)
    assert is_truncated(response) == truncated


# --- sitemaps recognised by their root element, plain or gzipped ---------------------------------

URLSET = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://s.example/a/1.html</loc></url></urlset>'


@pytest.mark.parametrize(
    ("body", "is_sitemap"),
    [
        (b'<?xml version="1.0" encoding="UTF-8"?>\n' + URLSET, True),
        (URLSET, True),  # no prolog
        (b"\xef\xbb\xbf\n  " + URLSET, True),  # BOM and whitespace
        (b'<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><!-- by CMS -->' + URLSET, True),
        (
            b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></sitemapindex>',
            True,
        ),
        (gzip.compress(URLSET), True),  # sitemap.xml.gz served as a file
        (b"<html><body><p>urlset</p></body></html>", False),
        (b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', False),
        (gzip.compress(b"<html></html>"), False),
        (b"\x1f\x8b\x08 not really gzip", False),
    ],
)
def test_sitemap_xml_recognises_sitemaps_by_root_element(body: bytes, is_sitemap: bool) -> None:
    xml = sitemap_xml(body, max_size=1 << 20)
    assert (xml is not None) == is_sitemap
    if xml is not None:  # the XML itself, unpacked
        assert b"<urlset" in xml or b"<sitemapindex" in xml


def test_a_gzipped_sitemap_past_the_size_limit_is_refused() -> None:
    with pytest.raises(SitemapTooLarge, match="unpacks past 100 bytes"):
        sitemap_xml(gzip.compress(URLSET * 10), max_size=100)


# --- navigation regions, dated permalinks, pagination of this listing only -------------------------

NAV_PAGE = """<html><body>
<div class="nav"><a href="/about/contact.shtml">联系我们</a> <a href="/node_5678.htm">政策解读</a>
 <a href="/list-13.html">办事指南</a></div>
<header><a href="/zt/yibao.htm">专题</a></header>
<main><article><header class="entry-header"><h2><a href="/2025/03/05/yibao-huaru/">洛阳医保</a></h2></header></article>
<ul class="news-list"><li><a href="/a/zhengce/2025/0415/131.html">漳州医保个人账户问答</a></li></ul>
<a href="/index_2.html">下一页</a> <a href="/list_2.html">政策</a></main>
<div id="foot"><a href="/about/copyright.html">版权</a></div></body></html>"""


@pytest.mark.parametrize(
    ("path", "bucket"),
    [
        ("/about/contact.shtml", "listings"),  # menu link: a static page, never an article
        ("/node_5678.htm", "listings"),  # menu link with an id: a section
        ("/list-13.html", "listings"),  # a category, not page 13 of the home page (dede_cms)
        ("/zt/yibao.htm", "listings"),  # <header> link
        ("/about/copyright.html", "listings"),  # footer link
        ("/2025/03/05/yibao-huaru/", "articles"),  # a post's own <header> inside <article>
        ("/a/zhengce/2025/0415/131.html", "articles"),
        ("/index_2.html", "pagination"),
        ("/list_2.html", "listings"),  # index_2 pages the home page; list_2 is another section
    ],
)
def test_navigation_links_are_sections_and_post_headers_are_not(path: str, bucket: str) -> None:
    got = crawl_links(NAV_PAGE, "http://s.example:81/", frozenset({"s.example:81"}))
    url = "http://s.example:81" + path
    assert [
        name for name in ("articles", "listings", "pagination") if url in getattr(got, name)
    ] == [bucket]


def test_navigation_listings_are_marked_so_a_menu_page_is_never_taken_for_a_post() -> None:
    got = crawl_links(NAV_PAGE, "http://s.example:81/", frozenset({"s.example:81"}))
    base = "http://s.example:81"
    assert f"{base}/about/contact.shtml" in got.navigation
    assert f"{base}/list_2.html" not in got.navigation  # a listing linked from the content


def test_a_page_that_is_all_navigation_is_judged_by_url() -> None:
    """An unclosed <div id="header"> stretched over the whole page does not hide its articles."""
    items = "".join(f'<li><a href="/news/{n}.html">文章{n}</a></li>' for n in range(100, 112))
    html = f'<html><body><div id="header"><a href="/">首页</a><ul>{items}</ul></body></html>'
    got = crawl_links(html, "http://s.example:81/", frozenset({"s.example:81"}))
    assert len(got.articles) == 12


@pytest.mark.parametrize(
    ("link", "page", "expected"),
    [
        ("/list-13_2.html", "/list-13.html", True),
        ("/list-13_3.html", "/list-13_2.html", True),
        ("/list-13.html", "/", False),
        ("/index_2.html", "/", True),
        ("/page/2/", "/", True),
        ("/category/yibao/page/3/", "/category/yibao/page/2/", True),
        ("/news/list.php?cid=3&page=2", "/news/list.php?cid=3", True),
        ("/news/list.php?cid=4&page=2", "/news/list.php?cid=3", False),
        ("/html/shebao/index_2.shtml", "/html/shebao/index.shtml", True),
        ("/node_5678_2.htm", "/node_5678.htm", True),
    ],
)
def test_url_shaped_pagination_must_page_the_current_listing(
    link: str, page: str, expected: bool
) -> None:
    base = "http://s.example"
    assert is_pagination(Link(base + link, "政策"), base + page) == expected


@pytest.mark.parametrize(
    ("url", "listing", "article"),
    [
        ("http://s.example/2025/03/05/yibao-huaru-tiaozheng/", False, True),
        ("http://s.example/2025/03/slug-post.html", False, True),
        ("http://s.example/2025/03/", True, False),  # a monthly archive
        ("http://s.example/2025/03/05/", True, False),  # a daily archive
    ],
)
def test_dated_permalinks_are_articles(url: str, listing: bool, article: bool) -> None:
    assert (looks_like_listing(url), looks_like_article(url)) == (listing, article)


# --- what a page fetched as an article turns out to be -------------------------------------------

HEADER = '<header><a href="/">首页</a> <a href="/node_5678.htm">政策解读</a></header>'


@pytest.mark.parametrize(
    ("body", "links", "kind"),
    [
        # a category page behind an id-shaped URL (edge_blog /node_5678.htm)
        ('<main><h2><a href="/a/1.html">洛阳医保个人账户怎么划入</a></h2></main>', 3, "listing"),
        # a contact page (gov_cms /about/contact.shtml): a line, a footer, no article links
        (
            '<p>地址：某市人民路1号</p><div class="footer">主办单位：某市人力资源和社会保障局办公室</div>',
            0,
            "other",
        ),
        # a short article with a headline and related links stays an article
        ("<article><h1>测试文章3</h1><p>第3篇：每月划入一百元。</p></article>", 2, "article"),
        # no headline, one paragraph of prose: an article
        ("<p>退休人员医保个人账户每月划入金额为本人养老金的百分之二</p>", 0, "article"),
        # prose in loose <div> text split by <br>
        (
            '<div class="content">退休人员每月划入<br>金额为养老金的百分之二点五左右</div>',
            4,
            "article",
        ),
        # a category page with its name as <h1>, dated items and a copyright block: a listing
        (
            "<h1>政策解读</h1><ul><li><a href='/a/1.html'>北京医保</a> 2025-06-01</li>"
            "<li><a href='/a/2.html'>上海医保</a> 2025-06-02</li></ul>"
            '<div class="copyright">版权所有：某市医疗保障局 地址：某市人民路1号 电话：12345678</div>',
            2,
            "listing",
        ),
        # a script-rendered page: no prose in its HTML, an article in its JSON-LD
        (
            '<script type="application/ld+json">{"@type":"NewsArticle","headline":"绍兴"}</script>'
            '<div id="root"></div>',
            0,
            "article",
        ),
        ('<meta property="og:type" content="article"><div id="app"></div>', 0, "article"),
        # a contact line with a phone number and an e-mail address: digits and Latin are no prose
        ("<p>联系电话：0000-12345678 电子邮箱：someone@example.com</p>", 0, "other"),
        # a linked logo <h1> is not a headline
        (
            '<h1><a href="/">社保网</a></h1><ul><li><a href="/a/1.html">北京医保</a></li></ul>',
            2,
            "listing",
        ),
    ],
)
def test_a_page_fetched_as_an_article_is_judged_by_its_shape(
    body: str, links: int, kind: str
) -> None:
    tree = parse_tree(f"<html><head><title>t</title></head><body>{HEADER}{body}</body></html>")
    got, note = judged_kind("article", tree, links)
    assert got == kind
    assert (note is None) == (kind == "article")


@pytest.mark.parametrize("requested", ["listing", "sitemap", "robots"])
def test_only_pages_fetched_as_articles_are_judged(requested: str) -> None:
    assert judged_kind(requested, parse_tree("<html><body></body></html>"), 0) == (requested, None)


# --- robots.txt Crawl-delay ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("robots", "delay"),
    [
        (b"User-agent: *\nCrawl-delay: 2\nDisallow: /private/\n", 2.0),
        (b"User-agent: *\nCrawl-delay: 0.5\n", 0.5),
        (b"User-agent: *\nCrawl-delay: 600\n", 10.0),  # capped
        (b"User-agent: *\nDisallow: /private/\n", 0.0),
        (b"User-agent: otherbot\nCrawl-delay: 5\n\nUser-agent: *\nDisallow:\n", 0.0),
        (b"User-agent: *\nCrawl-delay: soon\n", 0.0),
    ],
)
def test_crawl_delay_is_read_for_our_agent_and_capped(robots: bytes, delay: float) -> None:
    parser = ProtegoRobotParser(robots, None)
    assert site_delay(parser, crawl_settings()["USER_AGENT"], max_delay=10.0) == delay


def test_a_malformed_href_is_skipped_not_fatal() -> None:
    html = '<a href="http://[::1/x">broken</a> <a href="http://h:{{PORT}}/y">template</a> <a href="/a/1.html">ok</a>'
    urls = [link.url for link in extract_links(html, "http://s.example/")]
    assert "http://s.example/a/1.html" in urls and not any("[" in u for u in urls)


POST = (
    "<article><h1>医保个人账户怎么划入</h1>"
    "<p>自本年度起，退休人员职工医保个人账户每月按定额划入。</p></article>"
    "<ul class='related'><li><a href='/a-b/'>相关</a></li></ul>"
)
SECTION = "<h1>本地新闻</h1>" + "".join(
    f"<li><a href='/n{n}/'>新闻{n}</a><p>本栏目摘要：退休人员医保个人账户调整说明</p></li>"
    for n in range(8)
)


@pytest.mark.parametrize(
    ("url", "body", "links", "kind"),
    [
        ("http://s.example/yibao-huaru-tiaozheng/", POST, 1, "article"),  # WordPress postname
        ("http://s.example/local-news/", SECTION, 8, "listing"),  # many links: a section
        ("http://s.example/category/yi-bao/", POST, 1, "listing"),  # a named listing segment
        ("http://s.example/news/", POST, 1, "listing"),  # one word: not a post slug
        (
            "http://s.example/yibao-huaru-tiaozheng/",
            "<ul><li><a href='/x/'>x</a></li></ul>",
            1,
            "listing",
        ),
    ],
)
def test_a_slug_directory_fetched_as_a_listing_may_be_a_post(
    url: str, body: str, links: int, kind: str
) -> None:
    tree = parse_tree(f"<html><body>{HEADER}{body}</body></html>")
    assert judged_kind("listing", tree, links, url)[0] == kind


# --- a WordPress-style site: postname permalinks, a menu of pages, a "top" strip ---------------------

WP_MENU = (
    '<header><nav><a href="/">首页</a> <a href="/about-us/">关于我们</a> '
    '<a href="/category/yibao/">医保</a></nav></header>'
    '<div class="top"><a href="/a/2025/0601/901.html">置顶：医保个人账户新规</a></div>'
)
WP_FOOTER = '<footer><a href="/privacy-policy/">隐私</a> 版权所有 某某社保资讯网 地址：某市某路88号</footer>'
WP_POSTS = {
    "yibao-huaru-tiaozheng": "洛阳医保个人账户怎么划入",
    "tuixiu-renyuan-zhanghu": "柳州退休人员账户划入",
    "menzhen-tongchou-wenda": "门诊共济问答",
}


def wp_page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body>{WP_MENU}<main>{body}</main>{WP_FOOTER}</body></html>"
    )


def wp_post(title: str) -> str:
    return wp_page(
        title,
        f"<article><h1>{title}</h1><time>2025-06-01</time><p>据{title[:2]}市医疗保障部门介绍，"
        "自本年度起退休人员职工医保个人账户每月按60元定额划入。</p></article>",
    )


def wp_index(slugs: list[str]) -> str:
    items = "".join(
        f'<article class="post"><header class="entry-header"><h2><a href="/{slug}/">{WP_POSTS.get(slug, slug)}</a>'
        "</h2></header></article>"
        for slug in slugs
    )
    return wp_page("首页", items)


def write_wp_site(root: Path, slugs: list[str]) -> None:
    pages = {
        "index.html": wp_index(slugs),
        "category/yibao/index.html": wp_index(slugs),
        "about-us/index.html": wp_page(
            "关于我们",
            "<article><h1>关于我们</h1><p>本站整理各地社保医保政策的公开信息，欢迎来信指正。</p></article>",
        ),
        "privacy-policy/index.html": wp_page(
            "隐私", "<h1>隐私政策</h1><p>本站尊重并保护所有用户的个人隐私，不收集任何身份信息。</p>"
        ),
        "a/2025/0601/901.html": wp_post("安阳医保个人账户新规"),
        "robots.txt": "User-agent: *\nDisallow: /wp-admin/\n",
        **{
            f"{slug}/index.html": wp_post(WP_POSTS.get(slug, "新乡医保个人账户划入"))
            for slug in slugs
        },
    }
    for path, text in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")


def test_a_wordpress_style_site_stores_posts_as_articles_and_menu_pages_as_listings(
    tmp_path: Path,
) -> None:
    root = tmp_path / "site"
    slugs = list(WP_POSTS)
    write_wp_site(root, slugs)
    with serve_unseen(root) as server:
        base = server.base_url
        crawl([base + "/"], tmp_path / "data", settings=FAST, progress=False, timeout=CRAWL_TIMEOUT)
        write_wp_site(root, ["new-post-yibao", *slugs])  # a post published between the crawls
        before = len(server.hits)
        crawl([base + "/"], tmp_path / "data", settings=FAST, progress=False, timeout=CRAWL_TIMEOUT)
        again = {hit.target for hit in server.hits[before:]}
    kinds = {
        p.url.removeprefix(base): p.kind for p in RawStore(tmp_path / "data" / "raw").pages(None)
    }
    posts = {f"/{slug}/" for slug in slugs} | {"/a/2025/0601/901.html"}
    assert {path: kinds.get(path) for path in posts} == dict.fromkeys(posts, "article")
    assert kinds["/new-post-yibao/"] == "article"
    assert kinds["/about-us/"] == kinds["/privacy-policy/"] == "listing"
    assert not again & posts  # no stored post fetched again


def test_a_listing_footer_is_no_prose_on_a_page_fetched_as_an_article() -> None:
    """An old table layout: menu and footer in unlabelled cells. The footer the home page showed is the
    site's furniture, so a contact page with only that footer is a navigation page, not an article."""
    footer = (
        "<table><tr><td>版权所有：某市人力资源和社会保障局 地址：某市人民路1号</td></tr></table>"
    )
    home = parse_tree(
        f"<html><body><table><tr><td><a href='/a/1.html'>文章</a></td></tr></table>{footer}</body></html>"
    )
    contact = parse_tree(f"<html><body><p>电话：12345678</p>{footer}</body></html>")
    assert home is not None
    furniture = furniture_texts(home)
    assert judged_kind("article", contact, 0)[0] == "article"  # the footer alone reads as prose
    assert judged_kind("article", contact, 0, furniture=furniture)[0] == "other"
    article = parse_tree(
        f"<html><body><p>退休人员医保个人账户每月划入金额为本人养老金的百分之二</p>{footer}</body></html>"
    )
    assert judged_kind("article", article, 0, furniture=furniture)[0] == "article"


# --- corpus gate: every article page of the extraction corpora stays an article ----------------------

REPO = Path(__file__).resolve().parents[1]
# Pages of the extraction corpora that are not articles (they test the parser's refusal).
NOT_ARTICLES = frozenset({"listing_only.html"})
ARTICLE_PAGES = sorted(
    path
    for corpus in ("tests/fixtures/unseen", "tests/fixtures/html")
    for path in (REPO / corpus).glob("*.htm*")
    if path.name not in NOT_ARTICLES
)


@pytest.mark.parametrize("path", ARTICLE_PAGES, ids=lambda p: p.name)
def test_every_corpus_article_fetched_as_an_article_stays_one(path: Path) -> None:
    """The shape judgement never turns a real article (every layout the extractors are tested on)
    into a listing or a navigation page, which would drop it from the dataset."""
    tree = parse_tree(decode_html(path.read_bytes(), None).text)
    links = crawl_links(
        tree if tree is not None else "", "http://s.example/a/1.html", frozenset({"s.example"})
    )
    assert judged_kind("article", tree, len(links.articles) + len(links.pagination))[0] == "article"
