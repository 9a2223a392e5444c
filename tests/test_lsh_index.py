"""Tests for the persistent paragraph index (pipelines.lsh_index)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from pipelines.lsh_index import (
    DedupSettings,
    Entry,
    IndexFileError,
    IndexSettingsMismatch,
    NearDuplicates,
    ParagraphIndex,
)
from pipelines.normalise import mask_template

DISCLAIMER_TEXT = "本站内容仅供参考，具体标准以当地医疗保障部门正式公布的办法为准，如有出入请以官方发布的信息为准。"
DISCLAIMER = mask_template(DISCLAIMER_TEXT)
NEAR = mask_template(DISCLAIMER_TEXT.replace("具体标准", "具体"))  # 3-gram Jaccard 0.875
OTHER = mask_template("退休人员的医保个人账户由统筹基金按月划入，用于门诊和药店购药。")


def test_identical_templates_are_one_node_and_near_ones_one_cluster() -> None:
    index = ParagraphIndex()
    index.add_article("a", [Entry(0, DISCLAIMER, ""), Entry(1, OTHER, "")])
    index.add_article("b", [Entry(0, DISCLAIMER, "")])
    index.add_article("c", [Entry(0, NEAR, "")])
    assert index.n_templates == 3
    assert index.cluster("a", 0) == index.cluster("b", 0) == index.cluster("c", 0)
    assert index.cluster("a", 0)[1] == 3
    assert index.cluster("a", 1)[1] == 1


def test_value_signature_splits_a_template_cluster() -> None:
    index = ParagraphIndex()
    index.add_article("a", [Entry(0, DISCLAIMER, "2%")])
    index.add_article("b", [Entry(0, DISCLAIMER, "2.2%")])
    assert index.cluster("a", 0)[0] != index.cluster("b", 0)[0]


def test_replacing_an_article_moves_its_membership() -> None:
    index = ParagraphIndex()
    index.add_article("a", [Entry(0, DISCLAIMER, "")])
    index.add_article("b", [Entry(0, DISCLAIMER, "")])
    index.add_article("b", [Entry(0, OTHER, "")])
    assert index.cluster("a", 0)[1] == 1
    assert len(index) == 2


def test_unknown_paragraph_is_a_key_error() -> None:
    index = ParagraphIndex()
    index.add_article("a", [Entry(0, DISCLAIMER, "")])
    with pytest.raises(KeyError, match="paragraph 7 of article a"):
        index.cluster("a", 7)


def test_save_and_load_round_trip(tmp_path) -> None:
    path = tmp_path / "idx.pkl"
    index = ParagraphIndex()
    index.add_article("a", [Entry(0, DISCLAIMER, "")])
    index.save(path)
    loaded = ParagraphIndex.load(path)
    loaded.add_article("b", [Entry(0, NEAR, "")])
    assert loaded.cluster("b", 0) == loaded.cluster("a", 0)
    assert loaded.cluster("a", 0)[1] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["idx.pkl"]  # no temp file left behind


def test_load_refuses_other_settings(tmp_path) -> None:
    path = tmp_path / "idx.pkl"
    ParagraphIndex().save(path)
    with pytest.raises(IndexSettingsMismatch, match="delete it to rebuild"):
        ParagraphIndex.load(path, DedupSettings(num_perm=64))


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps((99, None, {}))])
def test_load_names_a_bad_file(tmp_path, content: bytes) -> None:
    path = tmp_path / "idx.pkl"
    path.write_bytes(content)
    with pytest.raises(IndexFileError, match="idx.pkl"):
        ParagraphIndex.load(path)


def test_open_without_a_file_gives_an_empty_index(tmp_path) -> None:
    index = ParagraphIndex.open(tmp_path / "missing.pkl")
    assert len(index) == 0 and index.n_templates == 0


def test_open_with_rebuild_replaces_an_index_of_other_settings(tmp_path) -> None:
    path = tmp_path / "idx.pkl"
    old = ParagraphIndex(DedupSettings(threshold=0.9))
    old.add_article("a", [Entry(0, DISCLAIMER, "")])
    old.save(path)
    with pytest.raises(IndexSettingsMismatch):
        ParagraphIndex.open(path, DedupSettings())
    fresh = ParagraphIndex.open(path, DedupSettings(), rebuild=True)
    assert len(fresh) == 0 and fresh.settings == DedupSettings()


# Three templates: X and Y share a third of their n-grams, Z contains both (about 2/3 of each).
_P = "参保人员办理异地就医备案以后可以直接结算住院费用"
_Q = "个人账户的余额能够结转使用并且可以依法继承不清零"
_R = "家庭共济让配偶父母子女在定点药店购药也能够支付"
X, Y, Z = _P + _Q, _Q + _R, _P + _Q + _R
LOW = DedupSettings(threshold=0.5)


def test_removing_the_bridge_splits_the_cluster_like_a_full_run() -> None:
    index = ParagraphIndex(LOW)
    index.add_article("x", [Entry(0, X, "")])
    index.add_article("y", [Entry(0, Y, "")])
    index.add_article("z", [Entry(0, Z, "")])
    assert index.cluster("x", 0) == index.cluster("y", 0)  # joined through Z
    index.remove_article("z")
    assert index.needs_compacting
    index.compact()
    fresh = ParagraphIndex(LOW)
    fresh.add_article("x", [Entry(0, X, "")])
    fresh.add_article("y", [Entry(0, Y, "")])
    assert index.cluster("x", 0) != index.cluster("y", 0)
    assert (index.cluster("x", 0), index.cluster("y", 0)) == (fresh.cluster("x", 0), fresh.cluster("y", 0))
    assert index.n_templates == 2 and not index.needs_compacting


def test_compact_survives_save_and_load(tmp_path) -> None:
    index = ParagraphIndex(LOW)
    for name, text in (("x", X), ("y", Y), ("z", Z)):
        index.add_article(name, [Entry(0, text, "")])
    index.add_article("z", [Entry(0, OTHER, "")])  # an edit: Z is no longer used
    index.save(tmp_path / "idx.pkl")
    loaded = ParagraphIndex.load(tmp_path / "idx.pkl")
    loaded.compact()
    loaded.add_article("w", [Entry(0, X, "")])
    assert loaded.cluster("w", 0) == loaded.cluster("x", 0) != loaded.cluster("y", 0)
    assert loaded.cluster("x", 0)[1] == 2


# --------------------------------------------------------------------------- datasketch parity


@pytest.mark.parametrize("num_perm", [64, 128])
def test_permutations_are_datasketchs_affine32_ones(num_perm):
    datasketch = pytest.importorskip("datasketch")
    from pipelines.lsh_index import MINHASH_SEED, permutations

    expected = datasketch.MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme="affine32").permutations
    assert np.array_equal(permutations(num_perm), expected)


@pytest.mark.parametrize("num_perm", [64, 128])
@pytest.mark.parametrize("threshold", [0.05, 0.3, 0.5, 0.6, 0.75, 0.8, 0.85, 0.9, 0.95])
def test_band_layout_is_the_one_datasketch_chooses(threshold, num_perm):
    lsh = pytest.importorskip("datasketch.lsh")
    from pipelines.lsh_index import band_layout

    assert band_layout(threshold, num_perm) == lsh._optimal_param(threshold, num_perm, 0.5, 0.5)


def test_band_index_proposes_rows_sharing_a_band_and_no_others():
    from pipelines.lsh_index import BandIndex

    index = BandIndex(0.8, 128)
    base = np.arange(128, dtype=np.uint32)
    one_band_changed = base.copy()
    one_band_changed[: index.rows] += 1
    unrelated = base + 1000
    for row, signature in enumerate((base, one_band_changed)):
        index.insert(row, index.keys(signature))
    assert index.query(index.keys(base)) == {0, 1}
    assert index.query(index.keys(unrelated)) == set()


def test_a_partition_is_only_compared_with_itself() -> None:
    near = NearDuplicates(0.8, 128, 5)
    text = "退休人员医保个人账户每月划入的金额按上年度养老金的百分之二计算"
    assert near.add(text) == (0, [])
    signature = near.signature(text)
    assert near.add_signature(signature, partition="资阳市") == (1, [])
    assert near.add_signature(signature, partition="福州市") == (2, [])
    assert near.add_signature(signature, partition="资阳市") == (3, [1])
    assert near.add_signature(signature) == (4, [0])
