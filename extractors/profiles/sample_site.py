"""Profiles of the embedded sample site's three templates (data/sample_site, pipelines.sample_site).

The site is served on loopback ports and under aliases, so these profiles match by markup, not host.
Paths start with ``/descendant::x[…]``, not ``//x[…]``: the two select the same elements when the
predicate is not positional (has_class is not), but libxml2 reads ``//x[…]`` as "a child x of every
node" and evaluates it 2x slower.
"""

from __future__ import annotations

from extractors.profiles import Profile, has_class

DESKTOP = Profile(
    name="sample_site.desktop",
    # id() finds the element through libxml2's id table instead of a walk over every <div>
    signature=f"boolean(id('article-content')[self::div and {has_class('article-content')}])",
    body=f"/descendant::div[@id='article-content' and {has_class('article-content')}]",
    title=f"string(/descendant::h1[{has_class('article-title')}])",
    published=f"string(/descendant::div[{has_class('article-info')}]/descendant::span[{has_class('pubtime')}])",
    drop=(f"/descendant::div[@id='article-content']/descendant::div[{has_class('share')}]",),
)

# Old table layout: a <td id="zoom"> with <br>-separated text, title in <td class="biaoti">.
LEGACY = Profile(
    name="sample_site.legacy",
    signature=f"boolean(id('zoom')[self::td and {has_class('content')}])",
    body=f"/descendant::td[@id='zoom' and {has_class('content')}]",
    title=f"string(/descendant::td[{has_class('biaoti')}])",
    published=f"string(/descendant::td[{has_class('info')}])",
)

MOBILE = Profile(
    name="sample_site.mobile",
    signature=f"boolean(/descendant::article[{has_class('m-article')}]/section[{has_class('m-body')}])",
    body=f"/descendant::article[{has_class('m-article')}]/section[{has_class('m-body')}]",
    title=f"string(/descendant::article[{has_class('m-article')}]/descendant::h1[{has_class('m-title')}])",
    published=f"string(/descendant::article[{has_class('m-article')}]/descendant::time/@datetime)",
)

PROFILES = (DESKTOP, LEGACY, MOBILE)
