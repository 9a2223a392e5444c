"""serve_site: real HTTP on loopback with ETag / Last-Modified, 304s, 404s and per-page charsets."""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.request
from email.utils import formatdate
from pathlib import Path

import pytest

from pipelines.sample_site import SiteFacts
from pipelines.serve import serve_site

TIMEOUT_S = 10


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET, HTTP errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture()
def tiny_site(tmp_path: Path) -> Path:
    """A hand-made site root: one page, a templated robots.txt, a GBK override, a bare directory."""
    (tmp_path / "index.html").write_text("<p>首页</p>", encoding="utf-8")
    (tmp_path / "gbk.html").write_bytes("<p>医保</p>".encode("gbk"))
    (tmp_path / "robots.txt").write_text("Sitemap: {{BASE_URL}}/sitemap.xml\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "_serve.json").write_text(
        '{"content_types": {"/gbk.html": "text/html; charset=gbk"}, "templated": ["/robots.txt"]}', encoding="utf-8")
    return tmp_path


def test_get_sends_etag_and_last_modified(tiny_site: Path) -> None:
    with serve_site(tiny_site) as base:
        status, headers, body = fetch(base + "/")
    assert (status, body.decode()) == (200, "<p>首页</p>")
    assert headers["ETag"].startswith('"') and len(headers["ETag"]) == 66
    assert headers["Last-Modified"].endswith("GMT")
    assert headers["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("condition", ["etag", "date"])
def test_conditional_get_gives_304(tiny_site: Path, condition: str) -> None:
    with serve_site(tiny_site) as base:
        _, headers, _ = fetch(base + "/index.html")
        cond = {"If-None-Match": headers["ETag"]} if condition == "etag" else {"If-Modified-Since": headers["Last-Modified"]}
        status, _, body = fetch(base + "/index.html", cond)
    assert (status, body) == (304, b"")


def test_changed_etag_or_old_date_gives_200(tiny_site: Path) -> None:
    with serve_site(tiny_site) as base:
        status_etag, _, _ = fetch(base + "/index.html", {"If-None-Match": '"0000"'})
        status_date, _, _ = fetch(base + "/index.html", {"If-Modified-Since": formatdate(0, usegmt=True)})
    assert (status_etag, status_date) == (200, 200)


@pytest.mark.parametrize("path", ["/missing.html", "/empty/", "/_serve.json", "/../etc/passwd", "/%2e%2e/x"])
def test_missing_directories_config_and_escapes_are_404(tiny_site: Path, path: str) -> None:
    with serve_site(tiny_site) as base:
        status, _, _ = fetch(base + path)
    assert status == 404


def test_override_content_type_and_query_string_ignored(tiny_site: Path) -> None:
    with serve_site(tiny_site) as base:
        status, headers, body = fetch(base + "/gbk.html?utm_source=wechat")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=gbk"
    assert body.decode("gbk") == "<p>医保</p>"


def test_robots_gets_the_real_base_url(tiny_site: Path) -> None:
    with serve_site(tiny_site) as base:
        _, _, body = fetch(base + "/robots.txt")
    assert body.decode() == f"Sitemap: {base}/sitemap.xml\n"


def test_templated_file_keeps_its_etag_on_another_port(tiny_site: Path) -> None:
    """A re-crawl on a new port revalidates robots.txt with a 304 instead of storing a new copy."""
    with serve_site(tiny_site) as base:
        _, first, _ = fetch(base + "/robots.txt")
    with serve_site(tiny_site) as base:
        status, _, _ = fetch(base + "/robots.txt", {"If-None-Match": first["ETag"]})
    assert status == 304


def test_server_stops_on_exit(tiny_site: Path) -> None:
    with serve_site(tiny_site) as base:
        port = int(base.rsplit(":", 1)[1])
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_not_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not a directory"), serve_site(tmp_path / "nope"):
        pass


def test_sample_site_charset_per_page(sample_site_url: str, sample_facts: SiteFacts) -> None:
    """Each article's Content-Type is what the facts say: charset in the header only where declared there."""
    checked = set()
    for art in sample_facts.articles:
        status, headers, body = fetch(sample_site_url + art.url_path)
        assert status == 200, art.url_path
        assert headers["Content-Type"] == art.content_type, art.url_path
        assert ("charset=" in art.content_type) == ("header" in art.charset_declared), art.url_path
        body.decode(art.encoding)  # strict: the bytes are in the declared encoding
        checked.add(art.charset_declared)
    assert checked == {"header+meta", "header", "meta", "none"}


def test_sample_site_conditional_and_404(sample_site_url: str, sample_facts: SiteFacts) -> None:
    url = sample_site_url + sample_facts.articles[0].url_path
    _, headers, _ = fetch(url)
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    for dead in sample_facts.dead_links:
        assert fetch(sample_site_url + dead)[0] == 404, dead


def test_sample_sitemap_names_served_pages_under_the_real_base(sample_site_url: str, sample_facts: SiteFacts) -> None:
    _, _, robots = fetch(sample_site_url + "/robots.txt")
    assert f"Sitemap: {sample_site_url}/sitemap.xml" in robots.decode()
    _, headers, sitemap = fetch(sample_site_url + "/sitemap.xml")
    assert headers["Content-Type"].startswith("application/xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap.decode())
    originals = {a.url_path for a in sample_facts.articles if a.duplicate_of is None}
    assert {loc.removeprefix(sample_site_url) for loc in locs} == originals
    assert all(fetch(loc)[0] == 200 for loc in locs[:10])
