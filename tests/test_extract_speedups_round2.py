"""Second round of extractor fast paths: each gives exactly what the general code it shortcuts gives."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from extractors import agebands, claims, generic, html, numbers, regions
from extractors.cleaning import clean_text
from extractors.decoding import decode_html
from extractors.drafts import SentenceContext
from extractors.numbers import halfwidth
from extractors.records import Claim, Paragraph, new_claim, new_paragraph
from extractors.regions import lookup
from extractors.sentencescan import scan

# The general rule clean_text implements: zero-width characters out, whitespace runs collapsed, ends stripped.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def _reference_clean_text(text: str | None) -> str:
    return " ".join(_ZERO_WIDTH.sub("", text).split()) if text else ""


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "北京市每月划入100元。",
        " 前后有空格 ",
        "两个  空格",
        "a b c",
        "   ",
        "行\n尾",
        "\u3000\u3000首行缩进",
        "不间断\xa0空格",
        "零\u200b宽",
        "零 \u200b 宽",
        "\ufeff开头",
        "制表\t符",
    ],
)
def test_clean_text_matches_the_general_rule(text: str | None) -> None:
    assert clean_text(text) == _reference_clean_text(text)


@given(st.text(alphabet=st.sampled_from(list("北京 a1\n\t\xa0\u3000\u200b\u200c\u200d\u2060\ufeff\u2028\x85。")), max_size=30))
def test_clean_text_matches_the_general_rule_on_any_mix(text: str) -> None:
    assert clean_text(text) == _reference_clean_text(text)


@given(st.text(max_size=40))
def test_clean_text_matches_the_general_rule_on_any_text(text: str) -> None:
    assert clean_text(text) == _reference_clean_text(text)


@pytest.mark.parametrize(
    ("ordinal", "text", "section", "kind"),
    [(0, "北京市每月划入100元。", None, "p"), (7, "一、标准", "一、标准", "heading"), (3, "地区 | 金额", "表", "table_row")],
)
def test_new_paragraph_is_the_paragraph_the_dataclass_builds(ordinal: int, text: str, section: str | None,
                                                             kind: str) -> None:
    fast, built = new_paragraph(ordinal, text, section, kind), Paragraph(ordinal, text, section, kind)
    assert type(fast) is Paragraph
    assert fast == built and hash(fast) == hash(built) and repr(fast) == repr(built)
    assert pickle.dumps(fast, 5) == pickle.dumps(built, 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.text = "changed"  # type: ignore[misc]


# Pages whose bytes libxml2 may read as UTF-8 itself, and pages it must not (they go through the str).
UTF8_PAGES = {
    "plain": ("<html><head><meta charset='utf-8'><title>北京医保</title></head>"
              "<body><h1>北京医保</h1><p>北京市退休人员每月划入100元。</p><p>a&nbsp;b &amp; c\r\n d</p></body></html>"),
    "meta says gbk": ("<html><head><meta charset='gbk'><title>标题</title></head>"
                      "<body><h1>标题</h1><p>上海市退休人员每月划入120元，70岁以上130元。</p></body></html>"),
    "http-equiv gb2312": ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
                          "</head><body><p>广州市按本人缴费基数的2%划入。😀</p></body></html>"),
    "no head": "<div><p>深圳市退休人员每月划入200元。</p><!-- 注释 --><script>var p = '<p>';</script></div>",
}
# (a body the generic path finds: one paragraph of MIN_BODY_CHARS and more)
_LONG = "北京市退休人员的个人账户每月定额划入100元，70周岁及以上的退休人员每月划入110元，由医保部门按月拨付到账。"
NOT_UTF8_BYTES = {
    "xml declaration": f"<?xml version='1.0' encoding='utf-8'?><html><body><p>{_LONG}</p></body></html>",
    "byte order mark": f"\ufeff<html><body><p>{_LONG}</p></body></html>",
    "replacement": f"<html><body><p>{_LONG}\ufffd</p></body></html>",
}


def _tree(root: etree._Element) -> str:
    return etree.tostring(root.getroottree(), encoding="unicode")


@pytest.mark.parametrize("name", sorted(UTF8_PAGES))
def test_a_utf8_page_is_parsed_from_its_bytes_into_the_tree_its_text_gives(name: str) -> None:
    body = UTF8_PAGES[name].encode()
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert html._same_as_utf8(body, decoded, 0)
    parser = etree.HTMLParser(no_network=True)
    assert _tree(etree.fromstring(html._as_utf8(body), parser)) == _tree(etree.fromstring(decoded.text, parser))
    root, _ = html._parse(body, "http://s.example/a.html", "text/html; charset=utf-8")
    assert _tree(root) == _tree(etree.fromstring(decoded.text, parser))


@pytest.mark.parametrize("name", sorted(NOT_UTF8_BYTES))
def test_a_page_whose_text_is_not_its_clean_utf8_is_parsed_from_the_text(name: str) -> None:
    body = NOT_UTF8_BYTES[name].encode()
    decoded = decode_html(body, "text/html; charset=utf-8")
    text, declarations = html._XML_DECLARATION.subn("", decoded.text, count=1)
    assert not html._same_as_utf8(body, decoded, declarations)
    article = html.parse_html(body, "http://s.example/a.html", content_type="text/html; charset=utf-8")
    assert [p.text for p in article.paragraphs] == [text.split("<p>")[1].split("</p>")[0]]


def test_a_gbk_page_is_parsed_from_its_text() -> None:
    body = UTF8_PAGES["meta says gbk"].encode("gb18030")
    decoded = decode_html(body, None)
    assert decoded.encoding == "gb18030" and not html._same_as_utf8(body, decoded, 0)
    article = html.parse_html(body, "http://s.example/a.html")
    assert article.title == "标题" and article.paragraphs[0].text == "上海市退休人员每月划入120元，70岁以上130元。"


CLAIM_VALUES = {
    "region": "北京市", "region_code": "110000", "population": "retiree", "age_min": None, "age_max": 70,
    "method": "fixed", "monthly_yuan": 100.0, "amount_yuan": 100.0, "period": "month", "ratio_min": None,
    "ratio_max": None, "base": None, "approximate": False, "deduction_yuan": None,
    "evidence": "北京市70岁以下的退休人员每月划入100元。", "article_id": "a1", "paragraph_ordinal": 3,
}


def test_new_claim_takes_the_claim_fields_in_their_order() -> None:
    public = [name for name in inspect.signature(new_claim).parameters if not name.startswith("_")]
    assert public == [f.name for f in dataclasses.fields(Claim)]


@pytest.mark.parametrize(
    "extra", [{}, {"cluster_id": "c9", "evidence_more": ("又一句。",)}, {"method": "ratio", "ratio_min": 0.02}]
)
def test_new_claim_is_the_claim_the_dataclass_builds(extra: dict) -> None:
    values = {**CLAIM_VALUES, **extra}
    fast, built = new_claim(**values), Claim(**values)
    assert type(fast) is Claim
    assert fast == built and hash(fast) == hash(built) and repr(fast) == repr(built)
    assert pickle.dumps(fast, 5) == pickle.dumps(built, 5)
    assert dataclasses.replace(fast, age_max=80) == dataclasses.replace(built, age_max=80)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.region = "上海市"  # type: ignore[misc]


BEIJING = lookup("北京市")
SCANNED = [
    ("北京市70岁以下的退休人员每月划入100元，70岁及以上的每月划入110元。", (), None, False, None),
    ("70周岁以上的每月多划入10元。", (BEIJING,), None, True, (100.0, "month")),
    ("退休人员按本人养老金的2%划入个人账户。", (BEIJING,), "individual_pension", True, None),
    ("一般按2%左右划入。", (), None, False, None),
]


@pytest.mark.parametrize(("text", "fallback", "base", "credit", "prior"), SCANNED)
def test_scan_sentence_reads_what_scan_reads_with_that_context(text: str, fallback: tuple, base: str | None,
                                                               credit: bool, prior: tuple | None) -> None:
    context = SentenceContext(fallback=fallback, base=base, credit_context=credit, prior_amount=prior)
    expected = tuple(scan(text, context))
    assert claims._scan_sentence(text, fallback, base, credit, prior) == expected
    assert claims._scan_sentence(text, fallback, base, credit, prior) == expected  # remembered
    assert expected or text == "一般按2%左右划入。"


# Lines that open like a label, byline, navigation or comment line, and their neighbours.
_LINE_STARTS = [*generic.LABELS, *generic.META_WORDS, *generic.NAV_WORDS, "网友", "匿名用户", "热心网友", "游客", "用户12",
                "2026-03-08", "２０２６年3月8日", "北京市", "一、", "（二）"]
_LINE_ALPHABET = list(generic._OPEN_MARKS + generic._META_OPEN_MARKS + "】]：: \u3000\xa0１2｜|“”老李评论北京市每月")


@pytest.mark.parametrize("start", _LINE_STARTS)
@pytest.mark.parametrize("mark", ["", "【", "▶ ", "（", "  ", "\u3000"])
def test_is_suspect_agrees_with_the_line_start_regex(start: str, mark: str) -> None:
    for line in (f"{mark}{start}", f"{mark}{start}：2026-03-08", f"{mark}{start}】湖州…；衢州…", f"{mark}{start}（2）"):
        assert generic._is_suspect(line) is (generic._SUSPECT_START.match(line) is not None), line


@given(st.lists(st.sampled_from(_LINE_STARTS + _LINE_ALPHABET), max_size=6).map("".join))
def test_is_suspect_agrees_with_the_line_start_regex_on_any_line(line: str) -> None:
    assert generic._is_suspect(line) is (generic._SUSPECT_START.match(line) is not None)


def test_the_line_patterns_are_built_from_their_word_lists_as_they_were_written() -> None:
    assert generic.META_LINE.pattern == (r"^[（(【\[]?\s*(发布时间|发布日期|发表时间|发表于|更新时间|时间|日期|来源|作者|编辑"
                                         r"|责任编辑|浏览|阅读|点击|字号)\s*[:：]")
    assert generic.NAV_LINE.pattern == r"^(上一篇|下一篇|上一页|下一页|返回列表|返回首页|分享到|打印本页|关闭窗口)"
    assert generic.COMMENT_LINE.pattern == (r"^(网友|匿名用户|匿名网友|热心网友|游客|用户\d*)"
                                            r"\s*[“\"「]?[^：:，。“”]{0,16}[”\"」]?\s*[：:]")
    assert generic.LABEL_START.pattern.startswith(r"[【\[〖「『《<(（■□●◆◇▶►▪•·*#\s]*(?:相关推荐|")


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<div>\n<p>北京市每月划入100元。</p>\n<p>上海市每月划入120元。</p>\n</div>",
         [("p", "北京市每月划入100元。"), ("p", "上海市每月划入120元。")]),
        ("<div>\n <b>一、标准</b>\xa0<br>\n第一行<br/>\u3000第二行 <span></span>\n</div>",
         [("heading", "一、标准"), ("p", "第一行"), ("p", "第二行")]),
        ("<div> <strong>加粗</strong> <strong>标题</strong> <p>正文一段较长的文字，说明个人账户每月划入的标准。</p> 尾巴</div>",
         [("heading", "加粗 标题"), ("p", "正文一段较长的文字，说明个人账户每月划入的标准。"), ("p", "尾巴")]),
        ("<ul>\n<li>70岁以下：每月100元</li>\n<li> 70岁及以上：<b>每月110元</b> </li>\n</ul>",
         [("li", "70岁以下：每月100元"), ("li", "70岁及以上：每月110元")]),
        ("<div>\u200b<br>\n<img src='x.png'>\n<br></div>", []),
    ],
    ids=["block-children", "br-lines", "inline-then-block", "list", "nothing-but-space"],
)
def test_walk_turns_mixed_content_into_its_lines(markup: str, expected: list[tuple[str, str]]) -> None:
    root = etree.fromstring(f"<html><body>{markup}</body></html>", etree.HTMLParser()).find("body")[0]
    assert [(b.kind, b.text) for b in generic.walk(root)] == expected


_NAME_TEXTS = ["北京市实行定额划入，70岁以下的退休人员每月100元。甘肃省同样按定额划入。", "70岁以上海口市每月", "确保定额",
               "江苏省南京市、潍坊、日照两市", "内蒙古自治区呼和浩特市", "", "无地名的句子。", "上海上海市海口"]


@pytest.mark.parametrize("in_title", [False, True])
def test_name_pattern_searches_and_matches_as_the_one_regex_over_the_names(in_title: bool) -> None:
    index = regions._index()
    names = index.title_names if in_title else index.text_names
    fast, regex = (index.title_pattern if in_title else index.pattern), regions._alternation(names)
    texts = [*_NAME_TEXTS, *names, "".join(list(names)[:50])]
    for text in texts:
        for pos in range(len(text) + 1):
            for got, want in ((fast.search(text, pos), regex.search(text, pos)), (fast.match(text, pos), regex.match(text, pos))):
                assert (got and (got.group(), got.span())) == (want and (want.group(), want.span())), (text, pos)


@given(st.lists(st.sampled_from(["北京", "北京市", "上海", "海口市", "江苏省", "南京市", "大同", "每月", "以", "、", "70岁"]),
                max_size=8).map("".join))
def test_name_pattern_search_is_the_regex_search_on_any_mix(text: str) -> None:
    index = regions._index()
    regex = regions._alternation(index.text_names)
    for pos in range(len(text) + 1):
        got, want = index.pattern.search(text, pos), regex.search(text, pos)
        assert (got and (got.group(), got.span())) == (want and (want.group(), want.span()))


_VALUE_PIECES = ["70", "七十", "１００", "2.5", "百分之", "二点五", "%", "％", "~", "至", "-", "元", "块", "块钱", "￥", "¥", "万",
                 "岁", "周岁", "以上", "以下", "不满", "年满", "（含）", "每月", "按", "北京", " ", "，"]


@given(st.lists(st.sampled_from(_VALUE_PIECES), max_size=10).map("".join))
def test_a_text_without_an_age_unit_holds_no_age_phrase(text: str) -> None:
    text = halfwidth(text)
    if agebands.AGE_UNIT not in text:
        assert all(pattern.search(text) is None for pattern, _ in agebands._PATTERNS)
        assert agebands.find_age_bands(text) == []


@given(st.lists(st.sampled_from(_VALUE_PIECES), max_size=10).map("".join))
def test_a_text_without_a_unit_sign_or_percent_holds_no_amount_or_percentage(text: str) -> None:
    wide = halfwidth(text)
    if not any(mark in wide for mark in numbers.AMOUNT_MARKS):
        assert all(not (m.group("unit") or m.group("sign")) for m in numbers._AMOUNT.finditer(wide))
        assert numbers.find_amounts(text) == []
    if "%" not in wide and numbers.PERCENT_WORD not in wide:
        assert numbers._PERCENT.search(wide) is None
        assert numbers.find_percents(text) == []


@pytest.mark.parametrize(
    ("text", "bands", "amounts", "percents"),
    [
        ("70周岁以下每月100元，70周岁及以上每月110元", 2, 2, 0),
        ("按本人养老金的２％划入，80岁以上按百分之三", 1, 0, 2),
        ("每人每月￥１２０", 0, 1, 0),
        ("年满70周岁不满80周岁的", 1, 0, 0),
    ],
)
def test_values_are_still_found_where_their_marks_are(text: str, bands: int, amounts: int, percents: int) -> None:
    assert len(agebands.find_age_bands(text)) == bands
    assert len(numbers.find_amounts(text)) == amounts
    assert len(numbers.find_percents(text)) == percents


@pytest.mark.parametrize(
    ("row", "is_header"),
    [("地区 | 70岁以下 | 70岁及以上", True), ("北京市 | 100元 | 110元", False), ("序号 | 城市 | 每月划入（元）", True),
     ("1 | 上海市 | 120元", False), ("1 | 上海市 | 120", True)],  # (a bare number is a value only under its header)
)
def test_a_header_row_is_one_that_states_no_value(row: str, is_header: bool) -> None:
    read = scan(row, SentenceContext(fallback=(), credit_context=True))
    assert claims._states_no_value(row) is (not read)
    assert claims._is_header(Paragraph(0, row, None, "table_row")) is is_header
