"""Plan each article of the site from (seed, index) alone: headline, date, layout, body blocks and expected claims.

Nothing here depends on other articles' bodies, so a site of 100k articles streams in constant memory.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from pipelines.sample_site import texts
from pipelines.sample_site.records import ExpectedClaim, RuleFact
from pipelines.sample_site.world import (
    ARTICLE_STATEMENTS,
    BOILERPLATE_STATEMENTS,
    CHENGDU_NEW,
    CHENGDU_OLD,
    SCALE_PLACES,
    TITLE_CITIES,
    TOKEN,
    Statement,
    Table,
    TemplateError,
    scale_statement,
    strip_tokens,
)

CST = timezone(timedelta(hours=8))
# The site's articles are spread evenly over this window, oldest first (index order = date order).
FIRST_DATE = datetime(2025, 1, 6, 8, 0, tzinfo=CST)
LAST_DATE = datetime(2026, 11, 16, 20, 0, tzinfo=CST)
FIRST_ID = 1000  # article ids are FIRST_ID + index
CATEGORIES: dict[str, str] = {"yibao": "医保政策", "tuixiu": "退休待遇", "wenda": "社保问答"}
CATEGORY_CYCLE = ("yibao", "tuixiu", "yibao", "wenda", "yibao")  # category of index i is CATEGORY_CYCLE[i % 5]
TEMPLATE_CYCLE = ("desktop", "desktop", "legacy", "mobile")  # layout of index i is TEMPLATE_CYCLE[i % 4]
BASE_ARTICLES = 48  # indices below this carry the hand-placed features (charsets, changed region, copies)
# Hand-placed charsets: index -> (encoding, where it is declared).
CHARSET_FEATURES = {6: ("gbk", "header"), 10: ("gbk", "meta"), 14: ("gb18030", "none")}
CHANGED_OLD, CHANGED_NEW = (9, 13), (37, 45)  # indices stating the old / new Chengdu amount
MOBILE_COPY_EVERY, MOBILE_COPY_AT = 24, 4  # index i with i % 24 == 4 also exists as a /m/ copy
REPOST_EVERY, REPOST_AT = 48, 20  # index i with i % 48 == 20 is reposted under /zhuanzai/
RECAP_EVERY, RECAP_AT = 6, 1  # articles that restate the Beijing rule a second time
HEADLINE_CACHE = 4096  # headlines are looked up by neighbours and listings; a bounded cache keeps memory flat
SENTENCE_END = re.compile(r"(?<=[。！？])")


@dataclass(frozen=True, slots=True)
class Headline:
    """What other pages need to link an article: id, title, date and URL."""

    index: int
    article_id: int
    title: str
    city: tuple[str, str, str]  # (as written, canonical, code)
    category: str
    template: str
    published: datetime  # at the precision the page shows
    date_style: str  # desktop_full | legacy_minute | legacy_slash | mobile_time | mobile_date
    url_path: str


@dataclass(frozen=True, slots=True)
class Block:
    """One body block as rendered: a paragraph, a heading or a table (header row first)."""

    kind: str  # "p" | "heading" | "table"
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    boilerplate_id: str | None = None


@dataclass(frozen=True, slots=True)
class ArticlePlan:
    """Everything needed to render an article page and state its facts."""

    head: Headline
    blocks: tuple[Block, ...]
    claims: tuple[ExpectedClaim, ...]
    encoding: str
    charset_declared: str  # header+meta | header | meta | none
    traps: tuple[tuple[str, str, str], ...]  # (location, region, text)
    comments: tuple[str, ...]


def _date_style(index: int, template: str) -> str:
    """How the page writes its date: varies by layout and index."""
    if template == "desktop":
        return "desktop_meta" if index % 8 == 0 else "desktop_full"
    if template == "legacy":
        return "legacy_minute" if index % 8 == 2 else "legacy_slash"
    return "mobile_time" if index % 8 == 3 else "mobile_date"


def _published(index: int, n_articles: int, rng: random.Random, style: str) -> datetime:
    """The publication time, cut to the precision the page shows."""
    step = (LAST_DATE - FIRST_DATE) / max(n_articles, 1)
    jitter = timedelta(seconds=rng.randint(0, max(int(step.total_seconds() * 0.6), 1)))
    moment = FIRST_DATE + step * index + jitter
    if style == "legacy_minute":
        return moment.replace(second=0, microsecond=0)
    if style in ("legacy_slash", "mobile_date"):
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(microsecond=0)


def url_path_for(article_id: int, category: str, template: str, when: datetime) -> str:
    """URL path of an article in its layout's scheme."""
    if template == "legacy":
        return f"/{category}/{when:%Y}/{when:%m%d}/{article_id}.html"
    prefix = "/m" if template == "mobile" else ""
    return f"{prefix}/{category}/{when:%Y%m}/{article_id}.html"


@lru_cache(maxsize=HEADLINE_CACHE)
def headline(index: int, n_articles: int, seed: int) -> Headline:
    """The linkable identity of article ``index``: cheap, deterministic, independent of other articles."""
    rng = random.Random(f"{seed}:{index}:head")
    city = rng.choice(TITLE_CITIES)
    template = TEMPLATE_CYCLE[index % len(TEMPLATE_CYCLE)]
    category = CATEGORY_CYCLE[index % len(CATEGORY_CYCLE)]
    style = _date_style(index, template)
    when = _published(index, n_articles, rng, style)
    title = rng.choice(texts.TITLES).format(c=city[0], y=when.year)
    article_id = FIRST_ID + index
    return Headline(index, article_id, title, city, category, template, when, style,
                    url_path_for(article_id, category, template, when))


def date_text(head: Headline) -> str:
    """The date as the page writes it."""
    when, style = head.published, head.date_style
    if style in ("desktop_full", "desktop_meta"):
        return f"{when:%Y-%m-%d %H:%M:%S}{texts.SITE_NAME}"
    if style == "legacy_minute":
        return f"发布时间：{when:%Y-%m-%d %H:%M}"
    if style == "legacy_slash":
        return f"日期：{when:%Y/%m/%d}"
    return f"{when:%Y年%m月%d日}"


# ----------------------------------------------------------------------------- body


def _boilerplate(bid: str, city: str) -> Block:
    """A repeated paragraph with the title city filled in."""
    kind, template = texts.BOILERPLATE[bid]
    return Block(kind, template.format(city=city), boilerplate_id=bid)


@dataclass(slots=True)
class _Body:
    """Blocks and claims accumulated while composing one article."""

    blocks: list[Block]
    stated: dict[RuleFact, tuple[list[str], list[str]]]  # fact -> (evidence, number texts)

    def add_statement(self, stmt: Statement, phrasing: str | Table, lead: str, bid: str | None) -> None:
        """Render a statement (with an optional lead-in sentence) and record the facts it states."""
        if isinstance(phrasing, Table):
            self._add_table(stmt, phrasing)
            return
        template = lead + phrasing
        self.blocks.append(Block("p", strip_tokens(template), boilerplate_id=bid))
        for sentence in SENTENCE_END.split(template):
            for match in TOKEN.finditer(sentence):
                self._state(stmt.facts[int(match.group(1))], strip_tokens(sentence), match.group(3))

    def _add_table(self, stmt: Statement, table: Table) -> None:
        """A heading, then the table; each row states one fact."""
        self.blocks.append(Block("heading", texts.TABLE_HEADING))
        rows = [table.header]
        for fact, row in zip(stmt.facts, table.rows, strict=True):
            rendered = tuple(strip_tokens(cell) for cell in row)
            rows.append(rendered)
            for match in TOKEN.finditer(" ".join(row)):
                self._state(fact, " | ".join(rendered), match.group(3))
        self.blocks.append(Block("table", rows=tuple(rows)))

    def _state(self, fact: RuleFact, evidence: str, number: str) -> None:
        """Record that ``evidence`` states ``fact`` with the number span ``number``."""
        for other in self.stated:
            if other.key == fact.key and other != fact and not (other.refines or fact.refines):
                raise TemplateError(f"one article states two values for {fact.key}: {other} / {fact}")
        found = self.stated.setdefault(fact, ([], []))
        if evidence not in found[0]:
            found[0].append(evidence)
        if number not in found[1]:
            found[1].append(number)

    def collides(self, stmt: Statement) -> bool:
        """True when a statement would give a second, different value for a key already stated."""
        return any(
            f.key == o.key and f != o and not (f.refines or o.refines) for f in stmt.facts for o in self.stated
        )


def _expected(fact: RuleFact, evidence: list[str], numbers: list[str]) -> ExpectedClaim:
    """The claim record of a stated fact."""
    return ExpectedClaim(
        fact.region, fact.region_code, fact.population, fact.age_min, fact.age_max, fact.method,
        fact.monthly_yuan, fact.amount_yuan, fact.period, fact.ratio_min, fact.ratio_max, fact.base,
        fact.approximate, fact.deduction_yuan, tuple(evidence), tuple(numbers),
    )


def _own_statements(index: int, rng: random.Random) -> list[Statement]:
    """The statements written for this article alone (besides the repeated ones)."""
    pool = list(ARTICLE_STATEMENTS)
    if index >= BASE_ARTICLES:
        place = rng.choice(SCALE_PLACES)
        pool.append(scale_statement(*place))
        chosen = [pool[-1]]
    else:
        chosen = []
    chosen += rng.sample(pool[: len(ARTICLE_STATEMENTS)], rng.choice((2, 2, 3)))
    if index in CHANGED_OLD:
        chosen.append(CHENGDU_OLD)
    if index in CHANGED_NEW:
        chosen.append(CHENGDU_NEW)
    return chosen


def _rules_section(body: _Body, index: int, city: str, rng: random.Random) -> None:
    """Heading, the repeated rule paragraphs, then this article's own rule paragraphs."""
    national, fixed, shenzhen = BOILERPLATE_STATEMENTS
    if rng.random() < 0.85:
        body.add_statement(national, national.phrasings[0], "", national.sid)
    body.blocks.append(_boilerplate("heading_rules", city))
    with_fixed = rng.random() < 0.8
    if with_fixed:
        body.add_statement(fixed, fixed.phrasings[0], "", fixed.sid)
    for stmt in _own_statements(index, rng):
        if body.collides(stmt):
            continue
        lead = rng.choice(texts.LEAD_INS).format(city=city)
        body.add_statement(stmt, rng.choice(stmt.phrasings), lead, None)
    if rng.random() < 0.7:
        body.add_statement(shenzhen, shenzhen.phrasings[0], "", shenzhen.sid)
    if rng.random() < 0.75:
        body.blocks.append(_boilerplate(rng.choice(texts.HYPOTHETICALS), city))
    for bid in rng.sample(texts.NUMBERLESS, rng.choice((1, 2))):
        body.blocks.append(_boilerplate(bid, city))
    if with_fixed and index % RECAP_EVERY == RECAP_AT:
        recap = texts.recap_statement()
        body.add_statement(recap, recap.phrasings[0], "", None)


def compose_body(index: int, head: Headline, seed: int) -> tuple[tuple[Block, ...], tuple[ExpectedClaim, ...]]:
    """The article body and the claims it states, in reading order."""
    rng = random.Random(f"{seed}:{index}:body")
    city = head.city[0]
    body = _Body([], {})
    body.blocks.append(_boilerplate(rng.choice(texts.INTROS), city))
    body.blocks.append(_boilerplate("heading_amount", city))
    body.blocks.append(_boilerplate("factors", city))
    body.blocks.extend(_boilerplate(bid, city) for bid in ("reform_a", "reform_b") if rng.random() < 0.7)
    _rules_section(body, index, city, rng)
    body.blocks.append(_boilerplate("heading_query", city))
    queries = ["query_online", "query_offline"] + (["query_phone"] if rng.random() < 0.5 else [])
    body.blocks.extend(_boilerplate(q, city) for q in queries)
    body.blocks.append(_boilerplate("heading_usage", city))
    body.blocks.extend(_boilerplate(bid, city) for bid in texts.USAGE if rng.random() < 0.8)
    body.blocks.append(_boilerplate("heading_faq", city))
    body.blocks.extend(_boilerplate(bid, city) for bid in rng.sample(texts.FAQ, rng.choice((3, 4, 5))))
    if rng.random() < 0.8:
        body.blocks.append(_boilerplate("heading_notes", city))
        body.blocks.extend(_boilerplate(bid, city) for bid in texts.NOTES)
    body.blocks.append(_boilerplate("tip", city))
    if rng.random() < 0.6:
        body.blocks.append(_boilerplate("scope", city))
    body.blocks.append(_boilerplate("summary", city))
    body.blocks.append(_boilerplate("disclaimer", city))
    claims = tuple(_expected(f, ev, nums) for f, (ev, nums) in body.stated.items())
    return tuple(body.blocks), claims


def charset_of(index: int, template: str) -> tuple[str, str]:
    """(encoding, where declared) of an article page."""
    if index in CHARSET_FEATURES:
        return CHARSET_FEATURES[index]
    if index >= BASE_ARTICLES and template == "legacy" and index % 16 == 10:
        return ("gbk", "meta")
    return ("utf-8", "header+meta")


def plan_article(index: int, n_articles: int, seed: int) -> ArticlePlan:
    """The full plan of article ``index``."""
    head = headline(index, n_articles, seed)
    blocks, claims = compose_body(index, head, seed)
    encoding, declared = charset_of(index, head.template)
    rng = random.Random(f"{seed}:{index}:chrome")
    traps = tuple(rng.sample(texts.TRAPS, 2))
    comments = tuple(rng.sample(texts.COMMENTS, len(texts.COMMENTS)))
    return ArticlePlan(head, blocks, claims, encoding, declared, traps, comments)
