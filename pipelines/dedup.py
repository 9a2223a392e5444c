"""Dedup: one article per set of duplicate URLs, and near-duplicate paragraph clusters that mark boilerplate.

Paragraph clustering, in order:

1. each paragraph → its masked template (places, dates, numbers masked) and its value signature
   (the amounts, percentages and ages as written, with the places named beside them);
2. identical templates are one node (exact hash first: a paragraph copied 300 times is MinHashed once);
3. MinHash + LSH over character n-grams of the templates joins near-identical templates
   (a changed word, a different punctuation mark) into one template component;
4. a cluster is (template component, value signature): "资阳…2%划入" and "福州…2.2%划入" share a
   template but state different values, so they never share a cluster — they are not one piece of
   evidence. `cluster_id` hashes the component's smallest template key and the signature, so it
   is the same in an incremental and in a full run;
5. `cluster_size` counts distinct articles; a cluster spanning `boilerplate_min_articles` or more
   is boilerplate. Boilerplate is flagged, never dropped.

Every paragraph gets a row, headings included (templated headings carry the injected city and
are boilerplate as much as disclaimers are), and `ordinal` is `Paragraph.ordinal`, so claims join
their paragraph by (article_id, paragraph_ordinal).

Incremental use (the Dagster `paragraphs` stage): keep the index at
`<data_dir>/work/paragraph_index.pkl` (`INDEX_FILENAME`)::

    index = ParagraphIndex.open(path, DEFAULT_SETTINGS, rebuild=True)  # other settings → fresh index
    for gone in previous_ids - current_ids:
        index.remove_article(gone)
    rows = cluster_paragraphs(current_articles, index=index, settings=DEFAULT_SETTINGS)
    index.save(path)

Passing every current article is cheap: an article whose paragraphs and title city are unchanged
(its fingerprint) is not masked or hashed again, so the MinHash/LSH work is proportional to the
new and edited articles. Removed or edited articles leave unused templates; `cluster_paragraphs`
then calls `index.compact()`, which recomputes components from the stored signatures, so the
clusters always equal a full run's. A stage that passes only the new articles gets their rows
and re-derives the others' with `refresh_rows(previous_rows + new_rows, index)` (lookups only);
`index.take_touched()` names the articles whose rows changed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from extractors.records import Article, Claim
from extractors.regions import NATIONAL, lookup
from pipelines.lsh_index import (
    DedupSettings,
    NearDuplicates,
    ParagraphIndex,
    Template,
    template_key,
)
from pipelines.normalise import (
    PARAGRAPH_CACHE_SIZE,
    hash_normalised,
    shingle_hashes,
    template_and_signature,
    text_key,
)
from pipelines.records import ParagraphRow

__all__ = [
    "INDEX_FILENAME",
    "DEFAULT_SETTINGS",
    "DedupSettings",
    "DedupSettingsMismatch",
    "DuplicateMerger",
    "ParagraphIndex",
    "PreparedMismatch",
    "PreparedParagraphs",
    "attach_clusters",
    "body_shingles",
    "cluster_paragraphs",
    "join_articles",
    "merge_duplicate_articles",
    "paragraph_columns",
    "prepare_paragraphs",
    "refresh_rows",
]

# The measured defaults (see DedupSettings); a module-level instance so signatures can default to it.
DEFAULT_SETTINGS = DedupSettings()
# Longest place name looked for at the start of a title (呼和浩特 has four characters).
TITLE_PLACE_MAX_CHARS = 4
# Bodies whose MinHash estimate comes this close to the article threshold are checked exactly (the
# estimate's spread is ~0.02 near 0.95 with 128 permutations; 0.1 is five of them).
BODY_ESTIMATE_SLACK = 0.1
# Bands for bodies are tuned this far below the estimate floor (0.85 → 0.8): they still propose
# 99.8% of pairs at 0.95, and far fewer of the many same-site pairs near 0.65-0.8 than the
# paragraphs' 0.2 would (articles of one site share most of their boilerplate).
BODY_LSH_SLACK = 0.05
# Paragraph signatures kept while merging articles (uint32 × num_perm each: 64k of them ≈ 32 MB).
BODY_CACHE_SIZE = 1 << 16
# A paragraph row's fields, in order: the columns `paragraph_columns` fills.
PARAGRAPH_FIELDS = tuple(field.name for field in fields(ParagraphRow))
# Where the Dagster stage keeps the index between runs, under <data_dir>/work/.
INDEX_FILENAME = "paragraph_index.pkl"


class DedupSettingsMismatch(ValueError):
    """cluster_paragraphs was given an index built with other settings than the ones passed."""


class PreparedMismatch(ValueError):
    """cluster_paragraphs was given prepared paragraphs of another article than the one beside them."""


# One paragraph as clustering reads it: (ordinal, section, text, value signature, template key, norm hash).
PreparedParagraph = tuple[int, str | None, str, str, str, str]


@dataclass(frozen=True, slots=True)
class PreparedParagraphs:
    """An article's paragraphs as clustering reads them, computed without the index (so a parse
    worker can do it): its fingerprint, the places masked in it, and per paragraph a
    PreparedParagraph, which holds everything its row needs besides the cluster. The masked
    templates themselves are left out (they would double the stream): an index needs one only for a
    key it has not seen, and it is re-derived then from the text and places (`_templates`)."""

    article_id: str
    fingerprint: str
    places: tuple[str, ...]
    paragraphs: tuple[PreparedParagraph, ...]


def article_places(article: Article) -> tuple[str, ...]:
    """Places to mask in an article's templates: the SEO city of its title (long and short form are masked).

    When the extractor found no title region, a place name opening the title counts: titles like
    "大同退休人员医保卡每月打入多少钱" start with the injected city, and 大同 is a name the region
    table finds in free text only by its full form (sample site, seed 7).
    """
    if article.title_region:
        return (article.title_region,)
    title = (article.title or "").strip()
    for length in range(TITLE_PLACE_MAX_CHARS, 1, -1):
        region = lookup(title[:length])
        if region is not None and region.code != NATIONAL.code:
            return (region.name,)
    return ()


def prepare_paragraphs(article: Article) -> PreparedParagraphs:
    """Everything `cluster_paragraphs` computes per article that does not depend on other articles
    (per paragraph its value signature, template key and norm hash; the masked template itself is
    re-derived only for a key the index lacks, see `_templates`)."""
    places = article_places(article)
    paragraphs = []
    for paragraph in article.paragraphs:
        _, values, key, norm_hash = _prepared_paragraph(paragraph.text, places)
        paragraphs.append((paragraph.ordinal, paragraph.section, paragraph.text, values, key, norm_hash))
    return PreparedParagraphs(article.article_id, article_fingerprint(article), places, tuple(paragraphs))


@functools.lru_cache(maxsize=PARAGRAPH_CACHE_SIZE)
def _prepared_paragraph(text: str, places: tuple[str, ...]) -> tuple[str, str, str, str]:
    """(masked template, value signature, template key, norm hash) of one paragraph: a paragraph
    repeated across articles (most are) is hashed once per process."""
    normalised, masked, values = template_and_signature(text, places)
    return masked, values, template_key(masked), hash_normalised(normalised)


def article_fingerprint(article: Article) -> str:
    """What an article's index entries depend on: its paragraphs and the places masked in them."""
    parts = [*article_places(article), *(f"{p.ordinal}\t{p.text}" for p in article.paragraphs)]
    return text_key("\n".join(parts))


def cluster_paragraphs(
    articles: Sequence[Article],
    index: ParagraphIndex | None = None,
    settings: DedupSettings = DEFAULT_SETTINGS,
    prepared: Sequence[PreparedParagraphs] | None = None,
) -> list[ParagraphRow]:
    """One row per paragraph of `articles`, clustered against each other and everything in `index`.

    `prepared`, when given, holds `prepare_paragraphs` of each article in the same order (computed
    earlier, e.g. by the parse workers); the rows are the same, only the masking is not redone here.
    """
    if index is None:
        index = ParagraphIndex(settings)
    elif index.settings != settings:
        raise DedupSettingsMismatch(
            f"paragraph index was built with {index.settings}, but cluster_paragraphs got {settings}; "
            "pass the index's settings or rebuild the index")
    preps = _checked_preps(articles, prepared) if prepared is not None else list(map(prepare_paragraphs, articles))
    join_articles(preps, index)
    index.compact()  # only does work after removed or edited articles
    columns = paragraph_columns(preps, index, settings)
    return [ParagraphRow(*values) for values in zip(*columns.values(), strict=True)]  # type: ignore[arg-type]


def join_articles(preps: Iterable[PreparedParagraphs], index: ParagraphIndex) -> None:
    """Add articles, by their prepared paragraphs, to `index` (an article whose fingerprint the
    index holds already costs one lookup)."""
    for prep in preps:
        if index.fingerprint(prep.article_id) != prep.fingerprint:  # unchanged articles cost no masking
            index.add_templates(prep.article_id, _templates(prep, index), prep.fingerprint)


def paragraph_columns(preps: Iterable[PreparedParagraphs], index: ParagraphIndex,
                      settings: DedupSettings) -> dict[str, list[Any]]:
    """The rows `cluster_paragraphs` gives for articles already joined to `index`, as columns
    (ParagraphRow's fields): what the paragraphs table is built from, without a record per row."""
    columns: dict[str, list[Any]] = {name: [] for name in PARAGRAPH_FIELDS}
    for prep in preps:
        if not prep.paragraphs:
            continue
        ordinals, sections, texts, _, _, norm_hashes = zip(*prep.paragraphs, strict=True)
        clusters = index.clusters(prep.article_id)
        named = [clusters[ordinal] for ordinal in ordinals]
        columns["article_id"] += [prep.article_id] * len(ordinals)
        columns["ordinal"] += ordinals
        columns["section"] += sections
        columns["text"] += texts
        columns["norm_hash"] += norm_hashes
        columns["cluster_id"] += [cluster_id for cluster_id, _ in named]
        columns["cluster_size"] += [size for _, size in named]
        columns["is_boilerplate"] += [size >= settings.boilerplate_min_articles for _, size in named]
    return columns


def _templates(prep: PreparedParagraphs, index: ParagraphIndex) -> list[Template]:
    """An article's index entries as tuples, masking again only the paragraphs whose template key
    the index does not hold yet (the masked text of a known key is never read)."""
    return [(ordinal, "" if index.has_template(key) else _prepared_paragraph(text, prep.places)[0], values, key)
            for ordinal, _, text, values, key, _ in prep.paragraphs]


def _checked_preps(articles: Sequence[Article], prepared: Sequence[PreparedParagraphs]) -> Sequence[PreparedParagraphs]:
    """The prepared paragraphs given beside `articles`, checked to be theirs."""
    if len(prepared) != len(articles):
        raise PreparedMismatch(f"{len(prepared)} prepared paragraph records for {len(articles)} articles")
    for article, prep in zip(articles, prepared, strict=True):
        if prep.article_id != article.article_id or len(prep.paragraphs) != len(article.paragraphs):
            raise PreparedMismatch(
                f"prepared paragraphs of {prep.article_id} given beside article {article.article_id} "
                f"({article.url}); rerun the articles stage to rewrite them")
    return prepared


def refresh_rows(rows: Iterable[ParagraphRow], index: ParagraphIndex,
                 settings: DedupSettings = DEFAULT_SETTINGS) -> list[ParagraphRow]:
    """Rows with cluster_id, cluster_size and is_boilerplate re-derived from the index (lookups only).

    After new articles joined the index, earlier rows may have a bigger cluster, or a new id when
    a new template bridged two components; rows of articles no longer in the index are dropped.
    """
    cache: dict[str, dict[int, tuple[str, int]]] = {}
    out = []
    for row in rows:
        if row.article_id not in index:
            continue
        if row.article_id not in cache:
            cache[row.article_id] = index.clusters(row.article_id)
        cluster_id, size = cache[row.article_id][row.ordinal]
        boilerplate = size >= settings.boilerplate_min_articles
        if (cluster_id, size, boilerplate) == (row.cluster_id, row.cluster_size, row.is_boilerplate):
            out.append(row)  # most rows do not change: keep the object, skip the copy
            continue
        out.append(replace(row, cluster_id=cluster_id, cluster_size=size, is_boilerplate=boilerplate))
    return out


def attach_clusters(claims: Iterable[Claim], rows: Iterable[ParagraphRow]) -> list[Claim]:
    """Claims with `cluster_id` set from their paragraph's row; a claim with no row keeps None."""
    by_paragraph = {(row.article_id, row.ordinal): row.cluster_id for row in rows}
    return [
        replace(claim, cluster_id=by_paragraph.get((claim.article_id, claim.paragraph_ordinal)))
        for claim in claims
    ]


# --------------------------------------------------------------------------- articles


def merge_duplicate_articles(
    articles: Iterable[Article], settings: DedupSettings = DEFAULT_SETTINGS
) -> list[Article]:
    """One Article per group of copies (same URL, same body hash, or near-identical body), URLs kept.

    The primary is the earliest published copy, then the shortest URL, then the smallest; the
    others' URLs go to `alternate_urls`. Output keeps the order in which groups first appear.
    """
    items = list(articles)
    merger = DuplicateMerger(lambda i: body_shingles(items[i], settings.article_shingle_size), settings)
    cache: dict[str, np.ndarray] = {}
    for article in items:
        merger.add(article.article_id, article.content_sha256, article.title_region,
                   _body_signature(article, merger.near, cache))
    return [_merge_group([items[i] for i in members]) for members in merger.groups()]


class DuplicateMerger:
    """Groups the copies of one article, taking articles one at a time and holding only what grouping
    reads of each (its keys, title place and body signature), never the articles themselves.

    Two articles are copies when they share an article_id; or a body hash and title place; or a
    title place and a body whose MinHash estimate proposes the pair and whose exact n-gram Jaccard
    (`shingle_jaccard`) confirms it. `shingles_of(position)` gives the `body_shingles` of the
    article added at that position: it is asked only for the bodies of a proposed pair (a few per
    hundred articles), so a caller can keep them on disk.
    """

    def __init__(self, shingles_of: Callable[[int], np.ndarray], settings: DedupSettings = DEFAULT_SETTINGS) -> None:
        self.shingles_of, self.settings = shingles_of, settings
        self.near = body_near_duplicates(settings)
        self.parent: list[int] = []  # union-find over positions
        self.places: list[str | None] = []  # title place per position
        self.first_by_key: dict[tuple[str, str, str], int] = {}
        self.row_of: list[int] = []  # signature row -> position

    def add(self, article_id: str, content_sha256: str, title_region: str | None,
            signature: np.ndarray | None) -> int:
        """Take the next article by its keys and `_body_signature` (None: no body); returns its position."""
        i = len(self.parent)
        self.parent.append(i)
        self.places.append(title_region)
        for key in (("id", article_id, ""), ("sha", content_sha256, title_region or "")):
            if key[1] and key in self.first_by_key:
                _union(self.parent, self.first_by_key[key], i)
            self.first_by_key.setdefault(key, i)
        if signature is not None:
            self._near_identical(i, signature)
        return i

    def _near_identical(self, i: int, signature: np.ndarray) -> None:
        # one template for two cities is two articles: only bodies under the same title place are
        # compared, so templated pages of other cities are never even proposed
        _, similar = self.near.add_signature(signature, partition=self.places[i] or "")
        self.row_of.append(i)
        mine: np.ndarray | None = None
        for row in similar:
            j = self.row_of[row]
            mine = self.shingles_of(i) if mine is None else mine
            if shingle_jaccard(self.shingles_of(j), mine) >= self.settings.article_threshold:
                _union(self.parent, j, i)

    def groups(self) -> list[list[int]]:
        """Positions of each group's copies (ascending), groups in the order they first appeared."""
        groups: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            groups.setdefault(_find(self.parent, i), []).append(i)
        return list(groups.values())


def body_near_duplicates(settings: DedupSettings = DEFAULT_SETTINGS) -> NearDuplicates:
    """MinHash signatures of whole bodies with the LSH bands that propose near-identical ones
    (`_body_signature` hashes with it, `DuplicateMerger` indexes with it)."""
    return NearDuplicates(settings.article_threshold - BODY_ESTIMATE_SLACK, settings.num_perm,
                          settings.article_shingle_size, recall_slack=BODY_LSH_SLACK)


def body_shingles(article: Article, shingle_size: int) -> np.ndarray:
    """The distinct n-gram hashes (sorted uint32) of an article's body, which `shingle_jaccard`
    compares: its paragraphs normalised one by one (as `_body_signature` and clustering normalise
    them, so a parse worker reuses that work) and joined by newlines."""
    places = article_places(article)
    normalised = (template_and_signature(paragraph.text, places)[0] for paragraph in article.paragraphs)
    return shingle_hashes("\n".join(text for text in normalised if text), shingle_size)


def shingle_jaccard(x: np.ndarray, y: np.ndarray) -> float:
    """Jaccard similarity of two sets of distinct hashes (as `shingle_hashes` returns them)."""
    shared = len(np.intersect1d(x, y, assume_unique=True))
    union = len(x) + len(y) - shared
    return shared / union if union else 0.0


def _body_signature(article: Article, near: NearDuplicates, cache: dict[str, np.ndarray]) -> np.ndarray | None:
    """MinHash of the body's n-grams as the min of its paragraphs' (a signature of a union is the
    element-wise min), so a paragraph repeated across articles is hashed once; None for no body."""
    places = article_places(article)
    signatures = []
    for paragraph in article.paragraphs:
        normalised = template_and_signature(paragraph.text, places)[0]
        if not normalised:
            continue
        signature = cache.get(normalised)
        if signature is None:
            if len(cache) >= BODY_CACHE_SIZE:
                cache.clear()
            signature = cache[normalised] = near.signature(normalised)
        signatures.append(signature)
    return np.minimum.reduce(signatures) if signatures else None


def _merge_group(copies: list[Article]) -> Article:
    """The group's primary copy with every other URL of the group as its alternates (sorted)."""
    if len(copies) == 1 and not copies[0].alternate_urls:
        return copies[0]  # most articles: nothing to merge or sort
    primary = min(copies, key=_primary_order)
    urls = {url for copy in copies for url in (copy.url, *copy.alternate_urls)}
    urls.discard(primary.url)
    return replace(primary, alternate_urls=tuple(sorted(urls, key=lambda u: (len(u), u))))


def _primary_order(article: Article) -> tuple[float, int, str]:
    published = article.published_at.timestamp() if article.published_at else float("inf")
    return published, len(article.url), article.url


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)
