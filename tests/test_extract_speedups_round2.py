"""Second round of extractor fast paths: each gives exactly what the general code it shortcuts gives."""

from __future__ import annotations

import dataclasses
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.cleaning import clean_text
from extractors.records import Paragraph, new_paragraph

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
