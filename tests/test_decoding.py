"""Pages decode correctly whatever the charset and wherever it is declared."""

from __future__ import annotations

import pytest

from extractors.decoding import decode_html

TEXT = "北京市退休人员每月划入100元，医保个人账户"


@pytest.mark.parametrize(
    ("body", "content_type", "encoding"),
    [
        (TEXT.encode("utf-8"), "text/html; charset=utf-8", "utf-8"),
        (TEXT.encode("gbk"), "text/html; charset=gbk", "gb18030"),
        (TEXT.encode("gb18030"), "text/html; charset=GB18030", "gb18030"),
        (b'<meta charset="gbk">' + TEXT.encode("gbk"), "text/html", "gb18030"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' + TEXT.encode("gbk"), None, "gb18030"),
        (TEXT.encode("gbk"), None, "gb18030"),  # no charset anywhere
        (TEXT.encode("gbk"), "text/html; charset=utf-8", "gb18030"),  # header lies
        ("\ufeff".encode() + TEXT.encode("utf-8"), "text/html; charset=gbk", "utf-8"),  # BOM wins
    ],
)
def test_decodes_text_whatever_the_declaration(body: bytes, content_type: str | None, encoding: str) -> None:
    decoded = decode_html(body, content_type)
    assert TEXT in decoded.text
    assert decoded.encoding == encoding
    assert "\ufffd" not in decoded.text
