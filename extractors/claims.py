"""Credit-rule claims of an article: every sentence and table row read for the rules it states.

The place of a claim is the one its sentence or table row names; when a sentence names none,
the place of an earlier sentence of the paragraph, of the lead-in before a list or table, of the
paragraph just before (through placeless rule lines before it), or of the section heading. The
SEO city of the title is never lent by filler (以下情况供资阳的朋友参考, 资阳医保每月返多少？) —
only by a plain statement naming it as the subject (下表为青岛市退休人员的划入标准) (DESIGN.md
"Semantics"). A table row is read under its own header cells (stacked header rows merged, a value
spanning band columns is for every age, older year columns and rows skipped).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from extractors import claimrules as rules
from extractors.claimmerge import drafts_to_claims
from extractors.drafts import Draft, SentenceContext
from extractors.numbers import NUMBER, halfwidth, may_hold_value
from extractors.records import Article, Claim, Paragraph
from extractors.regions import NATIONAL, Region, find_regions, lookup, title_region
from extractors.sentences import Span, split_sentences
from extractors.sentencescan import CELL_SEPARATOR, scan

# A unit stated once for a whole table: 单位：元/月, （单位：元）, 划入标准（元/月）.
_TABLE_UNIT = re.compile(
    r"单位\s*[:：]?\s*(?P<unit>元(?:\s*/\s*(?:人\s*/?\s*)?[月年])?|%)"
    r"|[(（]\s*(?P<bracket>元\s*/\s*(?:人\s*/?\s*)?[月年])\s*[)）]"  # 各地划入标准（元/月）
)
# Header cells of label columns: the table's unit is not theirs (序号 | 地区 | 70岁以下: 1 is no 1元).
LABEL_HEADER = re.compile(
    r"^\s*(?:序号|编号|No\.?|地区|城市|地市|设区市|省份|省市|统筹区|统筹地区|年龄段?|年份|类别|项目"
    r"|人员类别|备注|说明)\s*$"
)
# Boilerplate headings and lead-ins repeat across articles: remember the places (and other readings
# that depend on the text alone) of this many texts.
PLACES_CACHE_SIZE = 8192
# Sentences read with the same context give the same drafts: remember this many readings.
SCAN_CACHE_SIZE = 16384
# Boilerplate paragraphs repeat across articles: remember the sentence split of this many texts.
SENTENCES_CACHE_SIZE = 8192
# Paragraph kinds that are read for claims; a heading that states a value (一、北京每月划入100元)
# is read like a sentence (a page parser may take a short bold rule line for a heading).
READ_KINDS = ("p", "li", "table_row", "heading")
# A table cell holding only a number (its unit is in the header: 每月划入（元）).
_BARE_NUMBER = re.compile(rf"^\s*(?:{NUMBER})\s*$")
# Filler around an injected title city: audience, comparison, questions (资阳医保每月返多少？,
# 以下情况供资阳的朋友参考): such a text never lends the title's city to a sentence without a place.
SEO_FILLER = re.compile(
    r"外地|其他地方|别的地方|对比|参考|网友|读者|朋友|大家|小编|本文|多少|吗|怎么|如何|哪些|什么|[?？]"
)
# Defence in depth for text the page parser should have left out: comments and recommendation
# blocks that slipped into a body (网友“老李头”：…, a section headed 热门问答 or 网友评论).
COMMENT_LINE = re.compile(r"^\s*(?:网友|评论|回复|楼主|游客|匿名用户)|网友[“\"「『]")
OUTSIDE_SECTION = re.compile(
    r"相关推荐|相关阅读|相关文章|推荐阅读|猜你喜欢|热门(?:问答|推荐|文章|阅读|资讯)|网友评论|评论区|留言"
)
# How many placeless rule lines in a row pass on the place before them (<br> lines of one list).
PLACE_CHAIN_MAX = 6
# A paragraph that speaks of "our city" (我市自…起调整…) is about the place named before it: it
# passes that place on, as a placeless rule line does (gov 政策解读: 《郑州市…办法》 / 我市… / 退休人员…).
SELF_PLACE = re.compile(r"[我本全][市省区县州]")
# A count of places standing for a list named just before (山西、陕西、青海三省… / 三省分别按2%、2%和2.5%):
# the sentence is about those places when the count matches the list.
COUNTED_PLACES = re.compile(r"([两二三四五六七八九])个?(?:省份|省区|省|城市|市|地区|地)")
_CHINESE_COUNTS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# Kinds whose last band-less amount a top-up in the next paragraph counts from (not table rows).
PROSE_KINDS = ("p", "li")
# Kinds that follow a lead-in paragraph whose place they may inherit (北京市的标准如下： + items).
LISTED_KINDS = ("li", "table_row")


# How a row is read to tell whether it is a header: with no place, as about crediting the account.
HEADER_CONTEXT = SentenceContext(fallback=(), credit_context=True)
# A band-less amount with its place: (places, (amount, period)).
Prior = tuple[tuple[Region, ...], tuple[float, str | None]]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A draft with the sentence it came from and where."""

    draft: Draft
    sentence: str
    ordinal: int


def extract_claims(article: Article) -> list[Claim]:
    """Every credit rule the article's body states, one claim per rule (repeats merged)."""
    return drafts_to_claims(list(iter_evidence(article)), article.article_id)


def _seo_region(article: Article) -> Region | None:
    """The city injected into the title: never a fallback place for a claim."""
    name = article.title_region or (title_region(article.title) if article.title else None)
    return lookup(name) if name else None


@lru_cache(maxsize=SCAN_CACHE_SIZE)
def _scan(text: str, ctx: SentenceContext) -> tuple[Draft, ...]:
    """``scan`` remembered: the same boilerplate sentence in 300 articles is read once.
    Drafts are not changed after a scan returns, so sharing them is safe."""
    return tuple(scan(text, ctx))


@lru_cache(maxsize=SCAN_CACHE_SIZE)
def _scan_sentence(text: str, fallback: tuple[Region, ...], base: str | None, credit: bool,
                   prior: tuple[float, str | None] | None) -> tuple[Draft, ...]:
    """``_scan`` of a sentence of prose, remembered by the parts of its context: a repeated sentence
    costs no SentenceContext (a frozen dataclass, hashed and compared in Python) until it is new."""
    return tuple(scan(text, SentenceContext(fallback=fallback, base=base, credit_context=credit, prior_amount=prior)))


@lru_cache(maxsize=SENTENCES_CACHE_SIZE)
def _sentences(text: str) -> tuple[Span, ...]:
    """``split_sentences`` remembered (Spans are immutable, so sharing them is safe)."""
    return tuple(split_sentences(text))


@lru_cache(maxsize=PLACES_CACHE_SIZE)
def _subjects(text: str) -> tuple[tuple[Region, ...], bool]:
    """Distinct places a text names as its subject (not 参照北京市的标准, 比厦门高), and whether the text is
    SEO filler; remembered by text alone: a boilerplate line under every SEO city is read once."""
    text = halfwidth(text)
    places = tuple(dict.fromkeys(
        m.region for m in find_regions(text) if rules.is_subject(text, m.start, m.end)
    ))
    return places, SEO_FILLER.search(text) is not None


def _places(text: str, seo: Region | None) -> tuple[Region, ...]:
    """Distinct places a text names as its subject; the title's city only where the text is no SEO
    filler around it (下表为青岛市退休人员的划入标准 lends 青岛; 以下情况供资阳的朋友参考 does not lend 资阳)."""
    seen, filler = _subjects(text)
    if not filler or seo is None or seo not in seen:
        return seen
    return tuple(r for r in seen if r != seo)


def _single_place(text: str, seo: Region | None) -> tuple[Region, ...] | None:
    """The one place a text names as a fallback; () when it names several (ambiguous), None when none."""
    places = _places(text, seo)
    if not places:
        return None
    return places if len(places) == 1 else ()


def _read_paragraph(
    paragraphs: Sequence[Paragraph],
    index: int,
    seo: Region | None,
    base: str | None,
    title_credit: bool,
    carried: Prior | None = None,
    home: tuple[Region, ...] = (),
) -> list[Evidence]:
    """Evidence from one paragraph: its sentences, or its cells when it is a table row. ``carried``
    is the band-less amount the paragraph before ended on (what a top-up here is counted from);
    ``home`` the place of a title that names its issuer (what 我市 means when the body names none)."""
    paragraph = paragraphs[index]
    if not may_hold_value(paragraph.text) or _outside_body(paragraphs, index):
        return []
    outer = _outer_fallback(paragraphs, index, seo) or _own_place(paragraphs, index, seo, home)
    credit = title_credit or _credit_around(paragraphs, index)
    if paragraph.kind == "table_row":
        return _read_row(paragraphs, index, outer, credit)
    if paragraph.kind == "li" and _is_older_year_row(paragraph, _table_run(paragraphs, index)):
        return []  # 2024年：每月80元 / 2025年：每月90元 / 2026年：每月100元 — a timeline's past items
    found: list[Evidence] = []
    fallback, prior = outer, carried
    listed = _places(paragraphs[index - 1].text, seo) if index and paragraphs[index - 1].kind == "p" else ()
    for sentence in _sentences(paragraph.text):
        drafts = _scan_sentence(
            sentence.text,
            _counted(sentence.text, listed, seo) or fallback,
            base,
            credit,
            prior[1] if prior and prior[0] == fallback else None,
        )
        found += [Evidence(d, sentence.text, paragraph.ordinal) for d in drafts]
        named = _single_place(sentence.text, seo)
        fallback = fallback if named is None else named
        listed = _places(sentence.text, seo) if named == () else listed
        prior = _prior_amount(drafts) or (prior if named is None else None)
        credit = credit or bool(rules.CREDIT.search(sentence.text))  # 问：…划入多少？答：100元。
    return found


def _counted(text: str, listed: tuple[Region, ...], seo: Region | None) -> tuple[Region, ...]:
    """The places of the list named before, when a sentence naming no place counts them (三省分别…)."""
    if len(listed) < 2 or _places(text, seo):
        return ()
    match = COUNTED_PLACES.search(text)
    return listed if match and _CHINESE_COUNTS[match.group(1)] == len(listed) else ()


def _prior_amount(drafts: Sequence[Draft]) -> Prior | None:
    """The last band-less amount of a sentence with its place: what a later sentence's top-up for a
    band (70周岁以上的每月多划入10元) is counted from."""
    for draft in reversed(drafts):
        if draft.kind == "amount" and draft.band is None and draft.regions:
            return draft.regions, (draft.low, draft.period)
    return None


def _outside_body(paragraphs: Sequence[Paragraph], index: int) -> bool:
    """A comment or a recommendation block that reached the body: never a source of claims."""
    paragraph = paragraphs[index]
    return _is_outside(paragraph.text, paragraph.section or _heading_before(paragraphs, index) or "")


@lru_cache(maxsize=PLACES_CACHE_SIZE)
def _is_outside(text: str, section: str) -> bool:
    """A comment line, or a line under a recommendation heading (remembered: boilerplate repeats)."""
    return bool(COMMENT_LINE.search(text) or OUTSIDE_SECTION.search(section))


def _credit_around(paragraphs: Sequence[Paragraph], index: int) -> bool:
    """True when the section heading or the lead-in of a list/table speaks of crediting the account."""
    paragraph = paragraphs[index]
    heading = paragraph.section or _heading_before(paragraphs, index) or ""
    lead = _lead_in(paragraphs, index) if paragraph.kind in LISTED_KINDS else None
    return bool(
        rules.CREDIT.search(heading) or (lead is not None and rules.CREDIT.search(lead.text))
    )


def _own_place(
    paragraphs: Sequence[Paragraph], index: int, seo: Region | None, home: tuple[Region, ...]
) -> tuple[Region, ...]:
    """The title's place when the body so far says 我市 / 本市 and names no place at all (a gov
    通知 titled 石家庄市医疗保障局关于…的通知: 现将我市…通知如下 / 一、… / 二、…)."""
    if not home:
        return ()
    upto = paragraphs[: index + 1]
    if any(_places(p.text, seo) for p in upto) or not any(SELF_PLACE.search(p.text) for p in upto):
        return ()
    return home


def _outer_fallback(
    paragraphs: Sequence[Paragraph], index: int, seo: Region | None
) -> tuple[Region, ...]:
    """The place around a paragraph: the lead-in of its list or table, else the paragraph just
    before it, else its section heading."""
    paragraph = paragraphs[index]
    if paragraph.kind in LISTED_KINDS:
        lead = _lead_in(paragraphs, index)
        if lead is not None and (places := _single_place(lead.text, seo)) is not None:
            return places
    elif (places := _previous_place(paragraphs, index, seo)) is not None:
        return places
    heading = paragraph.section or _heading_before(paragraphs, index)
    return (_single_place(heading, seo) or ()) if heading else ()


def _previous_place(
    paragraphs: Sequence[Paragraph], index: int, seo: Region | None
) -> tuple[Region, ...] | None:
    """The one place of the block just before a paragraph (a table's is its lead-in's), if any.
    A rule line before it that names no place lends the place it took itself (新疆…具体如下 /
    不满70周岁的…125元 / 年满70周岁的…145元: the third line is 新疆's too)."""
    for back in range(index - 1, max(-1, index - 1 - PLACE_CHAIN_MAX), -1):
        before = paragraphs[back]
        if before.kind == "heading":
            if _single_place(before.text, seo) is not None or not _topic_heading(before.text):
                return None
            continue  # 在职职工 / 退休人员 / 二、个人账户怎么计入: the section goes on about the same place
        if before.kind == "table_row":
            lead = _lead_in(paragraphs, back)
            return _single_place(lead.text, seo) if lead is not None else None
        places = _single_place(before.text, seo)
        if places is None and _speaks_nationally(before.text):
            return (NATIONAL,)  # 记者从国家医保局获悉… / 退休人员…平均水平的2%左右: the national rule
        if places is not None or not (_is_rule_line(before) or SELF_PLACE.search(before.text)):
            return places
    return None


@lru_cache(maxsize=PLACES_CACHE_SIZE)
def _speaks_nationally(text: str) -> bool:
    """A paragraph about the whole country (国家医保局, 全国) rather than some or other places."""
    return bool(rules.NATIONAL_STRONG.search(text)) and not (
        rules.OTHER_PLACES.search(text) or rules.SOME_PLACES.search(text)
    )


@lru_cache(maxsize=PLACES_CACHE_SIZE)
def _topic_heading(text: str) -> bool:
    """A heading naming no place and no general scope (其他地区, 全国, 温馨提示…): a topic or population
    section of the page, which keeps the place the page spoke of before it."""
    general = (rules.OTHER_PLACES, rules.SOME_PLACES, rules.NATIONAL_STRONG, rules.NATIONAL_WEAK, OUTSIDE_SECTION)
    return not any(p.search(text) for p in general)


def _is_rule_line(paragraph: Paragraph) -> bool:
    """A paragraph that states a credited value and may have taken its place from before — not a
    general statement (其他地区一般按2%划入, 全国…), which is about no place before it."""
    return _states_rule(paragraph.text)


@lru_cache(maxsize=PLACES_CACHE_SIZE)
def _states_rule(text: str) -> bool:
    """``_is_rule_line`` of a paragraph's text (remembered: the lines before each value are asked again)."""
    if not may_hold_value(text) or not rules.CREDIT.search(text):
        return False
    general = (rules.OTHER_PLACES, rules.SOME_PLACES, rules.NATIONAL_STRONG, rules.NATIONAL_WEAK)
    return not any(p.search(text) for p in general)


def _lead_in(paragraphs: Sequence[Paragraph], index: int) -> Paragraph | None:
    """The paragraph just before the run of list items or table rows that holds ``index``."""
    kind = paragraphs[index].kind
    while index > 0 and paragraphs[index - 1].kind == kind:
        index -= 1
    return paragraphs[index - 1] if index > 0 else None


def _heading_before(paragraphs: Sequence[Paragraph], index: int) -> str | None:
    """Text of the nearest heading paragraph above ``index`` (when sections are not filled in)."""
    for paragraph in reversed(paragraphs[:index]):
        if paragraph.kind == "heading":
            return paragraph.text
    return None


def _table_run(paragraphs: Sequence[Paragraph], index: int) -> list[Paragraph]:
    """The consecutive table rows (or list items) that hold ``index``."""
    kind = paragraphs[index].kind
    start = index
    while start > 0 and paragraphs[start - 1].kind == kind:
        start -= 1
    end = index
    while end + 1 < len(paragraphs) and paragraphs[end + 1].kind == kind:
        end += 1
    return list(paragraphs[start : end + 1])


def _is_header(row: Paragraph) -> bool:
    """A header row states no value (地区 | 年龄段 | 每月划入)."""
    return _states_no_value(row.text)


@lru_cache(maxsize=SCAN_CACHE_SIZE)
def _states_no_value(text: str) -> bool:
    """``_is_header`` of a row's text, remembered by the text alone: each row of a table asks it of
    the rows above it, and a SentenceContext to look the scan up by costs more than this lookup."""
    return not _scan(text, HEADER_CONTEXT)


def _header_rows(run: list[Paragraph]) -> list[Paragraph]:
    """The leading rows of a table that state no value: one header row, or more under a colspan
    group (每月划入标准（元） over 70周岁以下 | 70周岁及以上), whose row is the shorter one or
    repeats the group's cell."""
    heads: list[Paragraph] = []
    for row in run:
        if not _is_header(row) or (heads and not _is_group_row(heads[-1], row)):
            break
        heads.append(row)
    return heads


def _is_group_row(upper: Paragraph, lower: Paragraph) -> bool:
    """True when ``upper`` groups the columns of ``lower`` (fewer cells, or a cell repeated)."""
    cells = _cells(upper.text)
    repeated = any(a == b and a for a, b in zip(cells, cells[1:], strict=False))
    return repeated or len(cells) < len(_cells(lower.text))


def _merged_header(heads: list[Paragraph]) -> tuple[str, ...]:
    """One header cell per column from several header rows: a shorter row's last cell spans the
    columns left (设区市 | 每月划入标准（元） over 设区市 | 70周岁以下 | 70周岁及以上)."""
    rows = [_cells(h.text) for h in heads]
    width = max((len(r) for r in rows), default=0)
    columns: list[dict[str, None]] = [{} for _ in range(width)]
    for cells in rows:
        for column, text in enumerate(_spread(cells, width)):
            columns[column][text] = None
    return tuple(" ".join(filter(None, texts)) for texts in columns)


def _spread(cells: tuple[str, ...], width: int) -> tuple[str, ...]:
    """Cells of a row short of ``width`` with the last one repeated over the columns left."""
    if not cells or len(cells) >= width:
        return cells
    return cells + (cells[-1],) * (width - len(cells))


def _aligned(text: str, header: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """A data row and the header cell of each of its cells. A row short of the header (a colspan
    value cell, or an empty cell the page parser dropped) has its last cell under all the columns
    left; the same value repeated in neighbouring cells is one cell over their columns; values
    under a year older than the header's latest (2025年 | 2026年) are blanked: today's rule only."""
    if not header:
        return text, header
    cells = list(_cells(text))
    if len(cells) < len(header):
        header = (*header[: len(cells) - 1], " ".join(header[len(cells) - 1 :]))
    heads = list(header)
    for column in range(min(len(cells), len(heads)) - 1, 0, -1):
        if cells[column] == cells[column - 1] and may_hold_value(cells[column]):
            del cells[column]  # 每月130元 | 每月130元: one value over two columns
            heads[column - 1] = f"{heads[column - 1]} {heads.pop(column)}"
    return CELL_SEPARATOR.join(_without_old_years(cells, heads)), tuple(heads)


def _is_older_year_row(row: Paragraph, run: list[Paragraph]) -> bool:
    """A row labelled with a year older than another row's about the same places (2025年 | 100
    under 2026年 | 110): the table's history, not today's rule. Rows about other places (发布时间 |
    地区 | 标准) all stand."""
    places = _row_places(row.text)
    if _is_old_label(row):  # 调整前 | 90 | 85 under 城市 | 洛阳市 | 新乡市, beside 调整后 | 100 | 95
        return any(
            r is not row and not _is_old_label(r) and may_hold_value(r.text) and _row_places(r.text) == places
            for r in run
        )
    year = _label_year(row)
    if year is None:
        return False
    return any((_label_year(r) or 0) > year and _row_places(r.text) == places for r in run)


def _is_old_label(row: Paragraph) -> bool:
    """A row whose first cell names the earlier state (调整前, 原标准)."""
    return bool(rules.OLD_LABEL.search(_cells(row.text)[0]))


@lru_cache(maxsize=PLACES_CACHE_SIZE)
def _row_places(text: str) -> frozenset[Region]:
    """The places a table row names."""
    return frozenset(m.region for m in find_regions(halfwidth(text)))


def _label_year(row: Paragraph) -> int | None:
    """The year a table row's first cell names (2026年, 2026年1月起), if any."""
    match = rules.YEAR.search(_cells(row.text)[0])
    return int(match.group(1)) if match else None


def _without_old_years(cells: list[str], heads: list[str]) -> list[str]:
    """Cells under a header year older than the latest year the header names are blanked, and
    cells under an earlier state's header (调整前, 原标准) when another value column is today's."""
    years = [max(map(int, rules.YEAR.findall(h)), default=0) for h in heads]
    latest = max(years, default=0)
    old = [bool(rules.OLD_LABEL.search(h)) for h in heads]
    has_new = not all(old[1:])
    return [
        "" if column < len(heads) and (0 < years[column] < latest or (old[column] and has_new)) else cell
        for column, cell in enumerate(cells)
    ]


def _read_row(
    paragraphs: Sequence[Paragraph], index: int, outer: tuple[Region, ...], credit: bool
) -> list[Evidence]:
    """Evidence from one table row, read with its table's header cells as context."""
    row = paragraphs[index]
    run = _table_run(paragraphs, index)
    heads = _header_rows(run)
    if any(h is row for h in heads) or _is_older_year_row(row, run):
        return []
    credit = credit or any(rules.CREDIT.search(h.text) for h in heads)
    header = _with_table_unit(_merged_header(heads), _table_unit(paragraphs, index, row))
    text, header = _aligned(row.text, header)
    ctx = SentenceContext(fallback=outer, header=header, credit_context=credit)
    return [Evidence(d, row.text, row.ordinal) for d in _scan(_with_units(text, header), ctx)]


def _table_unit(paragraphs: Sequence[Paragraph], index: int, row: Paragraph) -> str:
    """The unit a table states once for all its cells (单位：元/月) in its lead-in or heading, or ""."""
    lead = _lead_in(paragraphs, index)
    around = " ".join(filter(None, (lead.text if lead else None, row.section)))
    match = _TABLE_UNIT.search(halfwidth(around))
    return (match.group("unit") or match.group("bracket")) if match else ""


def _with_table_unit(header: tuple[str, ...], unit: str) -> tuple[str, ...]:
    """Header cells that name no unit take the table's (70岁以下 + 元/月)."""
    if not unit or not header:
        return header
    return tuple(
        cell if _unit_of(cell) or LABEL_HEADER.match(cell) else f"{cell}（{unit}）"
        for cell in header
    )


def _cells(text: str) -> tuple[str, ...]:
    """Cells of a table row (joined by " | " upstream)."""
    return tuple(cell.strip() for cell in text.split(CELL_SEPARATOR.strip()))


def _with_units(text: str, header: tuple[str, ...]) -> str:
    """Bare numbers under a header that gives the unit (金额（元）, 比例（%）) get the unit appended."""
    cells = _cells(text)
    out = []
    for column, cell in enumerate(cells):
        unit = _unit_of(header[column]) if column < len(header) else None
        out.append(cell + unit if unit and _BARE_NUMBER.match(halfwidth(cell)) else cell)
    return CELL_SEPARATOR.join(out)


def _unit_of(header_cell: str) -> str | None:
    """ "元" or "%" when a header cell names the unit of its column."""
    if "元" in header_cell:
        return "元"
    return "%" if "%" in halfwidth(header_cell) else None


def iter_evidence(article: Article) -> Iterator[Evidence]:
    """Every value read from the article, in order, before repeats are merged."""
    seo = _seo_region(article)
    # A title about the monthly credit (每月打入多少) makes every body value a candidate; guards still apply.
    title_credit = bool(article.title and rules.CREDIT.search(article.title))
    # The place of a title that is no SEO filler around a city (石家庄市医疗保障局关于…的通知).
    home = (_single_place(article.title, seo) or ()) if article.title else ()
    section, base, carried = None, None, None
    for index, paragraph in enumerate(article.paragraphs):
        if paragraph.section != section:  # a new section forgets the base the last one declared
            section, base = paragraph.section, None
        base = rules.base_statement(paragraph.text) or base
        if paragraph.kind not in READ_KINDS:
            carried = None
            continue
        found = (_read_paragraph(article.paragraphs, index, seo, base, title_credit, carried, home)
                 if may_hold_value(paragraph.text) else [])  # most paragraphs: no call at all
        yield from found
        # 鞍山…每月划入105元。 / 70周岁以上的…在此基础上每月再多划入10元。: a top-up in the next
        # prose paragraph counts from the amount this one ended on
        carried = _prior_amount([e.draft for e in found]) if found and paragraph.kind in PROSE_KINDS else None
