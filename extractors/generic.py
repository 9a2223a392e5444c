"""Generic main-content path: prune page furniture, score block containers, walk the body into blocks.

Scoring follows readability/trafilatura: every paragraph-like text gives weight to its container
(and half to the container's parent); the best container, discounted by its link density, is the
article body. Pruning removes what is never body: drop-listed class/id names (nav, sidebar,
comment, related …) and blocks opened by a label such as 相关推荐 or 网友评论 (decoration and counts
such as 【】 and （2） are read through).

The headline anchors the body when the page shows one (html.headline_element): what holds it is never
furniture, a labelled block stops at it, a container wholly before it is not the body, and a body box
that holds it loses what it shows above it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from lxml import etree

from extractors.cleaning import clean_text, element_text, visible_len

# Elements that never hold article text.
NEVER_BODY_TAGS = ("script", "style", "noscript", "iframe", "form", "svg", "button", "select",
                   "textarea", "input", "nav", "aside", "footer", "template", "object", "embed",
                   # an image caption (图为…服务大厅，摄于2025年) describes a photo, not the policy
                   "figcaption",
                   # AMP pages: ads (their fallback text is a teaser), embeds, the slide-in menu, tracking
                   "amp-ad", "amp-embed", "amp-sticky-ad", "amp-auto-ads", "amp-sidebar", "amp-analytics",
                   "amp-consent", "amp-user-notification")
# class/id words of page furniture (trafilatura's "discard" xpaths, plus pinyin names seen on Chinese sites).
DROP_NAME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|sidebar|side|sidebox|aside|right|comments?|pinglun|reply|cmt|"
    r"discuss|liuyan|guestbook|statement|disclaimer|shengming|mianze|"
    r"footer|foot|related|relate|xiangguan|recommend|tuijian|share|sharebar|bdshare|breadcrumbs?|crumbs?|"
    r"bread|position|location|ads?|advert|banner|guanggao|hot|hotnews|remen|rank|paihang|toolbar|"
    r"pager|pagination|pages|copyright|login|search|friendlinks?|links|youqing|tags|keywords|"
    # WordPress share and related-post plugins (Jetpack's div.sharedaddy 分享此文：; wordpress_dalian), sidebar widgets
    r"sharedaddy|addtoany|jp-relatedposts|widget|widgets|advertisement|fenxiang|daohang|"
    # pinyin initials of Chinese CMS templates: 相关文章/文件/新闻/阅读, 推荐阅读, 热门文章/推荐, 热点推荐
    r"xgwz|xgwj|xgxw|xgyd|tjyd|rmwz|rmtj|rdtj)(?=$|[\s_-]|\d)",
    re.I,
)
# Bootstrap/Tailwind utility classes that contain a furniture word (text-right, float-right, position-relative).
# (m-nav, m-share of mobile sites are furniture: only these prefixes are utilities.)
CSS_UTILITY = re.compile(r"(?<!\S)(?:text|float|pull|position|border|rounded)-\S*")
# A drop-listed element holding more than this share of the page's text is the article itself, keep it.
DROP_GUARD_SHARE = 0.6
# Labels that open a block which is not the article (related lists, hot lists, comments).
LABELS = ("相关推荐", "相关阅读", "相关文章", "相关链接", "相关资讯", "热门文章", "热门推荐", "热门阅读", "热点文章",
          "热点推荐", "猜你喜欢", "推荐阅读", "延伸阅读", "最新文章", "最新资讯", "大家都在看", "你可能感兴趣",
          "您可能感兴趣", "网友评论", "精彩评论", "最新评论", "发表评论", "全部评论", "热门评论", "评论区", "评论",
          "排行榜", "阅读排行", "点击排行", "精彩推荐", "为你推荐", "推荐文章", "热门问答", "大家都在问",
          "网友问答", "常见问题", "读者来信", "读者留言", "网友留言", "精选留言", "写留言", "留言板", "往期推荐",
          "往期回顾", "往期精选", "分享此文", "分享本文", "更多推荐", "更多阅读", "更多文章", "更多资讯", "相关新闻",
          "热点新闻", "热门资讯", "编辑推荐", "本站推荐", "今日推荐", "猜您喜欢", "看了本文的人还看了", "大家还看了",
          "参考资料", "参考文献", "参考来源")
_LABEL_WORDS = "|".join(LABELS)
# Decoration around a label: brackets and bullets before, brackets, arrows and a count after
# (【相关推荐】, ▶ 热门文章, 网友评论（2）, 最新评论 3条, 相关阅读>>; dede_label_variants).
_OPEN_MARKS = "【[〖「『《<(（■□●◆◇▶►▪•·*#"
_OPEN = rf"[{_OPEN_MARKS.replace('[', chr(92) + '[')}\s]*"
_CLOSE = r"[】\]〗」』》>)）\s]*"
_COUNT = r"(?:[（(]\s*\d+\s*(?:条|人)?\s*[)）]|\d+\s*条)?"
LABEL_TEXT = re.compile(rf"^{_OPEN}({_LABEL_WORDS}){_CLOSE}{_COUNT}\s*[:：]?{_CLOSE}$")
# Any line that may be a label (a cheap first test before is_label).
LABEL_START = re.compile(rf"{_OPEN}(?:{_LABEL_WORDS})")
# A line that opens with a bracketed label and goes on with the list itself (【相关推荐】湖州…；衢州…).
# Labels of link lists (not of comments or Q&A, whose lines are prose): also lead a line with a colon
# (相关阅读：北京医保…).
_LIST_LABEL_WORDS = "|".join(w for w in LABELS if any(k in w for k in ("相关", "推荐", "阅读", "热", "猜", "往期", "更多",
                                                                     "延伸", "最新", "还看")))
LABEL_LEAD = re.compile(rf"^\s*(?:[【\[〖]\s*({_LABEL_WORDS})\s*[】\]〗]|({_LIST_LABEL_WORDS})\s*[:：])")
LABEL_MAX_CHARS = 16  # a label line is short; longer lines mentioning 评论 are prose
# Siblings after a label are removed until one this long with little link text (the article itself).
LABELLED_BLOCK_MAX_CHARS = 600
# Paragraph-like texts shorter than this give no weight to their container.
MIN_SCORED_CHARS = 12
# Each 100 characters of a paragraph add one point, up to this many.
MAX_LENGTH_POINTS = 3
# Punctuation that marks prose (a point each): navigation and lists of links have little of it.
PROSE_PUNCT = re.compile(r"[，。；：！？、,;]")
# Candidates whose text is more than this share link text are lists of links, not articles.
MAX_BODY_LINK_DENSITY = 0.5
# A twin of the best container (same tag and class) joins the body when it scores this share of the best.
SIBLING_SCORE_SHARE = 0.2
# A box around the headline holding this many scored paragraphs is the article, whatever scores higher after it.
ARTICLE_MIN_PARAGRAPHS = 2
ARTICLE_MIN_SHARE = 0.25  # … and weighs this share of the best score (a two-line lead box weighs less)
# Only this many of the best-scored containers are weighed by link density (it costs a text walk each).
TOP_CANDIDATES = 5
# The body must carry at least this many characters of text to count as found …
MIN_BODY_CHARS = 40
# … unless it sits in the headline's own box: a news flash may be one short sentence under its headline.
MIN_BODY_CHARS_BY_HEADLINE = MIN_SCORED_CHARS
# Lists/blocks inside the body with this share of link text are share bars or related lists.
LINK_BLOCK_DENSITY = 0.6
HEADING_MAX_CHARS = 40  # a bold-only or numbered line longer than this is prose, not a heading
# "一、…", "1、…", "（二）…": numbered section titles when short and without sentence punctuation.
NUMBERED_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d))")
SENTENCE_PUNCT = re.compile(r"[。；;，,！!]")
# Lines that are article metadata, not body: 发布时间/来源/作者/浏览 …
META_WORDS = ("发布时间", "发布日期", "发表时间", "发表于", "更新时间", "时间", "日期", "来源", "作者", "编辑", "责任编辑",
              "浏览", "阅读", "点击", "字号")
_META_OPEN_MARKS = "（(【["
META_LINE = re.compile(rf"^[{_META_OPEN_MARKS.replace('[', chr(92) + '[')}]?\s*({'|'.join(META_WORDS)})\s*[:：]")
META_MAX_CHARS = 80
_STARTS_WITH_DATE = re.compile(r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
# Reader comments quoted without any markup that says so (网友“老李”：…, 匿名用户：…): never article text.
COMMENTERS = ("网友", "匿名用户", "匿名网友", "热心网友", "游客", r"用户\d*")
COMMENT_LINE = re.compile(rf"^({'|'.join(COMMENTERS)})" + r"\s*[“\"「]?[^：:，。“”]{0,16}[”\"」]?\s*[：:]")
# Lines that navigate between articles.
NAV_WORDS = ("上一篇", "下一篇", "上一页", "下一页", "返回列表", "返回首页", "分享到", "打印本页", "关闭窗口")
NAV_LINE = re.compile(f"^({'|'.join(NAV_WORDS)})")

CONTAINER_TAGS = frozenset({"div", "article", "section", "main", "td", "body", "center", "font", "span"})
BLOCK_TAGS = frozenset({"p", "div", "article", "section", "main", "ul", "ol", "dl", "dt", "dd", "li", "table",
                        "thead", "tbody", "tfoot", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
                        "blockquote", "pre", "header", "center", "figure", "figcaption", "hr", "address"})
MAX_COLSPAN = 20  # a colspan larger than this is a layout accident, not columns of data
# A table cell longer than this holds running text: the table lays out the page, it is not data.
DATA_CELL_MAX_CHARS = 200
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# An inline element (<span>, <font>, <a>) that holds <br>s or blocks is walked like a block, not read as
# one line (a <span class=zw> around the article's <p>s; font_wrapped_wenzhou).
# (Paths with a predicate are written /descendant::x[…] rather than //x[…]: the same elements for a
# predicate that is not positional, but libxml2 evaluates //x[…] as "child x of every node", 2x slower.)
_HOLDS_LINES = etree.XPath("boolean(descendant::*[" + " or ".join(f"self::{t}" for t in ("br", "p", "div", "table", "ul", "ol", "li",
                                                                             "h1", "h2", "h3", "h4", "h5", "h6", "section",
                                                                             "blockquote", "dl", "pre")) + "])")
BOLD_TAGS = frozenset({"strong", "b"})

# class and id attributes (each knows its element); matching their values beats a walk over named elements.
_NAME_ATTRS = etree.XPath("//@class|//@id")
DROP_NAME_CACHE = 1 << 14  # distinct class/id values remembered across pages
# Short text nodes: the only places a block label (相关推荐, 网友评论 …) can be.
_TEXT_LEN = etree.XPath("string-length(normalize-space())")
_PAGE_TEXT = etree.XPath("string(/)", smart_strings=False)  # a plain str: no parent to keep
# A label somewhere in the page text (found with one regex over the text, before any tree search).
_LABEL_IN_TEXT = re.compile("|".join(LABELS))
# Paragraph-like elements that score their container: list items only without links (menus and
# link lists are lists too), table cells only when they are leaves (layout cells hold the page).
_PARAGRAPHS = etree.XPath("//p|//pre|//blockquote|//dd|/descendant::li[not(descendant::a)]"
                          "|/descendant::td[not(descendant::table or descendant::div or descendant::p)]")


class NoBodyError(ValueError):
    """No element of the page looks like an article body."""


class Block(NamedTuple):
    """One body block before numbering: its kind ("p" | "heading" | "li" | "table_row") and text.
    (An immutable named tuple rather than a frozen dataclass: a page makes dozens, built 2x faster.)"""

    kind: str
    text: str


def prune(root: etree._Element, drop: Iterable[etree.XPath] = ()) -> None:
    """Remove elements that never hold body text, plus everything the given XPaths select."""
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *NEVER_BODY_TAGS, with_tail=False)
    for xpath in drop:
        for el in xpath(root):
            remove(el)


def remove(el: etree._Element) -> None:
    """Detach an element but keep its tail text in the document."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def text_len(el: etree._Element) -> int:
    """Length of an element's whitespace-normalised text (computed in C by libxml2's XPath)."""
    return int(_TEXT_LEN(el))


def link_density(el: etree._Element, total: int | None = None) -> float:
    """Share of an element's text that sits inside links."""
    link_chars = sum(visible_len(a.text or "") if len(a) == 0 else text_len(a) for a in el.iter("a"))
    if link_chars == 0:
        return 0.0
    total = text_len(el) if total is None else total
    return min(1.0, link_chars / total) if total else 0.0


def headline_path(root: etree._Element, headline: etree._Element | None) -> dict[etree._Element, etree._Element]:
    """The headline and its ancestors, each mapped to its child on the way down to the headline
    (the headline maps to itself); empty when there is no headline or it is no longer in the tree."""
    if headline is None:
        return {}
    path = {headline: headline}
    child = headline
    for ancestor in headline.iterancestors():
        path[ancestor] = child
        child = ancestor
    return path if child is root else {}


def drop_furniture(root: etree._Element, headline: etree._Element | None = None) -> None:
    """Remove drop-listed class/id elements and label-opened blocks (相关推荐, 网友评论 …); what holds
    the headline is never furniture (a div.main-right article column; gov_right_column_dalian)."""
    keep = headline_path(root, headline)
    page_chars = 0
    removed: etree._Element | None = None
    for attr in _NAME_ATTRS(root):  # document order: an element comes before its descendants
        if not is_drop_name(str(attr)) or (el := attr.getparent()) in keep or el.getparent() is None:
            continue
        if removed is not None and any(a is removed for a in el.iterancestors()):
            continue  # inside furniture already removed
        page_chars = page_chars or max(text_len(root), 1)
        if text_len(el) < DROP_GUARD_SHARE * page_chars:
            remove(el)
            removed = el
    for el in _label_elements(root):
        if el.getparent() is None or el in keep:
            continue
        if is_labelled_line(clean_text(element_text(el))):
            remove(_outer_wrapper(el))
        else:
            _remove_labelled(el, keep)


@lru_cache(maxsize=DROP_NAME_CACHE)
def is_drop_name(value: str) -> bool:
    """True when a class or id value names furniture (cached: a site repeats its class names on every page);
    CSS utility classes (text-right, position-relative) say how a box looks, not what it is."""
    return DROP_NAME.search(CSS_UTILITY.sub(" ", value)) is not None


def _label_elements(root: etree._Element) -> list[etree._Element]:
    """Elements whose whole text is a block label such as 相关推荐: the page text names the labels
    present, and one XPath per label set finds their elements (a walk over all text nodes costs 3x more)."""
    labels = tuple(sorted(set(_LABEL_IN_TEXT.findall(_PAGE_TEXT(root)))))
    if not labels:
        return []
    return [el for el in _elements_containing(labels)(root) if is_label(clean_text(element_text(el)))]


def is_label(text: str) -> bool:
    """True for a line that labels a related list or comments: a short decorated label
    (网友评论（2）), or a line of moderate length opening with a bracketed one (【相关推荐】湖州…)."""
    return is_label_line(text) or is_labelled_line(text)


def is_label_line(text: str) -> bool:
    """True for a line that is only a label (相关推荐, ▶ 热门文章, 网友评论（2）): what follows it is its list."""
    return len(text) <= LABEL_MAX_CHARS and bool(LABEL_TEXT.match(text))


def is_labelled_line(text: str) -> bool:
    """True for a line that carries its label and its list together (【相关阅读】北京…；上海…): SEO pages put
    such lines in the middle of an article, so only the line itself is left out."""
    return len(text) < LABELLED_BLOCK_MAX_CHARS and bool(LABEL_LEAD.match(text)) and not is_label_line(text)


@lru_cache(maxsize=256)
def _elements_containing(labels: tuple[str, ...]) -> etree.XPath:
    """Compiled XPath selecting elements with a direct text node containing one of ``labels``."""
    return etree.XPath("/descendant::*[text()[" + " or ".join(f"contains(., '{w}')" for w in labels) + "]]")


def _outer_wrapper(el: etree._Element) -> etree._Element:
    """The outermost ancestor-or-self of ``el`` that holds no more text than ``el`` (<p><span>label</span></p>)."""
    text = text_len(el)
    while (parent := el.getparent()) is not None and parent.getparent() is not None and text_len(parent) <= text:
        el = parent
    return el


def _remove_labelled(label: etree._Element, keep: dict[etree._Element, etree._Element]) -> None:
    """Remove a label, climbing to the wrapper that only holds it, and the list that follows it up
    to the headline (a 热门推荐 strip above the article; flat_hot_strip_shenyang) or a long text."""
    label = _outer_wrapper(label)
    for sibling in list(label.itersiblings()):
        if sibling in keep or (text_len(sibling) >= LABELLED_BLOCK_MAX_CHARS
                               and link_density(sibling) < MAX_BODY_LINK_DENSITY):
            break
        remove(sibling)
    remove(label)


def _weight(text: str, size: int | None = None) -> float:
    """Points a paragraph-like text (of ``size`` visible characters) gives its container: one, plus
    prose punctuation, plus length."""
    size = visible_len(text) if size is None else size
    if size < MIN_SCORED_CHARS:
        return 0.0
    return 1 + len(PROSE_PUNCT.findall(text)) + min(size / 100, MAX_LENGTH_POINTS)


def _container(el: etree._Element | None) -> etree._Element | None:
    """The nearest ancestor-or-self that can be an article container."""
    while el is not None and el.tag not in CONTAINER_TAGS:
        el = el.getparent()
    return el


def _own_text(el: etree._Element) -> str:
    """Text directly inside an element, between its children (the text of <br>-separated bodies)."""
    parts = [el.text or ""]
    for child in el:
        if child.tag not in BLOCK_TAGS and not isinstance(child, etree._Comment) and child.tag != "a":
            parts.append(element_text(child) if child.tag != "br" else "\n")
        parts.append(child.tail or "")
    return clean_text("".join(parts))


def score_containers(root: etree._Element) -> dict[etree._Element, float]:
    """Readability-style scores: each paragraph-like text adds its weight to its container, half upwards."""
    return _score(root)[0]


def _score(root: etree._Element) -> tuple[dict[etree._Element, float], dict[etree._Element, float]]:
    """(container scores, the points of every scored paragraph element: <p>, <li>, a leaf <td> …)."""
    scores: dict[etree._Element, float] = {}
    texts: dict[etree._Element, float] = {}
    get = scores.get
    for para in _PARAGRAPHS(root):
        text = element_text(para)
        size = visible_len(text)
        if not (points := _weight(text, size)) or not (points := points * (1 - link_density(para, size))):
            continue
        holder = para if para.tag == "td" else _container(para.getparent())
        if holder is not None:
            texts[para] = points
            scores[holder] = get(holder, 0.0) + points
            if (upper := _container(holder.getparent())) is not None:
                scores[upper] = get(upper, 0.0) + points / 2
    for el in root.iter("div", "article", "section", "main", "td", "body", "center", "font", "span"):
        if not (len(el) or el.text):  # an empty box (icon, clearfix) has no text to weigh
            continue
        if points := _weight(_own_text(el) if len(el) else clean_text(el.text)):
            scores[el] = get(el, 0.0) + points
            if (upper := _container(el.getparent())) is not None:
                scores[upper] = get(upper, 0.0) + points / 2
    return scores, texts


def main_content(root: etree._Element, headline: etree._Element | None = None) -> list[etree._Element]:
    """The element(s) holding the article body: the best-scored container, discounted by link density,
    that holds or follows the headline; unwrapped from wrappers that hold nothing else; with its twins.

    Twins are siblings of the same tag and class (the <section>s of one <article>): the run from the
    first to the last twin that scores well, so a weak twin between them (a <section> holding only a
    table; wechat_repost_yinchuan) stays in. Other siblings are not merged in, as readability does:
    an unlabelled comment block next to the article scores like a second half of the body, and a trap
    sentence costs more than a lost lead."""
    scores, texts = _score(root)
    path = headline_path(root, headline)
    best, best_score = None, 0.0
    for el, score in _placed(sorted(scores.items(), key=lambda kv: kv[1], reverse=True), path):
        adjusted = score * (1 - link_density(el))
        if adjusted > best_score:
            best, best_score = el, adjusted
    if best is None or text_len(best) < _min_body_chars(best, path):
        raise NoBodyError("no element with enough paragraph text (generic scoring found no body)")
    if path and best not in path and (box := _headline_box(best, best_score, path, texts)) is not None:
        best = box  # the best-scored box is a column beside the article, which holds the headline
    best = _unwrap(best)
    parent = best.getparent()
    if parent is None:
        return [best]
    twins = [el for el in parent if el is best or (
        el.tag == best.tag and el.get("class") == best.get("class") and not _precedes(el, path)
        and link_density(el) < MAX_BODY_LINK_DENSITY)]
    strong = [i for i, el in enumerate(twins) if el is best or scores.get(el, 0.0) >= SIBLING_SCORE_SHARE * best_score]
    return twins[strong[0]:strong[-1] + 1]


def _min_body_chars(best: etree._Element, path: dict[etree._Element, etree._Element]) -> int:
    """How long the best container must be: less when it is in the headline's own box."""
    parent = best.getparent()
    by_headline = best in path or (parent is not None and parent in path and not _precedes(best, path))
    return MIN_BODY_CHARS_BY_HEADLINE if by_headline else MIN_BODY_CHARS


def _headline_box(best: etree._Element, best_score: float, path: dict[etree._Element, etree._Element],
                  texts: dict[etree._Element, float]) -> etree._Element | None:
    """The article box on the headline's side of ``best``: the box below their common ancestor that
    holds the headline, or, when the headline sits right in that ancestor, the first box between the
    headline and ``best``. It replaces ``best`` when it holds ARTICLE_MIN_PARAGRAPHS scored paragraph
    elements (<p>, <li> …; a byline's spans are none) worth ARTICLE_MIN_SHARE of the best score (a prose column after a short article outscores it, but
    does not follow the headline first; a lead box with one or two short lines replaces nothing)."""
    branch: etree._Element | None = best
    while (top := branch.getparent() if branch is not None else None) is not None and top not in path:
        branch = top  # up to the child of the lowest box holding both best and the headline
    if top is None or branch is None or path[top] is top:
        return None  # outside the tree, or best sits inside the headline
    side = path[top]
    boxes = [side] if side.tag in CONTAINER_TAGS else _boxes_between(side, branch)
    headline = next(iter(path))
    own = set(headline.iter())
    for box in boxes:
        points = [texts[x] for x in box.iter() if x in texts and x not in path and x not in own
                  and not is_meta_line(clean_text(element_text(x)))]  # a byline bar of <p>s is no article
        if len(points) >= ARTICLE_MIN_PARAGRAPHS and sum(points) >= ARTICLE_MIN_SHARE * best_score:
            return box
    return None


def _boxes_between(first: etree._Element, last: etree._Element) -> list[etree._Element]:
    """Container siblings after ``first`` and before ``last`` (none when ``last`` does not follow it)."""
    boxes: list[etree._Element] = []
    for el in first.itersiblings():
        if el is last:
            return boxes
        if el.tag in CONTAINER_TAGS:
            boxes.append(el)
    return []


def _placed(ranked: list[tuple[etree._Element, float]],
            path: dict[etree._Element, etree._Element]) -> list[tuple[etree._Element, float]]:
    """The TOP_CANDIDATES best containers that do not come wholly before the headline (a news
    column above the article is not its body; prose_sidebar_guiyang); all of them if none is left."""
    if not path:
        return ranked[:TOP_CANDIDATES]
    placed = []
    for item in ranked:
        if not _precedes(item[0], path):
            placed.append(item)
            if len(placed) == TOP_CANDIDATES:
                break
    return placed or ranked[:TOP_CANDIDATES]


def _precedes(el: etree._Element, path: dict[etree._Element, etree._Element]) -> bool:
    """True when ``el`` comes wholly before the headline in reading order (``path``: headline_path)."""
    if not path or el in path:
        return False  # no headline, or el holds it
    child = el
    while (parent := child.getparent()) is not None and parent not in path:
        child = parent
    if parent is None or path[parent] is parent:  # outside the tree, or inside the headline itself
        return False
    return parent.index(child) < parent.index(path[parent])


def _unwrap(el: etree._Element) -> etree._Element:
    """The outermost wrapper whose only content is ``el`` (<section><section><p>… of a WeChat
    body), so that twins are looked for at the level where the article's parts are siblings."""
    while (parent := el.getparent()) is not None and parent.tag in CONTAINER_TAGS and parent.tag != "body" \
            and len(parent) == 1 and not (parent.text or "").strip() and not (el.tail or "").strip():
        el = parent
    return el


# Paragraphs/items that are almost all link text are "read more" links, not body.
LINK_LINE_DENSITY = 0.8
_DATE_PREFIX = re.compile(r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(\d{1,2}[:：]\d{2}([:：]\d{2})?)?")
META_REST_MAX_CHARS = 20  # "2025-06-05 21:37:12社保网": what follows the date in a byline is a short site name


def is_meta_line(text: str) -> bool:
    """True for byline lines (发布时间：…, 来源：…, a date followed by a site name), which are not body."""
    if len(text) <= META_MAX_CHARS and META_LINE.match(text):
        return True
    match = _DATE_PREFIX.match(text)
    if not match:
        return False
    rest = text[match.end():]
    if len(text) <= META_MAX_CHARS and META_LINE.match(rest.strip()):  # 2026-03-08 来源：天府网
        return True
    return len(rest) <= META_REST_MAX_CHARS and not PROSE_PUNCT.search(rest)


def _is_heading_line(text: str, bold_only: bool) -> bool:
    """Short bold-only lines without a full stop, and short numbered lines without sentence
    punctuation, are section titles ("<strong>年龄不同，标准也不同</strong>", "一、划入标准怎么定")."""
    if len(text) > HEADING_MAX_CHARS:
        return False
    if bold_only:
        return "。" not in text
    return bool(NUMBERED_HEADING.match(text)) and not SENTENCE_PUNCT.search(text)


def _is_bold(el: etree._Element) -> bool:
    """True when all of an inline element's text is bold (<strong>, <b>, or a wrapper of one)."""
    if el.tag in BOLD_TAGS:
        return True
    bold = "".join(element_text(b) for b in el.iter("strong", "b"))
    return bool(bold.strip()) and clean_text(bold) == clean_text(element_text(el))


def _is_link_block(el: etree._Element) -> bool:
    """Lists and boxes of links inside the body: share bars, related lists, tag clouds."""
    anchors = el.iter("a")
    if next(anchors, None) is None:
        return False
    if el.tag in ("p", "li", "dd", "dt"):
        return link_density(el) > LINK_LINE_DENSITY
    if el.tag in ("ul", "ol", "dl", "div", "section"):
        return next(anchors, None) is not None and link_density(el) > LINK_BLOCK_DENSITY
    return False


def _emit(out: list[Block], parts: list[tuple[str, bool]], kind: str) -> None:
    """Turn the inline parts of one line into a Block (heading when it looks like a section title)."""
    if not parts:
        return
    if len(parts) == 1 and parts[0][0].isspace():  # the line break between two blocks: no text
        parts.clear()
        return
    text = clean_text(parts[0][0] if len(parts) == 1 else "".join([t for t, _ in parts]))
    if text:
        # only a short line can be a heading: the bold test is skipped for prose
        heading = len(text) <= HEADING_MAX_CHARS and _is_heading_line(text, all(b for t, b in parts if t.strip()))
        out.append(Block("heading" if heading else kind, text))
    parts.clear()


def walk(el: etree._Element, kind: str = "p", out: list[Block] | None = None) -> list[Block]:
    """Blocks of an element in document order: headings, paragraphs split at <br>, list items, table rows."""
    out = [] if out is None else out
    tag = el.tag
    if isinstance(tag, str):
        _walk_element(el, tag, kind, out)
    return out


def _walk_element(el: etree._Element, tag: str, kind: str, out: list[Block]) -> None:
    """`walk` of an element whose tag the caller has read (each read of .tag builds a new str)."""
    if len(el) == 0 and tag not in HEADING_TAGS and tag != "h1":  # a leaf: plain text, no links to weigh
        if text := clean_text(el.text):
            heading = len(text) <= HEADING_MAX_CHARS and _is_heading_line(text, False)  # (prose: no call)
            out.append(Block("heading" if heading else "li" if tag in ("li", "dd") else kind, text))
        return
    if _is_link_block(el):
        return
    if tag == "table" and not _is_layout_table(el):
        out.extend(_caption(el))
        out.extend(_table_rows(el))
    elif tag in ("table", "tbody", "thead", "tr"):
        for child in el:
            walk(child, kind, out)
    elif tag in HEADING_TAGS or tag == "h1":
        if text := clean_text(element_text(el)):
            out.append(Block("heading", text))
    else:
        _walk_mixed(el, "li" if tag in ("li", "dd") else kind, out)


def _walk_mixed(el: etree._Element, kind: str, out: list[Block]) -> None:
    """Mixed content: inline text accumulates into a line; <br> and block children end the line.
    Whitespace that would open a line is not kept: a line's text is stripped, and a line of only
    whitespace is no block (the line break between two blocks then costs no _emit)."""
    text = el.text  # (each read of .text or .tail decodes the node's text again)
    parts: list[tuple[str, bool]] = [(text, False)] if text and not text.isspace() else []
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            pass
        elif tag == "br":
            _emit(out, parts, kind)
        elif tag in BLOCK_TAGS or (len(child) and _HOLDS_LINES(child)):
            if parts:
                _emit(out, parts, kind)
            _walk_element(child, tag, kind, out)
        else:
            parts.append((element_text(child), _is_bold(child)))
        if (tail := child.tail) and (parts or not tail.isspace()):
            parts.append((tail, False))
    _emit(out, parts, kind)


def _is_layout_table(table: etree._Element) -> bool:
    """True for tables that lay out a page (a nested table, or a cell holding a whole text) rather than data."""
    if any(nested is not table for nested in table.iter("table")):
        return True
    # (normalising only shortens a text: a cell whose raw text is short needs no XPath to measure it)
    return any(len(element_text(cell)) > DATA_CELL_MAX_CHARS and text_len(cell) > DATA_CELL_MAX_CHARS
               for cell in table.iter("td", "th"))


def _caption(table: etree._Element) -> list[Block]:
    """A data table's <caption> as the line that leads into its rows: it often names the place and
    what the numbers are (合肥市退休人员医保个人账户划入标准; caption_table_hefei)."""
    caption = table.find("caption")
    text = clean_text(element_text(caption)) if caption is not None else ""
    return [Block("p", text)] if text else []


def _table_rows(table: etree._Element) -> Iterator[Block]:
    """One table_row block per row, cells joined by ' | ' and kept in their columns: a rowspan cell
    (a region spanning its age bands) is repeated in the rows it spans and a colspan cell in the
    columns it spans, an empty cell keeps its place, and stacked header rows (每月划入标准 over
    70周岁以下 | 70周岁及以上) become one header row, so every value lines up with its header."""
    spans: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    header: list[list[str]] = []  # the leading header rows, merged when the first data row comes
    in_header = True
    for row in table.iter("tr"):
        cells = _row_cells(row, spans)
        if in_header and _is_header_row(row):
            header.append(cells)
            continue
        if in_header and header:
            yield from _row_block(_merge_header(header))
        in_header = False
        yield from _row_block(cells)
    if in_header and header:
        yield from _row_block(_merge_header(header))


def _is_header_row(row: etree._Element) -> bool:
    """A row of <th> cells, or any row of a <thead>."""
    cells = [cell for cell in row if cell.tag in ("td", "th")]
    parent = row.getparent()
    return bool(cells) and (all(cell.tag == "th" for cell in cells) or (parent is not None and parent.tag == "thead"))


def _merge_header(rows: list[list[str]]) -> list[str]:
    """Stacked header rows as one: each column's distinct texts, top to bottom."""
    merged = []
    for column in range(max(len(r) for r in rows)):
        texts = [r[column] for r in rows if column < len(r) and r[column]]
        merged.append(" ".join(dict.fromkeys(texts)))
    return merged


def _row_block(cells: list[str]) -> list[Block]:
    """A table_row block of cells in their columns (trailing empty cells dropped), none when all are empty."""
    while cells and not cells[-1]:
        cells = cells[:-1]
    return [Block("table_row", " | ".join(cells).strip())] if cells else []


def _row_cells(row: etree._Element, spans: dict[int, tuple[str, int]]) -> list[str]:
    """Cell texts of one row by column: earlier rowspans filled in, colspans repeated."""
    own = [cell for cell in row if cell.tag in ("td", "th")]
    cells: list[str] = []
    index = 0
    while index < len(own) or len(cells) in spans:
        if len(cells) in spans:  # a cell from a row above spans down into this row
            text, left = spans.pop(len(cells))
            if left > 1:
                spans[len(cells)] = (text, left - 1)
            cells.append(text)
            continue
        cell = own[index]
        index += 1
        text = clean_text(element_text(cell))
        if (rowspan := _int(cell.get("rowspan"))) > 1:
            spans[len(cells)] = (text, rowspan - 1)
        cells.extend([text] * min(max(_int(cell.get("colspan")), 1), MAX_COLSPAN))
    return cells


def _int(value: str | None) -> int:
    """An integer attribute (rowspan/colspan), 1 when missing or malformed."""
    try:
        return int(value or 1)
    except ValueError:
        return 1


# One test for every line start that the checks below look at (label, byline, navigation, comment).
_SUSPECT_START = re.compile("|".join(f"(?:{p.pattern})" for p in (LABEL_START, META_LINE, _DATE_PREFIX, NAV_LINE,
                                                                  COMMENT_LINE)))
# The characters such a line can start with, besides whitespace (\s) and decimal digits (\d): the
# opening marks and first letters of those patterns' words. A line starting with any other character
# is plain body without running the regex (its dozens of alternatives cost 10x this set lookup).
_SUSPECT_FIRST = frozenset(_OPEN_MARKS + _META_OPEN_MARKS
                           + "".join(word[0] for word in (*LABELS, *META_WORDS, *NAV_WORDS, *COMMENTERS)))


def _is_suspect(text: str) -> bool:
    """True when a line may be a label, byline, navigation or comment line (_SUSPECT_START matches)."""
    first = text[:1]  # ("" is in no set and neither decimal nor space; the regex matches no empty line)
    if first not in _SUSPECT_FIRST and not first.isdecimal() and not first.isspace():
        return False
    return _SUSPECT_START.match(text) is not None


def body_blocks(roots: Iterable[etree._Element], title: str | None = None,
                headline: etree._Element | None = None) -> list[Block]:
    """The body of an article as blocks, without bylines, article navigation, the title, or anything
    after a label such as 相关推荐 (a related list inside the article box). When a body box holds the
    ``headline`` element, what it shows above the headline is not body either (prose_sidebar_guiyang);
    a heading that only repeats the title further down (SEO pages do) clears nothing."""
    roots = list(roots)
    above_headline = headline is not None and any(r is headline or r in set(headline.iterancestors()) for r in roots)
    blocks: list[Block] = []
    for root in roots:
        for block in walk(root):
            if not _is_suspect(block.text) and block.text != title:  # most lines: plain body
                blocks.append(block)
                continue
            if LABEL_START.match(block.text) and is_label_line(block.text):
                return blocks
            if LABEL_START.match(block.text) and is_labelled_line(block.text):
                continue
            if block.text == title:
                if above_headline:
                    blocks.clear()
                    above_headline = False
                continue
            if is_meta_line(block.text) or NAV_LINE.match(block.text) or COMMENT_LINE.match(block.text):
                continue
            blocks.append(block)
    return blocks
