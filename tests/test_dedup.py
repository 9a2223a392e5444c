"""Tests for paragraph clustering, boilerplate flags, duplicate articles and claim clusters (pipelines.dedup)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from extractors.keys import sha256_text
from extractors.records import Article, Claim, Paragraph
from extractors.urls import article_id, site_of
from pipelines.dedup import (
    DedupSettings,
    DedupSettingsMismatch,
    ParagraphIndex,
    attach_clusters,
    cluster_paragraphs,
    merge_duplicate_articles,
    refresh_rows,
)
from pipelines.normalise import normalise, value_signature

SHANGHAI = timezone(timedelta(hours=8))
BASE = "https://www.shebao.example"

# Our own wording: a disclaimer, a templated intro with the injected city, a query blurb, and
# rule sentences that share a template but state different values.
DISCLAIMER = "本站内容仅供参考，具体以当地医疗保障部门公布的办法为准。"
INTRO = "本文带您了解{city}退休人员医保卡每月到账多少，一起往下看。"
QUERY = "查询到账记录可以登录国家医保服务平台，在个人账户栏目里查看每月明细。"
RULE = "{city}退休人员每月按当地上年度人均基本养老金的{ratio}划入个人账户。"


def make_article(path: str, city: str, texts: list[str], *, day: int = 1, title: str | None = None) -> Article:
    """An Article built by hand; the body is the given paragraphs in order."""
    url = BASE + path
    paragraphs = tuple(Paragraph(ordinal=i, text=t) for i, t in enumerate(texts))
    return Article(
        article_id=article_id(url), url=url, site=site_of(url), title=title or f"{city}医保每月返多少",
        published_at=datetime(2026, 3, day, 9, 0, tzinfo=SHANGHAI), fetched_at=None,
        title_region=city + "市", content_sha256=sha256_text("\n".join(texts)), extractor="test",
        paragraphs=paragraphs,
    )


def rows_by(rows, article: Article):
    return {r.ordinal: r for r in rows if r.article_id == article.article_id}


def cluster_of(rows, article: Article, ordinal: int) -> str:
    return rows_by(rows, article)[ordinal].cluster_id


def test_same_text_city_swapped_and_punctuation_changed_share_a_cluster() -> None:
    a = make_article("/a/1.html", "宁安", [INTRO.format(city="宁安"), DISCLAIMER])
    b = make_article("/a/2.html", "海城", [INTRO.format(city="海城"), DISCLAIMER.replace("，", ",")])
    c = make_article("/a/3.html", "晋中", [INTRO.format(city="晋中"), DISCLAIMER])
    rows = cluster_paragraphs([a, b, c])
    for ordinal in (0, 1):
        assert len({cluster_of(rows, art, ordinal) for art in (a, b, c)}) == 1
    assert all(r.cluster_size == 3 and r.is_boilerplate for r in rows)


def test_a_few_changed_characters_still_cluster() -> None:
    a = make_article("/b/1.html", "宁安", [QUERY])
    b = make_article("/b/2.html", "海城", [QUERY.replace("可以登录", "可登录")])
    rows = cluster_paragraphs([a, b])
    assert cluster_of(rows, a, 0) == cluster_of(rows, b, 0)
    assert len({r.norm_hash for r in rows}) == 2  # the texts differ, the cluster does not


def test_trap_same_template_different_values_never_share_a_cluster() -> None:
    """"…的2%划入" vs "…的2.2%划入": ~0.89 similar, but two different pieces of evidence."""
    a = make_article("/c/1.html", "宁安", [RULE.format(city="宁安", ratio="2%")])
    b = make_article("/c/2.html", "海城", [RULE.format(city="海城", ratio="2.2%")])
    c = make_article("/c/3.html", "宁安", [RULE.format(city="宁安", ratio="2%")], day=2)
    rows = cluster_paragraphs([a, b, c])
    assert cluster_of(rows, a, 0) != cluster_of(rows, b, 0)
    assert cluster_of(rows, a, 0) == cluster_of(rows, c, 0)
    assert rows_by(rows, b)[0].cluster_size == 1


def test_same_value_for_two_named_places_are_two_clusters() -> None:
    a = make_article("/d/1.html", "宁安", ["晋中市退休人员每月划入个人账户120元。"])
    b = make_article("/d/2.html", "宁安", ["辽阳市退休人员每月划入个人账户120元。"])
    rows = cluster_paragraphs([a, b])
    assert cluster_of(rows, a, 0) != cluster_of(rows, b, 0)


def test_different_text_with_shared_phrases_stays_apart() -> None:
    a = make_article("/e/1.html", "宁安", ["退休人员的医保个人账户由统筹基金按月划入，用于门诊和药店购药。"])
    b = make_article("/e/2.html", "海城", ["在职职工的医保个人账户由本人缴费的一部分构成，可以家庭共济使用。"])
    rows = cluster_paragraphs([a, b])
    assert cluster_of(rows, a, 0) != cluster_of(rows, b, 0)
    assert not any(r.is_boilerplate for r in rows)


def test_boilerplate_needs_enough_distinct_articles() -> None:
    unique = "宁安这位读者来信说，去年搬家后医保关系转移花了两个星期。"
    a = make_article("/f/1.html", "宁安", [DISCLAIMER, unique, DISCLAIMER])  # twice in one article
    b = make_article("/f/2.html", "海城", [DISCLAIMER])
    rows = cluster_paragraphs([a, b])
    assert all(r.cluster_size == 2 for r in rows if r.text == DISCLAIMER)
    assert not any(r.is_boilerplate for r in rows)  # 2 articles < 3
    rows3 = cluster_paragraphs([a, b], settings=DedupSettings(boilerplate_min_articles=2))
    assert [r.is_boilerplate for r in rows_by(rows3, a).values()] == [True, False, True]


def test_every_paragraph_gets_a_row_with_its_ordinal_and_section() -> None:
    a = make_article("/g/1.html", "宁安", ["一、怎么查询", QUERY])
    a = replace(a, paragraphs=(Paragraph(3, "一、怎么查询", None, "heading"), Paragraph(5, QUERY, "一、怎么查询")))
    rows = cluster_paragraphs([a])
    assert [(r.ordinal, r.section, r.text) for r in rows] == [(3, None, "一、怎么查询"), (5, "一、怎么查询", QUERY)]


def test_cluster_ids_do_not_depend_on_article_order() -> None:
    arts = [make_article(f"/h/{i}.html", city, [INTRO.format(city=city), DISCLAIMER, RULE.format(city=city, ratio=r)])
            for i, (city, r) in enumerate([("宁安", "2%"), ("海城", "2.2%"), ("晋中", "2%"), ("辽阳", "3%")])]
    forward = {(r.article_id, r.ordinal): r for r in cluster_paragraphs(arts)}
    backward = {(r.article_id, r.ordinal): r for r in cluster_paragraphs(arts[::-1])}
    assert forward == backward


def test_incremental_runs_give_the_same_rows_as_a_full_run(tmp_path) -> None:
    cities = [("宁安", "2%"), ("海城", "2.2%"), ("晋中", "2%"), ("辽阳", "3%"), ("宁安", "2%"), ("海城", "3%")]
    arts = [make_article(f"/i/{i}.html", city, [INTRO.format(city=city), DISCLAIMER, RULE.format(city=city, ratio=r),
                                                 f"{city}第{i}位读者的来信内容各不相同，编号{i}。"], day=i + 1)
            for i, (city, r) in enumerate(cities)]
    full = cluster_paragraphs(arts)

    path = tmp_path / "work" / "paragraph_index.pkl"
    rows = []
    for batch in (arts[:2], arts[2:3], arts[3:]):
        index = ParagraphIndex.open(path)
        rows = refresh_rows(rows + cluster_paragraphs(batch, index=index), index)
        index.save(path)
    assert sorted(rows, key=_key) == sorted(full, key=_key)


def _key(row):
    return row.article_id, row.ordinal


def test_take_touched_names_articles_whose_clusters_grew() -> None:
    index = ParagraphIndex()
    a = make_article("/j/1.html", "宁安", [DISCLAIMER])
    b = make_article("/j/2.html", "海城", ["海城本地的一段独有说明文字。"])
    cluster_paragraphs([a, b], index=index)
    index.take_touched()
    c = make_article("/j/3.html", "晋中", [DISCLAIMER])
    cluster_paragraphs([c], index=index)
    assert index.take_touched() == {a.article_id, c.article_id}


def test_index_settings_must_match() -> None:
    index = ParagraphIndex(DedupSettings(threshold=0.9))
    with pytest.raises(DedupSettingsMismatch, match="rebuild"):
        cluster_paragraphs([make_article("/k/1.html", "宁安", [DISCLAIMER])], index=index)


def test_attach_clusters_by_article_and_ordinal() -> None:
    a = make_article("/l/1.html", "宁安", [DISCLAIMER, RULE.format(city="宁安", ratio="2%")])
    rows = cluster_paragraphs([a])
    claim = Claim(region="宁安市", region_code="231084", population="retiree", age_min=None, age_max=None,
                  method="ratio", monthly_yuan=None, amount_yuan=None, period=None, ratio_min=0.02,
                  ratio_max=0.02, base="regional_avg_pension", approximate=False, deduction_yuan=None,
                  evidence=a.paragraphs[1].text, article_id=a.article_id, paragraph_ordinal=1)
    stray = replace(claim, paragraph_ordinal=9)
    out = attach_clusters([claim, stray], rows)
    assert out[0].cluster_id == cluster_of(rows, a, 1)
    assert out[1].cluster_id is None


# --------------------------------------------------------------------------- duplicate articles


def test_same_body_under_two_urls_is_one_article() -> None:
    texts = [INTRO.format(city="宁安"), "宁安这篇文章独有的一段话，讲的是异地就医备案。"]
    desktop = make_article("/news/2026/0301/88.html?page=1", "宁安", texts, day=2)
    mobile = make_article("/m/88.html", "宁安", texts, day=1)
    other = make_article("/news/99.html", "海城", [INTRO.format(city="海城"), "海城独有的另一段话。"])
    merged = merge_duplicate_articles([desktop, other, mobile])
    assert [a.url for a in merged] == [mobile.url, other.url]  # earliest published is primary
    assert merged[0].alternate_urls == (desktop.url,)
    assert merged[1].alternate_urls == ()


def test_near_identical_body_is_one_article_and_primary_is_shortest_url_on_a_tie() -> None:
    body = [f"第{i}段：宁安市医保个人账户的说明文字，每一段都写得不一样，编号{i}。" for i in range(12)]
    repost = body[:-1] + [body[-1] + "（转载）"]
    a = make_article("/news/long-name-88.html", "宁安", body)
    b = make_article("/r/88.html", "宁安", repost)
    merged = merge_duplicate_articles([a, b])
    assert len(merged) == 1
    assert merged[0].url == b.url and merged[0].alternate_urls == (a.url,)


def test_articles_sharing_boilerplate_are_not_merged() -> None:
    shared = [INTRO.format(city="宁安"), DISCLAIMER, QUERY]
    a = make_article("/s/1.html", "宁安", [*shared, "宁安的独有规定：70周岁以下每月划入120元。"])
    b = make_article("/s/2.html", "宁安", [*shared, "宁安的另一篇：异地就医需要先在线备案。"])
    assert len(merge_duplicate_articles([a, b])) == 2


def test_rerunning_unchanged_articles_changes_nothing_and_an_edit_is_picked_up() -> None:
    index = ParagraphIndex()
    a = make_article("/m/1.html", "宁安", [DISCLAIMER, "宁安独有的一段。"])
    b = make_article("/m/2.html", "海城", [DISCLAIMER])
    first = cluster_paragraphs([a, b], index=index)
    index.take_touched()
    assert cluster_paragraphs([a, b], index=index) == first
    assert index.take_touched() == set()
    edited = replace(b, paragraphs=(Paragraph(0, "海城改写后的内容，和免责声明无关。"),))
    rows = cluster_paragraphs([edited], index=index)
    assert rows[0].cluster_size == 1
    assert rows_by(refresh_rows(first, index), a)[0].cluster_size == 1


# --------------------------------------------------------------------------- third-party seeds (read only)

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seed_articles() -> list[Article]:
    """The seed texts as Articles: line 1 title, line 2 date+site, then one paragraph per line."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS}")
    articles = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        articles.append(make_article(f"/seed/{path.stem}.html", "", lines[2:], title=lines[0]))
    return [replace(a, title_region=None) for a in articles]


def test_seed_paragraphs_copied_verbatim_across_seeds_cluster_together() -> None:
    articles = seed_articles()
    rows = cluster_paragraphs(articles)
    copies: dict[str, set[str]] = {}
    for row in rows:
        copies.setdefault(row.norm_hash, set()).add(row.article_id)
    shared = [r for r in rows if len(copies[r.norm_hash]) >= 2]
    assert shared, "the seeds are expected to share paragraphs"
    for row in shared:
        assert row.cluster_size >= len(copies[row.norm_hash])
    for row in rows:
        if len(copies[row.norm_hash]) >= DedupSettings().boilerplate_min_articles:
            assert row.is_boilerplate


def test_one_template_filled_for_two_cities_stays_two_articles() -> None:
    body = [f"第{i}段：医保个人账户的说明文字，每一段都写得不一样，编号{i}。" for i in range(12)]
    a = make_article("/t/1.html", "宁安", body)
    b = make_article("/t/2.html", "海城", body[:-1] + [body[-1] + "。"])
    assert len(merge_duplicate_articles([a, b])) == 2


def test_identical_body_under_two_title_cities_stays_two_articles() -> None:
    body = [INTRO.format(city="本地"), DISCLAIMER]
    a = make_article("/u/1.html", "宁安", body)
    b = make_article("/u/2.html", "海城", body)
    assert a.content_sha256 == b.content_sha256
    assert len(merge_duplicate_articles([a, b])) == 2


def test_title_city_the_extractor_missed_is_still_masked() -> None:
    """大同 opens the title but the region table finds it in free text only as 大同市."""
    a = replace(make_article("/v/1.html", "大同", [INTRO.format(city="大同")], title="大同退休人员医保卡每月打入多少钱"),
                title_region=None)
    b = make_article("/v/2.html", "宁安", [INTRO.format(city="宁安")])
    c = make_article("/v/3.html", "海城", [INTRO.format(city="海城")])
    rows = cluster_paragraphs([a, b, c], settings=DedupSettings(threshold=0.95))
    assert len({r.cluster_id for r in rows}) == 1


# --------------------------------------------------------------------------- the sample site

SAMPLE_HOST = "http://127.0.0.1:8000"
# Template ids of the generator that are disclaimers, tips, query blurbs and templated intros/headings.
MUST_BE_BOILERPLATE = ("disclaimer", "tip", "query_online", "query_offline", "query_phone",
                       "intro_a", "intro_b", "intro_c", "heading_amount", "heading_query", "summary")


@pytest.fixture(scope="module")
def sample_site():
    """(facts, parsed articles, merged articles, rows) of the committed sample site."""
    html = pytest.importorskip("extractors.html")
    site = pytest.importorskip("pipelines.sample_site")
    facts = site.load_facts()
    articles = [
        html.parse_html((site.SAMPLE_SITE_DIR / f.path).read_bytes(), SAMPLE_HOST + f.url_path,
                        content_type=f.content_type)
        for f in facts.articles
    ]
    merged = merge_duplicate_articles(articles)
    return facts, articles, merged, cluster_paragraphs(merged)


def _rows_by_url(sample_site):
    _, _, merged, rows = sample_site
    url_of = {a.article_id: a.url for a in merged}
    out: dict[str, list] = {}
    for row in rows:
        out.setdefault(url_of[row.article_id], []).append(row)
    return out


def test_sample_site_templates_are_boilerplate_and_single_paragraphs_are_not(sample_site) -> None:
    facts = sample_site[0]
    by_url = _rows_by_url(sample_site)
    checked = {True: 0, False: 0}
    for article in facts.articles:
        if article.duplicate_of is not None:
            continue
        flags = {normalise(r.text): r.is_boilerplate for r in by_url[SAMPLE_HOST + article.url_path]}
        for paragraph in article.paragraphs:
            if paragraph.boilerplate_id in MUST_BE_BOILERPLATE:
                assert flags[normalise(paragraph.text)], (article.url_path, paragraph.text)
                checked[True] += 1
        for text in article.unique_paragraphs:
            if not any(p.boilerplate_id for p in article.paragraphs if p.text == text):
                assert not flags[normalise(text)], (article.url_path, text)
                checked[False] += 1
    assert checked[True] > 100 and checked[False] > 20


def test_sample_site_duplicate_urls_become_one_article(sample_site) -> None:
    facts, articles, merged, _ = sample_site
    assert len(merged) == len(articles) - len(facts.duplicate_urls)
    by_url = {a.url: a for a in merged}
    for original, copy in facts.duplicate_urls:
        assert SAMPLE_HOST + copy in by_url[SAMPLE_HOST + original].alternate_urls


def test_sample_site_claim_paragraphs_of_different_values_never_share_a_cluster(sample_site) -> None:
    _, _, _, rows = sample_site
    signatures: dict[str, set[str]] = {}
    for row in rows:
        signatures.setdefault(row.cluster_id, set()).add(value_signature(row.text))
    assert all(len(sigs) == 1 for sigs in signatures.values())


def test_sample_site_incremental_batches_equal_the_full_run(sample_site, tmp_path) -> None:
    _, _, merged, full = sample_site
    path = tmp_path / "paragraph_index.pkl"
    rows: list = []
    for batch in (merged[:20], merged[20:21], merged[21:]):
        index = ParagraphIndex.open(path)
        templates_before = index.n_templates
        rows = refresh_rows(rows + cluster_paragraphs(batch, index=index), index)
        assert index.n_templates - templates_before <= sum(len(a.paragraphs) for a in batch)  # work ~ batch
        index.save(path)
    assert sorted(rows, key=_key) == sorted(full, key=_key)


def test_incremental_with_an_edited_article_equals_a_full_run() -> None:
    bridge = "参保人员办理异地就医备案以后可以直接结算住院费用个人账户的余额能够结转使用并且可以依法继承不清零家庭共济让配偶父母子女在定点药店购药也能够支付"
    a = make_article("/w/1.html", "宁安", [bridge[:50]])
    b = make_article("/w/2.html", "海城", [bridge[24:]])
    c = make_article("/w/3.html", "晋中", [bridge])
    settings = DedupSettings(threshold=0.5)
    index = ParagraphIndex(settings)
    rows = cluster_paragraphs([a, b, c], index=index, settings=settings)
    assert len({r.cluster_id for r in rows}) == 1
    edited = replace(c, paragraphs=(Paragraph(0, "晋中这篇改成了完全不同的内容。"),))
    rows = refresh_rows(rows[:2] + cluster_paragraphs([edited], index=index, settings=settings), index, settings)
    full = cluster_paragraphs([a, b, edited], settings=settings)
    assert sorted(rows, key=_key) == sorted(full, key=_key)
    assert len({r.cluster_id for r in full}) == 3
