"""Publication dates: the Chinese and ISO formats of 社保网-style pages, meta tags and <time>."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.dates import SHANGHAI, parse_published_at, published_at_from_meta


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-06-05 21:37:12社保网", sh(2025, 6, 5, 21, 37, 12)),
        ("发布时间：2026-02-03 10:20", sh(2026, 2, 3, 10, 20)),
        ("2025/11/18", sh(2025, 11, 18)),
        ("2026年08月21日", sh(2026, 8, 21)),
        ("2024年03月05日", sh(2024, 3, 5)),  # dateutil turns this into the current year
        ("2026年8月1日 09:30", sh(2026, 8, 1, 9, 30)),
        ("2025.12.09 07:59:51", sh(2025, 12, 9, 7, 59, 51)),
        ("２０２５年１２月９日", sh(2025, 12, 9)),
        ("2026-02-03T10:20:00+08:00", sh(2026, 2, 3, 10, 20)),
        ("2026-02-03T02:20:00Z", datetime(2026, 2, 3, 2, 20, tzinfo=UTC)),
        ("2026-02-03T10:20:00-0500", datetime(2026, 2, 3, 10, 20, tzinfo=timezone(timedelta(hours=-5)))),
        ("更新时间 2026-01-09 发布时间：2025-12-01 08:00", sh(2025, 12, 1, 8, 0)),
        ("来源：社保网 2025-13-40 2025-12-31", sh(2025, 12, 31)),
    ],
)
def test_formats(text: str, expected: datetime) -> None:
    value = parse_published_at(text)
    assert value == expected
    assert value is not None and value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["", "电话 12333", "2025-13-45", "版权所有 1990-", "第12345678号", "12/11"])
def test_no_date(text: str) -> None:
    assert parse_published_at(text) is None


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="article:published_time" content="2026-08-21T09:30:00+08:00">', sh(2026, 8, 21, 9, 30)),
        ('<meta name="PubDate" content="2026-03-05 08:00:00">', sh(2026, 3, 5, 8, 0)),
        ('<meta name="publishdate" content="2025/11/18">', sh(2025, 11, 18)),
        ('<meta itemprop="datePublished" content="2025-01-02">', sh(2025, 1, 2)),
    ],
)
def test_meta_tags(head: str, expected: datetime) -> None:
    root = lxml.html.document_fromstring(f"<html><head>{head}</head><body><p>x</p></body></html>")
    assert published_at_from_meta(root) == expected


def test_time_element() -> None:
    root = lxml.html.document_fromstring('<p><time datetime="2026-02-03T10:20">二月三日</time></p>')
    assert published_at_from_meta(root) == sh(2026, 2, 3, 10, 20)


@given(st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2099, 12, 31)).map(lambda d: d.replace(microsecond=0)),
       st.sampled_from(["%Y-%m-%d %H:%M:%S社保网", "发布时间：%Y/%m/%d %H:%M:%S", "%Y年%m月%d日 %H:%M:%S", "%Y-%m-%dT%H:%M:%S+08:00"]))
def test_round_trip(value: datetime, fmt: str) -> None:
    assert parse_published_at(value.strftime(fmt)) == value.replace(tzinfo=SHANGHAI)
