"""Paragraph normalisation for dedup: width, whitespace, punctuation, template masking and value signatures.

Three views of one paragraph:

- ``normalise(text)``: NFKC (full width → half width), no whitespace between CJK characters, one
  punctuation mark per kind (Chinese and Western marks alike), thousands separators dropped.
  ``norm_hash`` hashes it: two paragraphs with the same ``norm_hash`` say the same thing verbatim.
- ``mask_template(text, places)``: the normalised text with the injected place names, the dates
  and the numbers replaced by placeholders, so that an SEO template filled in for 资阳 and for 福州
  reads the same. Only this view is shingled for near-duplicate matching.
- ``value_signature(text, places)``: what masking threw away and a reader must not lose — the
  amounts, percentages and ages as written (normalised), with the places named beside them. Two
  paragraphs stating different values never share a signature, hence never a cluster.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from extractors.regions import find_regions, lookup

# Placeholders from Unicode's private-use area: one character each, so a masked span is one
# shingle position and can never collide with text a page really contains.
PLACE_MARK = "\ue000"
NUMBER_MARK = "\ue001"
DATE_MARK = "\ue002"

# Punctuation that NFKC leaves in its Chinese form, mapped to one Western mark per kind, so
# "，" / "," / "、" and "。" / "." / "！" differences do not split a cluster.
PUNCT_MAP = str.maketrans(
    {
        "、": ",", "，": ",", "；": ";", "：": ":", "。": ".", "！": ".", "？": ".", "!": ".", "?": ".",
        "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"',
        "《": '"', "》": '"', "〈": '"', "〉": '"', "【": "(", "】": ")", "〔": "(", "〕": ")",
        "—": "~", "–": "~", "～": "~", "〜": "~", "―": "~", "…": ".", "·": ".", "•": ".",
    }
)
# Characters `normalise` folds before NFKC, to what NFKC then PUNCT_MAP make of each: the
# full-width forms of ASCII (U+FF01-FF5E), the ideographic space and PUNCT_MAP's own keys. Chinese
# text is rarely NFKC-normalised only because of its full-width punctuation; once that is folded,
# the quick check passes and the slow full normalisation is skipped.
FOLDED = {char: unicodedata.normalize("NFKC", char).translate(PUNCT_MAP)
          for char in [*map(chr, range(0xFF01, 0xFF5F)), "\u3000", *map(chr, PUNCT_MAP)]}
FOLDABLE = re.compile("[" + re.escape("".join(FOLDED)) + "]")
# A run of repeated marks ("。。", "……", "~~") reads the same as one.
REPEATED_PUNCT = re.compile(r"([,.;:~'\"()])\1+")
# Whitespace is meaningless between CJK characters and around punctuation; elsewhere one space.
WHITESPACE = re.compile(r"\s+")
CJK_OR_PUNCT = r"[\u3000-\u9fff\uf900-\ufaff,.;:~'\"()%]"
SPACE_NEAR_CJK = re.compile(rf"(?<={CJK_OR_PUNCT}) | (?={CJK_OR_PUNCT})")
# 1,800元 and 1800元 are one amount: drop a comma between a digit and exactly three digits.
THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")

# A list marker at the start of a paragraph ("二、", "3.", "(1)"): "二、线下查询方法" in one article is
# "三、线下查询方法" in the next, so templates drop it (bare list numbers are no value either).
ENUMERATOR = re.compile(r"^\(?(?:[一二三四五六七八九十]{1,3}|\d{1,2})[).,:]\s?(?!\d)")
# Dates and times, masked in templates and kept out of value signatures: a templated intro
# stamped "2026年" is the same boilerplate as the one stamped "2025年".
DATE = re.compile(
    r"\d{4}(?:年\d{1,2}月(?:\d{1,2}[日号])?|[-/.]\d{1,2}[-/.]\d{1,2}|年)"
    r"|\d{1,2}月\d{1,2}[日号]"
    r"|\d{1,2}:\d{2}(?::\d{2})?"
)
# Chinese numerals that state a value: 百分之二点五, 一百二十元, 七十周岁 (a bare 一 in 统一 is no value).
CN_DIGITS = "零〇一二两三四五六七八九十百千万点"
CN_VALUE = re.compile(rf"百分之[{CN_DIGITS}]+|[{CN_DIGITS}]+(?:元|块|倍|周岁|岁|%)")
# Arabic numbers, masked in templates whatever follows them.
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:%|元|块|倍|周岁|岁)?")
# The numbers that state a value carry a unit (2.2%, 100元, 1680元/年, 70周岁, 1.5倍); a bare
# number is list numbering ("2、年龄影响因素") and would split a boilerplate heading by position.
VALUE_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:%|元(?:/[年月])?|块|倍|周岁|岁)")
# Words that give an amount its period: 每月100元 and 每年100元 are different values.
PERIOD_WORD = re.compile(r"每月|每年|按月|按年|月均|年均")
# Candidates for county-level places, which the region table finds by full name only (宁安市, 海城市);
# a candidate counts only when `extractors.regions.lookup` knows its tail ("区" is left out: 地区,
# 社区 and 城区 are everywhere in these texts).
SUFFIXED_PLACE = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:自治区|自治州|省|市|县)")
# Words the fallback pattern would take for places: "城市", "全省", "各市" name no place.
NOT_PLACES = ("城市", "都市", "超市", "上市", "该市", "本市", "全市", "各市", "全省", "本省", "各省", "该省", "外省", "全县", "本县", "各县")
# Administrative suffixes stripped to get the short form pages use ("资阳市" is written "资阳").
PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "省", "市", "区", "县", "州", "盟", "旗")
# Bytes of a text key (16 hex digits): collisions stay negligible at billions of paragraphs.
KEY_BYTES = 8
# Constants of the n-gram hash (any odd 64-bit numbers; fixed because saved signatures depend on them).
SHINGLE_SEED = np.uint64(0x9E3779B97F4A7C15)
SHINGLE_PRIME = np.uint64(0x100000001B3)
SHINGLE_MIX = np.uint64(0xBF58476D1CE4E5B9)
# Distinct place lists whose variants are kept: one per title city is plenty.
PLACE_CACHE_SIZE = 4096
# Paragraph views kept in memory: boilerplate repeats across thousands of articles and is worked out once.
PARAGRAPH_CACHE_SIZE = 1 << 16
# Short forms shorter than this are not masked alone: a one-character stem matches everywhere.
MIN_SHORT_PLACE = 2


def normalise(text: str) -> str:
    """Width-, whitespace- and punctuation-normalised text; the basis of `norm_hash` and masking.

    Equals NFKC, then PUNCT_MAP, then lower case (`test_normalise` checks it against that
    reference), computed as: fold FOLDED characters, and run NFKC only when the result is not
    NFKC already."""
    out = FOLDABLE.sub(_fold, text)
    if not unicodedata.is_normalized("NFKC", out):
        out = unicodedata.normalize("NFKC", out).translate(PUNCT_MAP)
    out = WHITESPACE.sub(" ", out.lower()).strip()
    out = SPACE_NEAR_CJK.sub("", out)
    out = THOUSANDS_COMMA.sub("", out)
    return REPEATED_PUNCT.sub(r"\1", out)


def _fold(match: re.Match[str]) -> str:
    return FOLDED[match.group()]


def norm_hash(text: str) -> str:
    """Stable hash of the normalised (unmasked) text: equal for verbatim copies."""
    return hash_normalised(normalise(text))


@functools.lru_cache(maxsize=PLACE_CACHE_SIZE)
def place_variants(places: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(written form, canonical name) for each place and its short form (资阳市 → 资阳市, 资阳), longest first."""
    found: dict[str, str] = {}
    for place in places:
        name = normalise(place)
        if not name:
            continue
        found.setdefault(name, name)
        for suffix in PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= MIN_SHORT_PLACE:
                found.setdefault(name[: -len(suffix)], name)
                break
    return tuple(sorted(found.items(), key=lambda item: (-len(item[0]), item[0])))


@functools.lru_cache(maxsize=PLACE_CACHE_SIZE)
def _place_pattern(places: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    variants = place_variants(places)
    if not variants:
        return None, {}
    return re.compile("|".join(re.escape(written) for written, _ in variants)), dict(variants)


def find_places(normalised: str, places: Sequence[str] = ()) -> list[tuple[int, int, str]]:
    """Spans (start, end, canonical name) of the places a text names, not overlapping.

    In order: the given places (the article's title city, long and short form); provinces and
    prefectures from the region table (`extractors.regions.find_regions`); suffixed names the
    table knows by full name (counties such as 宁安市).
    """
    pattern, canonical = _place_pattern(tuple(places))
    spans = [(m.start(), m.end(), canonical[m.group()]) for m in pattern.finditer(normalised)] if pattern else []
    for mention in find_regions(normalised):
        _add_span(spans, mention.start, mention.end, mention.region.name)
    for match in SUFFIXED_PLACE.finditer(normalised):
        region = _suffixed_region(match.group())
        if region is not None:
            _add_span(spans, match.end() - len(region[0]), match.end(), region[1])
    return sorted(spans)


def _add_span(spans: list[tuple[int, int, str]], start: int, end: int, name: str) -> None:
    if not any(s < end and start < e for s, e, _ in spans):
        spans.append((start, end, name))


@functools.lru_cache(maxsize=PLACE_CACHE_SIZE)
def _suffixed_region(candidate: str) -> tuple[str, str] | None:
    """(written name, canonical name) of the longest tail of `candidate` the region table knows."""
    if candidate.endswith(NOT_PLACES):
        return None
    for start in range(len(candidate) - 1):
        region = lookup(candidate[start:])
        if region is not None:
            return candidate[start:], region.name
    return None


def _replace_spans(text: str, spans: Sequence[tuple[int, int, str]], mark: str) -> str:
    parts, last = [], 0
    for start, end, _ in spans:
        parts.append(text[last:start])
        parts.append(mark)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def mask_template(text: str, places: Sequence[str] = ()) -> str:
    """Normalised text with places, dates and numbers masked: the key for near-duplicate matching."""
    return template_and_signature(text, places)[1]


def _mask(normalised: str, spans: Sequence[tuple[int, int, str]]) -> str:
    out = _replace_spans(normalised, spans, PLACE_MARK)
    out = ENUMERATOR.sub("", out)
    out = DATE.sub(DATE_MARK, out)
    out = CN_VALUE.sub(NUMBER_MARK, out)
    return NUMBER.sub(NUMBER_MARK, out)


def template_and_signature(text: str, places: Sequence[str] = ()) -> tuple[str, str, str]:
    """(normalised text, masked template, value signature) of one paragraph, normalising once."""
    return _template_and_signature(text, tuple(places))


@functools.lru_cache(maxsize=PARAGRAPH_CACHE_SIZE)
def _template_and_signature(text: str, places: tuple[str, ...]) -> tuple[str, str, str]:
    normalised = normalise(text)
    if places:
        pattern = _place_pattern(places)[0]
        if pattern is None or pattern.search(normalised) is None:
            # the places do not occur: the same as without them, which a boilerplate paragraph of
            # articles about other cities has worked out already
            return _template_and_signature(text, ())
    spans = find_places(normalised, places)
    return normalised, _mask(normalised, spans), _signature(normalised, spans)


def value_tokens(normalised: str) -> list[tuple[int, str]]:
    """(position, value as written) of every amount, percentage, age and Chinese-numeral value, dates left out."""
    undated = DATE.sub(lambda m: DATE_MARK * len(m.group()), normalised)
    found = [(m.start(), m.group()) for m in VALUE_NUMBER.finditer(undated)]
    found += [(m.start(), m.group()) for m in CN_VALUE.finditer(undated)]
    if found:
        found += [(m.start(), m.group()) for m in PERIOD_WORD.finditer(undated)]
    return sorted(found)


def value_signature(text: str, places: Sequence[str] = ()) -> str:
    """The values a paragraph states and the places it names, in order; "" when it states no value.

    Places enter only beside a value: a templated intro naming the injected city states nothing,
    while "资阳…2%" and "福州…2%" are evidence about two different places.
    """
    return template_and_signature(text, places)[2]


def _signature(normalised: str, spans: Sequence[tuple[int, int, str]]) -> str:
    values = value_tokens(normalised)
    if not values:
        return ""
    named = [(start, "@" + place) for start, _, place in spans]
    return "|".join(token for _, token in sorted(values + named))


def text_key(text: str) -> str:
    """A stable 16-hex-digit key of a text (blake2b; the text itself is its canonical form)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=KEY_BYTES).hexdigest()


def hash_normalised(normalised: str) -> str:
    """`norm_hash` of a text that is already normalised."""
    return text_key(normalised)


def shingle_hashes(masked: str, size: int) -> np.ndarray:
    """Distinct 32-bit hashes of the character n-grams of a text (one shingle when shorter than `size`).

    Vectorised over the code points (a polynomial hash, then a multiply-xorshift mix), so a
    paragraph costs a few numpy calls rather than one Python hash call per n-gram.
    """
    codes = np.frombuffer(masked.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    width = min(size, len(codes)) or 1
    count = max(len(codes) - width + 1, 1)
    hashes = np.full(count, SHINGLE_SEED, dtype=np.uint64)
    for offset in range(min(width, len(codes))):
        hashes = hashes * SHINGLE_PRIME + codes[offset : offset + count]
    hashes ^= hashes >> np.uint64(29)
    hashes *= SHINGLE_MIX
    hashes ^= hashes >> np.uint64(32)
    return _sorted_unique((hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """`np.unique` of a 1-d array the caller no longer needs (it is sorted in place), by one sort and
    a neighbour comparison (numpy 2's hash-based unique took 5x longer on a body's shingles)."""
    values.sort()
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
