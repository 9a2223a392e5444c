"""Plain-text articles in the seed format: title and date lines, headings as sections, footer left out."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from extractors.text import TextFormatError, parse_text

ARTICLE = """九江退休人员医保每月划入多少

2026-02-03 10:20:00社保网

小编整理了各地的划入办法。

一、各地划入标准

北京市退休人员每月定额划入100元。

二、怎么查询

打开医保App就能查到。

社保网声明：内容来自网络，仅供参考。
成都医保怎么查(2026-02-02) 2026-02-02 10:00医保知识 西安医保转移(02/02) 2026-02-02 09:00医保知识
"""


def test_title_date_site_and_body() -> None:
    article = parse_text(ARTICLE, "a.txt")
    assert article.title == "九江退休人员医保每月划入多少"
    assert article.title_region == "九江市"
    assert article.published_at == datetime(2026, 2, 3, 10, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert article.site == "社保网"
    assert article.extractor == "text"
    assert [p.ordinal for p in article.paragraphs] == list(range(len(article.paragraphs)))


def test_headings_become_sections() -> None:
    paragraphs = parse_text(ARTICLE, "a.txt").paragraphs
    rule = next(p for p in paragraphs if p.text.startswith("北京市"))
    assert (rule.kind, rule.section) == ("p", "一、各地划入标准")
    assert [p.text for p in paragraphs if p.kind == "heading"] == [
        "一、各地划入标准",
        "二、怎么查询",
    ]


def test_footer_and_related_list_are_not_body() -> None:
    texts = [p.text for p in parse_text(ARTICLE, "a.txt").paragraphs]
    assert not any("声明" in t or "医保知识" in t for t in texts)
    assert texts[-1] == "打开医保App就能查到。"


def test_without_a_date_line_every_line_is_body() -> None:
    article = parse_text("第一行就是正文，没有标题。\n西安市退休人员每月定额划入130元。\n", "b.txt")
    assert (article.title, article.published_at) == (None, None)
    assert len(article.paragraphs) == 2


@pytest.mark.parametrize("text", ["", "\n  \n", "标题\n2026-02-03 10:20:00社保网\n"])
def test_no_article_is_an_error_naming_the_source(text: str) -> None:
    with pytest.raises(TextFormatError, match="c.txt"):
        parse_text(text, "c.txt")


def test_rows_written_with_bars_are_table_rows() -> None:
    article = parse_text(
        "标题\n2026-01-08 14:00社保网\n地区 | 每月划入（元）\n南昌市 | 100\n", "d.txt"
    )
    assert [p.kind for p in article.paragraphs] == ["table_row", "table_row"]
