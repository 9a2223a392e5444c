"""Publication dates: the Chinese and ISO formats of 社保网-style pages, meta tags and <time>."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.dates import (
    SHANGHAI,
    date_from_url,
    labelled_date,
    parse_published_at,
    published_at_from_meta,
)


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发表于 2026-2-20 10:31:05", sh(2026, 2, 20, 10, 31, 5)),
        ("时间:2026-02-05 16:12来源:钱江社保网", sh(2026, 2, 5, 16, 12)),
        ("日期：2026-02-26\u3000来源：瓯江民生网", sh(2026, 2, 26)),
        ("更新时间：2026-01-09 发布日期：2025-12-01", sh(2025, 12, 1)),
        ("来源：社保网 2026-01-01", None),  # a date with no label is not a labelled date
        ("更新时间：2026-01-09", None),  # an update is not a publication
    ],
)
def test_labelled_date(text: str, expected: datetime | None) -> None:
    assert labelled_date(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://ybj.ningbo.example.gov.cn/art/2026/3/8/art_1229_55.html", sh(2026, 3, 8)),
        ("http://www.a.example.cn/a/20260226/77.html", sh(2026, 2, 26)),
        ("http://ybj.a.example.gov.cn/zwgk/202602/t20260210_301.html", sh(2026, 2, 10)),
        ("http://www.a.example.cn/yb/2025/1230/5521.html", sh(2025, 12, 30)),
        ("http://www.a.example.cn/a/12345678.html", None),  # an id whose digits are no date
        ("http://bbs.a.example.com/thread-88012-1-1.html", None),
    ],
)
def test_date_from_url(url: str, expected: datetime | None) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布时间：二〇二六年三月五日", datetime(2026, 3, 5, tzinfo=SHANGHAI)),
        ("二○二五年十二月三十一日", datetime(2025, 12, 31, tzinfo=SHANGHAI)),
        ("发布日期：二〇二六年一月二十日", datetime(2026, 1, 20, tzinfo=SHANGHAI)),
        ("二〇二六年十月十日", datetime(2026, 10, 10, tzinfo=SHANGHAI)),
        ("二〇二六年二月三十日", None),  # not a real date
    ],
)
def test_dates_in_chinese_numerals(text: str, expected: datetime | None) -> None:
    assert parse_published_at(text) == expected


def test_a_labelled_chinese_numeral_date_is_found_as_a_label() -> None:
    assert labelled_date("发布时间：二〇二六年三月五日") == datetime(2026, 3, 5, tzinfo=SHANGHAI)
