"""A persistent MinHash-LSH index of paragraph templates with their cluster membership, for incremental dedup.

Nodes are distinct masked templates (`pipelines.normalise.mask_template`): a paragraph copied into
300 articles is hashed once. A new template is MinHashed, looked up in the LSH index, and joined
(union-find) to every earlier template whose estimated Jaccard similarity reaches the threshold.
The edge set does not depend on insertion order — each pair is tested when its later member
arrives — and a component is named by its smallest template key, so an incremental run and a
full run give the same clusters. A cluster is a (template component, value signature) pair.

Adding N articles costs MinHashes and LSH queries for their new templates only; `save` writes
the whole state atomically (temp file, fsync, rename).
"""

from __future__ import annotations

import functools
import logging
import os
import pickle
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.normalise import shingle_hashes, text_key

LOG = logging.getLogger(__name__)

# Bumped when the pickled layout changes; an index of another format is rebuilt, not misread.
INDEX_FORMAT = 4
# Seed of the MinHash permutations: fixed, so signatures saved yesterday compare with today's.
MINHASH_SEED = 1
# datasketch picks (bands, rows) that find only ~44% of pairs exactly AT the threshold (0.7, 128
# perms); bands tuned 0.2 lower find >= 99% of them and ~6% of pairs at 0.3. Every candidate is then
# verified against the stored signatures, so the threshold itself stays exact.
LSH_RECALL_SLACK = 0.2
# Rows the signature matrix starts with; it doubles when full.
SIGNATURE_ROWS_START = 1024
# Points of the trapezoid rule that weighs each (bands, rows) choice; on thresholds 0.05-0.95 at 64
# and 128 permutations it picks what datasketch's scipy quadrature picks (tests/test_lsh_index.py).
BAND_CHOICE_POINTS = 2001
# Bytes of one uint32 signature value (band keys are slices of the signature's bytes).
VALUE_BYTES = 4


@dataclass(frozen=True, slots=True)
class DedupSettings:
    """Thresholds of paragraph and article dedup, with defaults measured as follows.

    Sample site (48 articles + 3 copies, seed 7; 1,473 paragraphs the generator labels: 1,395
    rendered from its templates, 78 written once; `python -m benchmarks.bench_dedup --sweep`),
    boilerplate precision / recall at boilerplate_min_articles=3:

        threshold      0.5    0.6    0.7    0.8    0.9
        2-grams, 128   .996   .998   .999   1.0    1.0     (recall 1.0 everywhere)
        3-grams, 128   .998   .998   .999   1.0    1.0
        4-grams, 128   .998   .999   .999   1.0    1.0
        3-grams,  64   .997   .997   .998   .999   1.0

    The false positives below 0.8 are one claim written twice in different words (same values,
    same place): harmless for counting evidence, but not the same paragraph. 0.8 is the lowest
    threshold with no false positive. On the third-party seed texts (masked, 3-grams) copies with
    one word changed score 0.82-0.90 and rewrites 0.4-0.65; 2-grams lift rewrites by 0.05-0.1
    (closer to the threshold), 4-grams lower one-word edits by about as much. 128 permutations:
    64 let one false positive through at 0.8 (estimate spread ~0.05 instead of ~0.035).
    boilerplate_min_articles=3: every template of the site spans far more articles, and a claim
    copied into just two articles is still counted as its own evidence by reconciliation.
    Whole bodies (exact 5-gram Jaccard, after the MinHash proposes a pair): the sample site's
    3 copies score 1.0 against their originals and the other 1,272 pairs at most 0.83; on the
    10,000-article generated site the 625 copies score 1.0 while four pairs of distinct articles of
    one title city score 0.90-0.93 (one has 2-3 more claim paragraphs: merging would drop them).
    Merging is not reversible, so 0.95: a copy with one paragraph edited (0.97 in the tests) still
    merges, an article that adds a paragraph or two to another does not.
    """

    shingle_size: int = 3  # character n-grams of the masked template
    num_perm: int = 128  # MinHash permutations
    threshold: float = 0.8  # estimated Jaccard of masked templates at which two join one cluster
    boilerplate_min_articles: int = 3  # distinct articles a cluster spans to count as boilerplate
    article_threshold: float = 0.95  # Jaccard of whole bodies at which two URLs are one article
    article_shingle_size: int = 5  # character n-grams of whole normalised bodies


class ParagraphIndexError(Exception):
    """Base of the paragraph index's errors."""


class IndexSettingsMismatch(ParagraphIndexError):
    """An index built with other clustering settings cannot be extended with these."""


class IndexFileError(ParagraphIndexError):
    """An index file that is missing, unreadable or of another format."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One paragraph as the index sees it: its ordinal, masked template and value signature, and
    the template's key (`template_key`; "" = computed by the index)."""

    ordinal: int
    masked: str
    values: str
    key: str = ""


# An Entry as a plain tuple (ordinal, masked, values, key), as `add_templates` takes it: a stream of
# plain tuples unpickles several times faster than one of records.
Template = tuple[int, str, str, str]


def permutations(num_perm: int) -> np.ndarray:
    """datasketch's "affine32" permutations (a odd, b) for `num_perm` from the fixed seed, as uint32
    rows: drawn as datasketch 2 draws them, so signatures equal the ones its MinHash would give."""
    generator = np.random.RandomState(MINHASH_SEED)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


@functools.lru_cache(maxsize=64)
def band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) minimising the equally weighted false positive and false negative
    probabilities of banded LSH at `threshold` (datasketch's `_optimal_param`, without scipy)."""
    below = np.linspace(0.0, threshold, BAND_CHOICE_POINTS)
    above = np.linspace(threshold, 1.0, BAND_CHOICE_POINTS)
    best, layout = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive = np.trapezoid(1 - (1 - below**rows) ** bands, below)
            false_negative = np.trapezoid((1 - above**rows) ** bands, above)
            error = float(0.5 * false_positive + 0.5 * false_negative)
            if error < best:
                best, layout = error, (bands, rows)
    return layout


# Ends a partition's name in a band key (a name never contains it), so "ab"+key never equals "a"+"b…".
PARTITION_END = b"\x00"


class BandIndex:
    """Banded LSH over signatures: a row is a candidate for a query when all the values of one band agree."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        self.bands, self.rows = band_layout(threshold, num_perm)
        self._tables: list[dict[bytes, list[int]]] = [{} for _ in range(self.bands)]

    def keys(self, signature: np.ndarray, partition: bytes = b"") -> list[bytes]:
        """The signature's key in each band (the bytes of its values there), after `partition`:
        rows of two partitions never share a key."""
        data, width = signature.tobytes(), self.rows * VALUE_BYTES
        return [partition + data[band * width:(band + 1) * width] for band in range(self.bands)]

    def query(self, keys: Sequence[bytes]) -> set[int]:
        """Rows sharing at least one band key."""
        found: set[int] = set()
        for table, key in zip(self._tables, keys, strict=True):
            rows = table.get(key)
            if rows:
                found.update(rows)
        return found

    def insert(self, row: int, keys: Sequence[bytes]) -> None:
        """Index a row under its band keys."""
        for table, key in zip(self._tables, keys, strict=True):
            table.setdefault(key, []).append(row)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, element-wise (a bijection that spreads every input bit)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def candidate_lsh(threshold: float, num_perm: int, slack: float = LSH_RECALL_SLACK) -> BandIndex:
    """An LSH index whose bands catch nearly every pair at `threshold` (see LSH_RECALL_SLACK)."""
    return BandIndex(max(threshold - slack, 0.05), num_perm)


class NearDuplicates:
    """MinHash signatures of texts in one growing uint32 matrix, with an LSH index over its rows.

    `add(text)` returns the new row and the earlier rows whose estimated Jaccard similarity
    reaches the threshold: LSH proposes candidates, one vectorised comparison verifies them.
    Signatures are min over n-grams of fmix32((a·h + b) mod 2³²) with datasketch's seeded
    permutations: the finaliser after the affine map brings the estimate's spread on the sample
    site's templates from 0.051 down to 0.036, near the binomial 0.04 of 128 permutations.
    """

    def __init__(self, threshold: float, num_perm: int, shingle_size: int,
                 recall_slack: float = LSH_RECALL_SLACK) -> None:
        self.threshold, self.num_perm, self.shingle_size = threshold, num_perm, shingle_size
        self._lsh = candidate_lsh(threshold, num_perm, recall_slack)
        self._matrix = np.empty((SIGNATURE_ROWS_START, num_perm), dtype=np.uint32)
        self._rows = 0
        self._setup()

    def _setup(self) -> None:
        perms = permutations(self.num_perm)
        self._a, self._b = perms[0], perms[1]

    def __len__(self) -> int:
        return self._rows

    def signature(self, text: str) -> np.ndarray:
        """The MinHash signature (uint32 × num_perm) of a text's character n-grams."""
        hashes = shingle_hashes(text, self.shingle_size)
        return _fmix32(np.multiply.outer(hashes, self._a) + self._b).min(axis=0)

    def add(self, text: str) -> tuple[int, list[int]]:
        """Store a text's signature; returns (its row, earlier rows at or above the threshold)."""
        return self.add_signature(self.signature(text))

    def add_signature(self, signature: np.ndarray, partition: str = "") -> tuple[int, list[int]]:
        """`add` for a signature computed elsewhere (e.g. the min of its parts' signatures); only
        earlier rows added with the same `partition` are compared with it."""
        keys = self._lsh.keys(signature, partition.encode() + PARTITION_END if partition else b"")
        candidates = self._lsh.query(keys)
        row = self._append(signature)
        self._lsh.insert(row, keys)
        if not candidates:
            return row, []
        ids = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
        agree = np.count_nonzero(self._matrix[ids] == signature, axis=1)
        return row, sorted(ids[agree >= self.threshold * self.num_perm].tolist())

    def signatures(self, rows: Sequence[int]) -> np.ndarray:
        """A copy of the stored signatures of `rows`, in that order."""
        return self._matrix[np.asarray(rows, dtype=np.int64)].copy() if rows else self._matrix[:0].copy()

    def _append(self, signature: np.ndarray) -> int:
        if self._rows == len(self._matrix):
            grown = np.empty((2 * len(self._matrix), self.num_perm), dtype=np.uint32)
            grown[: self._rows] = self._matrix[: self._rows]
            self._matrix = grown
        self._matrix[self._rows] = signature
        self._rows += 1
        return self._rows - 1

    def __getstate__(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "num_perm": self.num_perm, "shingle_size": self.shingle_size,
                "lsh": self._lsh, "matrix": self._matrix[: self._rows].copy(), "rows": self._rows}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.threshold, self.num_perm = state["threshold"], state["num_perm"]
        self.shingle_size, self._lsh = state["shingle_size"], state["lsh"]
        self._matrix, self._rows = state["matrix"], state["rows"]
        if len(self._matrix) == 0:
            self._matrix = np.empty((SIGNATURE_ROWS_START, self.num_perm), dtype=np.uint32)
        self._setup()


def template_key(masked: str) -> str:
    """Stable key of a masked template."""
    return text_key(masked)


class ParagraphIndex:
    """Templates, their MinHash signatures, the LSH index over them and who belongs to which cluster."""

    def __init__(self, settings: DedupSettings | None = None) -> None:
        self.settings = settings or DedupSettings()
        self._near = NearDuplicates(self.settings.threshold, self.settings.num_perm, self.settings.shingle_size)
        self._cluster_ids: dict[tuple[int, int], str] = {}  # (root, value id) -> cluster_id, a cache
        self._node_of: dict[str, int] = {}  # template key -> node
        self._keys: list[str] = []  # node -> template key
        self._refs: list[int] = []  # node -> paragraphs of current articles using it
        self._dead: set[int] = set()  # nodes no current article uses any more (until `compact`)
        self._parent: list[int] = []  # union-find (by size) over nodes
        self._size: list[int] = []  # nodes under a root
        self._name: dict[int, int] = {}  # root -> the node with the component's smallest template key
        self._value_of: dict[str, int] = {}  # value signature -> id
        self._values: list[str] = []
        self._articles: dict[str, tuple[tuple[int, int, int], ...]] = {}  # id -> (ordinal, node, value id)
        self._fingerprints: dict[str, str] = {}  # id -> what the article's entries were computed from
        self._members: dict[tuple[int, int], set[str]] = {}  # (root, value id) -> article ids
        self._root_values: dict[int, set[int]] = {}  # root -> value ids present in its component
        self._touched: set[tuple[int, int]] = set()  # clusters changed since `take_touched`

    # ------------------------------------------------------------------ public

    def __len__(self) -> int:
        """Number of articles in the index."""
        return len(self._articles)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._articles

    @property
    def n_templates(self) -> int:
        """Distinct masked templates seen so far."""
        return len(self._keys)

    def has_template(self, key: str) -> bool:
        """True when a template of this key (`template_key`) is already a node: adding it needs no masked text."""
        return key in self._node_of

    def fingerprint(self, article_id: str) -> str | None:
        """The fingerprint an article was added with (None when absent): unchanged articles need no re-adding."""
        return self._fingerprints.get(article_id)

    def add_article(self, article_id: str, entries: Sequence[Entry], fingerprint: str = "") -> None:
        """Add (or replace) one article's paragraphs; joins new templates to near-duplicates."""
        templates = [(entry.ordinal, entry.masked, entry.values, entry.key) for entry in entries]
        self.add_templates(article_id, templates, fingerprint)

    def add_templates(self, article_id: str, templates: Sequence[Template], fingerprint: str = "") -> None:
        """`add_article` for entries given as plain (ordinal, masked, values, key) tuples (the masked
        text is read only for a key that is not a node yet, see `has_template`)."""
        if article_id in self._articles:
            self.remove_article(article_id)
        self._fingerprints[article_id] = fingerprint
        rows = []
        for ordinal, masked, values, key in templates:
            rows.append((ordinal, self._node(masked, key), self._value_id(values)))
        self._articles[article_id] = tuple(rows)
        for _, node, value in rows:
            self._refs[node] += 1
            self._dead.discard(node)
            self._join(self._find(node), value, {article_id})

    def remove_article(self, article_id: str) -> None:
        """Drop an article's membership; templates nobody uses any more wait for `compact`."""
        self._fingerprints.pop(article_id, None)
        for _, node, value in self._articles.pop(article_id, ()):
            self._refs[node] -= 1
            if self._refs[node] == 0:
                self._dead.add(node)
            key = (self._find(node), value)
            members = self._members.get(key)
            if members is not None:
                members.discard(article_id)
                self._touched.add(key)

    @property
    def needs_compacting(self) -> bool:
        """True when removed or edited articles left templates that may still bridge two components."""
        return bool(self._dead)

    def compact(self) -> None:
        """Forget unused templates and recompute the components of the rest from their stored
        signatures (no re-hashing): afterwards the index equals one built from the current
        articles alone. Costs LSH inserts for every live template, so it runs only after removals."""
        if not self._dead:
            return
        live = [node for node in range(len(self._keys)) if self._refs[node] > 0]
        renumber = {old: new for new, old in enumerate(live)}
        signatures = self._near.signatures(live)
        self._near = NearDuplicates(self.settings.threshold, self.settings.num_perm, self.settings.shingle_size)
        self._keys = [self._keys[node] for node in live]
        self._refs = [self._refs[node] for node in live]
        self._node_of = {key: node for node, key in enumerate(self._keys)}
        self._parent, self._size, self._name = [], [], {}
        self._members, self._root_values, self._cluster_ids, self._dead = {}, {}, {}, set()
        for signature in signatures:
            node, similar = self._near.add_signature(signature)
            self._new_root(node)
            for other in similar:
                self._union(node, other)
        self._articles = {aid: tuple((o, renumber[n], v) for o, n, v in rows) for aid, rows in self._articles.items()}
        for article_id, rows in self._articles.items():
            for _, node, value in rows:
                self._join(self._find(node), value, {article_id})
        self._touched = set(self._members)

    def cluster(self, article_id: str, ordinal: int) -> tuple[str, int]:
        """(cluster_id, distinct articles in the cluster) of one paragraph of an indexed article."""
        for row_ordinal, node, value in self._articles[article_id]:
            if row_ordinal == ordinal:
                return self._cluster_of(node, value)
        raise KeyError(f"paragraph {ordinal} of article {article_id} is not in the index")

    def clusters(self, article_id: str) -> dict[int, tuple[str, int]]:
        """ordinal → (cluster_id, cluster_size) for every paragraph of one indexed article."""
        return {ordinal: self._cluster_of(node, value) for ordinal, node, value in self._articles[article_id]}

    def take_touched(self) -> set[str]:
        """Articles whose paragraph clusters changed (id or size) since the last call; resets the record."""
        touched: set[str] = set()
        for key in self._touched:
            touched |= self._members.get(key, set())
            touched |= self._members.get((self._find(key[0]), key[1]), set())
        self._touched = set()
        return touched

    def save(self, path: Path) -> None:
        """Write the index atomically: a crash leaves the previous file whole."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((INDEX_FORMAT, self.settings, self._state()), handle, protocol=pickle.HIGHEST_PROTOCOL)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path, settings: DedupSettings | None = None) -> ParagraphIndex:
        """Read an index written by `save`; `settings`, when given, must be the ones it was built with."""
        try:
            with open(path, "rb") as handle:
                fmt, saved_settings, state = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
            raise IndexFileError(f"cannot read paragraph index {path}: {exc}; delete it to rebuild") from exc
        if fmt != INDEX_FORMAT:
            raise IndexFileError(f"paragraph index {path} has format {fmt}, expected {INDEX_FORMAT}; delete it to rebuild")
        if settings is not None and settings != saved_settings:
            raise IndexSettingsMismatch(
                f"paragraph index {path} was built with {saved_settings}, not {settings}; delete it to rebuild")
        index = cls(saved_settings)
        index._restore(state)
        return index

    @classmethod
    def open(cls, path: Path, settings: DedupSettings | None = None, *, rebuild: bool = False) -> ParagraphIndex:
        """`load` the index at `path`, or a new empty one when there is no file yet.

        With `rebuild=True` an unreadable index, one of another format or one built with other
        settings is replaced by an empty one (logged): the next run re-adds every article, which
        gives the same clusters as a first run.
        """
        if not Path(path).exists():
            return cls(settings)
        try:
            return cls.load(path, settings)
        except ParagraphIndexError as exc:
            if not rebuild:
                raise
            LOG.warning("rebuilding the paragraph index: %s", exc)
            return cls(settings)

    # ------------------------------------------------------------------ templates and union-find

    def _node(self, masked: str, key: str = "") -> int:
        key = key or template_key(masked)
        node = self._node_of.get(key)
        if node is not None:
            return node
        node, similar = self._near.add(masked)
        self._node_of[key] = node
        self._keys.append(key)
        self._refs.append(0)
        self._new_root(node)
        for other in similar:
            self._union(node, other)
        return node

    def _new_root(self, node: int) -> None:
        self._parent.append(node)
        self._size.append(1)
        self._name[node] = node

    def _find(self, node: int) -> int:
        parent = self._parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        keep, gone = (ra, rb) if self._size[ra] >= self._size[rb] else (rb, ra)  # by size: near-linear
        self._parent[gone] = keep
        self._size[keep] += self._size[gone]
        name_keep, name_gone = self._name.pop(keep), self._name.pop(gone)
        self._name[keep] = name_keep if self._keys[name_keep] < self._keys[name_gone] else name_gone
        for value in self._root_values.pop(gone, set()):
            members = self._members.pop((gone, value), set())
            self._touched.add((gone, value))
            self._join(keep, value, members)

    def _join(self, root: int, value: int, articles: set[str]) -> None:
        """Add `articles` (a set the caller gives away) to a cluster, merging the smaller set into the larger."""
        key = (root, value)
        present = self._members.get(key)
        if present is None:
            self._members[key] = articles
        elif len(present) >= len(articles):
            present |= articles
        else:
            articles |= present
            self._members[key] = articles
        self._root_values.setdefault(root, set()).add(value)
        self._touched.add(key)

    def _value_id(self, values: str) -> int:
        found = self._value_of.get(values)
        if found is None:
            found = self._value_of[values] = len(self._values)
            self._values.append(values)
        return found

    def _cluster_of(self, node: int, value: int) -> tuple[str, int]:
        key = (self._find(node), value)
        cluster_id = self._cluster_ids.get(key)
        if cluster_id is None:
            name = self._keys[self._name[key[0]]]
            cluster_id = self._cluster_ids[key] = text_key(name + "|" + self._values[value])
        return cluster_id, len(self._members.get(key, ()))

    # ------------------------------------------------------------------ persistence

    def _state(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in _STATE}

    def _restore(self, state: dict[str, object]) -> None:
        for name in _STATE:
            setattr(self, name, state[name])


_STATE = ("_near", "_node_of", "_keys", "_refs", "_dead", "_parent", "_size", "_name", "_value_of", "_values", "_articles",
          "_fingerprints", "_members", "_root_values", "_touched")
