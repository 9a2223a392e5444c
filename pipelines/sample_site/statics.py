"""Static assets of the sample site (stylesheet, script, images): linked from every page, never articles."""

from __future__ import annotations

import base64
from collections.abc import Iterator

from pipelines.sample_site.chrome import INLINE_STYLE
from pipelines.sample_site.records import SitePage
from pipelines.serve import default_content_type

# A 1x1 transparent PNG: a real image file, so asset links resolve.
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
APP_JS = "document.addEventListener('DOMContentLoaded',function(){var h=document.getElementById('hits');if(h){h.textContent='1024';}});\n"


def static_pages() -> Iterator[SitePage]:
    """The asset files every page links."""
    files = {
        "/static/css/main.css": INLINE_STYLE.encode("utf-8") + b"\n",
        "/static/js/app.js": APP_JS.encode("utf-8"),
        "/static/img/logo.png": PIXEL_PNG,
        "/static/img/qrcode.png": PIXEL_PNG,
    }
    for path, body in files.items():
        yield SitePage(path, body, default_content_type(path), "other")
