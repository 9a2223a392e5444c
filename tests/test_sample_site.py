"""The sample site: deterministic, committed copy up to date, and facts that match the pages by construction."""

from __future__ import annotations

import itertools
import re
import tracemalloc
from pathlib import Path

import lxml.html
import pytest

from pipelines.sample_site import (
    SAMPLE_FACTS_PATH,
    SAMPLE_SITE_DIR,
    ArticleFacts,
    SiteDirError,
    SiteFacts,
    generate_site,
    iter_site_articles,
    iter_site_pages,
    load_facts,
    start_urls,
)
from pipelines.sample_site.records import RuleFact
from pipelines.sample_site.world import TemplateError, check_tokens, token_value

REGENERATE = "the committed sample site is stale: run `python -m pipelines.sample_site` and commit data/sample_site and data/sample_facts.json"
# Where the body is, per layout (the contract the HTML extractor's site profiles read).
BODY_XPATH = {
    "desktop": '//div[@class="article-content"]',
    "legacy": '//td[@id="zoom"]',
    "mobile": '//article[@class="m-article"]//section[@class="m-body"]',
}


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def page_parts(art: ArticleFacts, root: Path = SAMPLE_SITE_DIR) -> tuple[str, str]:
    """(body text, whole page text) of an article of the committed site."""
    return body_and_page((root / art.path).read_bytes(), art)


def body_and_page(raw: bytes, art: ArticleFacts) -> tuple[str, str]:
    """(body text, whole page text) of an article page's bytes."""
    doc = lxml.html.document_fromstring(raw.decode(art.encoding))
    (body,) = doc.xpath(BODY_XPATH[art.template])
    return body.text_content(), doc.text_content()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteFacts]:
    """The default site generated anew."""
    out = tmp_path_factory.mktemp("site") / "sample_site"
    return out, generate_site(out)


def test_committed_site_equals_a_fresh_generation(fresh: tuple[Path, SiteFacts]) -> None:
    out, facts = fresh
    committed, regenerated = tree_bytes(SAMPLE_SITE_DIR), tree_bytes(out)
    assert sorted(committed) == sorted(regenerated), REGENERATE
    changed = [path for path in committed if committed[path] != regenerated[path]]
    assert not changed, f"{REGENERATE} (differs: {changed[:5]})"
    assert SAMPLE_FACTS_PATH.read_text(encoding="utf-8") == facts.to_json(), REGENERATE


def test_generation_is_deterministic(tmp_path: Path, fresh: tuple[Path, SiteFacts]) -> None:
    out, facts = fresh
    again = generate_site(tmp_path / "again")
    assert tree_bytes(tmp_path / "again") == tree_bytes(out)
    assert again == facts


def test_other_seed_gives_other_site(tmp_path: Path, fresh: tuple[Path, SiteFacts]) -> None:
    other = generate_site(tmp_path / "other", seed=8)
    assert [a.title for a in other.articles] != [a.title for a in fresh[1].articles]


def test_zero_articles_is_refused_before_touching_the_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one article"):
        generate_site(tmp_path / "site", n_articles=0)
    assert not (tmp_path / "site").exists()


def test_facts_round_trip() -> None:
    facts = load_facts()
    assert SiteFacts.from_json(facts.to_json()) == facts


def test_refuses_to_overwrite_a_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SiteDirError, match="not overwriting"):
        generate_site(tmp_path, n_articles=2)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_every_claim_number_and_evidence_is_in_the_body(sample_facts: SiteFacts) -> None:
    squash = re.compile(r"\s+")
    for art in sample_facts.articles:
        body, _ = page_parts(art)
        flat = squash.sub("", body)
        for claim in art.expected_claims:
            for number in claim.number_texts:
                assert number in body, (art.url_path, claim.region, number)
            for evidence in claim.evidence:
                assert squash.sub("", evidence.replace(" | ", "")) in flat, (art.url_path, evidence)


def test_traps_are_outside_the_body_only(sample_facts: SiteFacts) -> None:
    claimed = {c.region for a in sample_facts.articles for c in a.expected_claims}
    assert not claimed & set(sample_facts.trap_regions)
    for art in sample_facts.articles:
        body, page = page_parts(art)
        assert art.traps, art.url_path
        for trap in art.traps:
            assert trap.text in page and trap.text not in body, (art.url_path, trap.text)
            assert trap.region[:2] not in body, (art.url_path, trap.region)


def test_title_city_never_states_a_rule(sample_facts: SiteFacts) -> None:
    for art in sample_facts.articles:
        assert art.title_city in art.title
        assert art.title_region not in {c.region for c in art.expected_claims}


def test_paragraph_facts_are_the_body_in_order(sample_facts: SiteFacts) -> None:
    for art in sample_facts.articles:
        body, _ = page_parts(art)
        flat = re.sub(r"\s+", "", body)
        position = 0
        for para in art.paragraphs:
            text = re.sub(r"\s+", "", para.text.replace(" | ", ""))
            found = flat.find(text, position)
            assert found >= 0, (art.url_path, para.text)
            position = found + len(text)


def test_boilerplate_repeats_and_unique_paragraphs_do_not(sample_facts: SiteFacts) -> None:
    originals = [a for a in sample_facts.articles if a.duplicate_of is None]
    for bid in ("disclaimer", "tip", "query_online", "bp_national", "bp_fixed"):
        users = [a for a in originals if any(p.boilerplate_id == bid for p in a.paragraphs)]
        assert len(users) >= len(originals) // 2, bid
    unique = [t for a in originals for t in a.unique_paragraphs]
    assert len(unique) == len(set(unique)) >= len(originals)


@pytest.mark.parametrize(
    ("declared", "encoding"), [("header", "gbk"), ("meta", "gbk"), ("none", "gb18030")]
)
def test_chinese_legacy_charsets(sample_facts: SiteFacts, declared: str, encoding: str) -> None:
    (art,) = [a for a in sample_facts.articles if a.charset_declared == declared]
    raw = (SAMPLE_SITE_DIR / art.path).read_bytes()
    assert art.encoding == encoding
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode(encoding)
    assert art.title in text
    assert ("charset=" in text) == (declared == "meta")
    assert ("charset=" in art.content_type) == (declared == "header")


def test_changed_region_newest_wins(sample_facts: SiteFacts) -> None:
    change = sample_facts.changed_region
    assert change is not None and change.old_date < change.new_date
    assert change.old_monthly_yuan != change.new_monthly_yuan
    (rule,) = [r for r in sample_facts.expected_rules if r.region_code == change.region_code]
    assert (rule.monthly_yuan, rule.status) == (change.new_monthly_yuan, "resolved")


def test_site_features_are_present(sample_facts: SiteFacts) -> None:
    templates = {a.template for a in sample_facts.articles}
    assert templates == {"desktop", "legacy", "mobile"}
    assert sum(a.duplicate_of is None for a in sample_facts.articles) == 48
    assert {Path(copy).parts[1] for _, copy in sample_facts.duplicate_urls} == {"m", "zhuanzai"}
    assert {"utm_source", "from", "spm"} <= {re.split(r"[?=]", t)[1] for t, _ in sample_facts.tracking_urls}
    styles = {a.published_text[:2] for a in sample_facts.articles}
    assert {"发布", "日期"} <= styles
    rules = {(r.region, r.age_min, r.age_max) for r in sample_facts.expected_rules}
    assert {("天津市", 70, 80), ("重庆市", None, 75), ("全国", None, None), ("江苏省", None, None)} <= rules


def test_robots_disallows_linked_paths_and_lists_sitemap(sample_facts: SiteFacts) -> None:
    robots = (SAMPLE_SITE_DIR / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: {{BASE_URL}}/sitemap.xml" in robots
    home = (SAMPLE_SITE_DIR / "index.html").read_text(encoding="utf-8")
    for path in sample_facts.robots_disallowed:
        assert any(line.startswith("Disallow: /" + path.split("/")[1]) for line in robots.splitlines()), path
    assert "/admin/login.html" in home
    article = (SAMPLE_SITE_DIR / sample_facts.articles[0].path).read_text(encoding="utf-8")
    assert "/print/" in article and "http://other.example/" in article and "/static/css/main.css" in article


def test_listing_pages_are_newest_first(sample_facts: SiteFacts) -> None:
    dates = re.compile(r'<span class="date">(\d{4}-\d{2}-\d{2})</span>')
    for category in ("yibao", "tuixiu", "wenda"):
        pages = [p for p in sample_facts.listing_paths if p.startswith(f"/{category}/")]
        found = [dates.findall((SAMPLE_SITE_DIR / p.lstrip("/")).read_text(encoding="utf-8")) for p in pages]
        assert all(0 < len(entries) <= 10 for entries in found), category
        flat = [d for entries in found for d in entries]
        assert flat == sorted(flat, reverse=True), category
    assert "/yibao/index_3.html" in sample_facts.listing_paths


def test_start_urls() -> None:
    assert start_urls("http://127.0.0.1:8000") == ["http://127.0.0.1:8000/"]


def test_iter_site_pages_streams_a_large_site_in_bounded_memory() -> None:
    tracemalloc.start()
    pages = list(itertools.islice((p for p in iter_site_pages(100_000) if p.kind == "article"), 200))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len({p.path for p in pages}) == 200
    assert peak < 64 * 1024 * 1024


def test_large_site_pages_look_real() -> None:
    sizes = [len(p.body) for p in iter_site_pages(600, seed=3) if p.kind == "article"]
    assert len(sizes) >= 600
    assert 20_000 <= sum(sizes) / len(sizes) <= 35_000


@pytest.mark.parametrize(("n_articles", "seed"), [(120, 1), (90, 2), (60, 11)])
def test_streamed_articles_state_what_their_facts_say(n_articles: int, seed: int) -> None:
    """Beyond the hand-placed 48 articles (extra places, other seeds) the facts still match the bodies."""
    places: set[str] = set()
    for page, art in iter_site_articles(n_articles, seed):
        body, full = body_and_page(page.body, art)
        assert page.content_type == art.content_type
        for claim in art.expected_claims:
            places.add(claim.region)
            assert all(number in body for number in claim.number_texts), (page.path, claim)
        assert all(t.text in full and t.text not in body for t in art.traps), page.path
    assert len(places) > 20


@pytest.mark.parametrize(
    ("text", "value"),
    [("100", 100.0), ("１３０", 130.0), ("1,800", 1800.0), ("２．８", 2.8), ("一百一十五", 115.0), ("二点五", 2.5)],
)
def test_token_values_as_written(text: str, value: float) -> None:
    assert token_value(text) == value


def test_a_template_whose_number_disagrees_with_its_fact_is_refused() -> None:
    fact = RuleFact("北京市", "110000", method="fixed", amount_yuan=100, period="month")
    assert check_tokens("北京市每月⟦0a:１００⟧元。", (fact,)) == [(0, "１００")]
    with pytest.raises(TemplateError, match="fact 0 says 100"):
        check_tokens("北京市每月⟦0a:110⟧元。", (fact,))
