"""Generic main-content path: the body is found and page furniture with rule-like traps is left out."""

from __future__ import annotations

import lxml.html
import pytest

from extractors import generic

WRAP = "<html><head><title>t</title></head><body>{}</body></html>"
BODY_P = "<p>成都市退休人员个人账户按统筹地区上年度人均基本养老金的2.5%按月划入，每月发放一次。</p>"
PROSE = "<p>参保人可以在医保电子凭证里查看每一笔划入记录，确认金额是否正确，如有疑问可咨询经办机构。</p>"


def blocks_of(body_html: str) -> list[generic.Block]:
    root = lxml.html.document_fromstring(WRAP.format(body_html))
    generic.prune(root)
    generic.drop_furniture(root)
    return generic.body_blocks(generic.main_content(root))


def texts(body_html: str) -> list[str]:
    return [b.text for b in blocks_of(body_html)]


@pytest.mark.parametrize(
    "furniture",
    [
        '<div class="sidebar"><p>武汉市退休人员医保个人账户每月划入180元，这是侧栏。</p></div>',
        '<div id="comment-list"><p>网友：厦门市退休人员每月划入160元，已到账。</p></div>',
        '<div class="related-posts"><p>广州退休人员每月划入医保个人账户210元的说法。</p></div>',
        '<div class="footer"><p>免责声明：青岛市每月划入170元的说法不代表本站观点。</p></div>',
        '<div class="share_box"><p>分享：武汉市退休人员医保个人账户每月划入180元。</p></div>',
        '<aside><p>武汉市退休人员医保个人账户每月划入180元，这是侧栏。</p></aside>',
        '<div><h3>猜你喜欢</h3><p>武汉市退休人员医保个人账户每月划入180元，点击了解。</p></div>',
        '<div>网友评论</div><div><p>我在楚雄，退休人员每月划入医保个人账户75元。</p></div>',
        '<ul class="cmt-list"><li>匿名用户：武汉市退休人员每月划入医保个人账户180元。</li></ul>',
        '<div class="statement"><p>声明：青岛市每月划入170元的说法有误请联系我们。</p></div>',
    ],
)
def test_furniture_with_rule_like_text_is_left_out(furniture: str) -> None:
    body = texts(f'<div class="content">{BODY_P}{PROSE}</div>{furniture}')
    assert any("成都市" in t for t in body)
    assert not any(city in t for t in body for city in ("武汉", "厦门", "广州", "青岛", "楚雄"))


def test_br_separated_body_is_split_into_paragraphs() -> None:
    body = blocks_of("<div><font>　　第一段，说明情况。<br>　　<strong>一、标准</strong><br>"
                     "　　成都市每月划入100元，按月发放到个人账户。<br><br>第三段，结束语句。</font></div>")
    assert [(b.kind, b.text) for b in body] == [
        ("p", "第一段，说明情况。"), ("heading", "一、标准"),
        ("p", "成都市每月划入100元，按月发放到个人账户。"), ("p", "第三段，结束语句。")]


def test_table_rows_join_cells() -> None:
    body = blocks_of(f"<div>{BODY_P}<table><tr><th>年龄段</th><th>金额</th></tr>"
                     "<tr><td>70周岁以下</td><td> 100元 </td></tr></table></div>")
    assert [b for b in body if b.kind == "table_row"] == [
        generic.Block("table_row", "年龄段 | 金额"), generic.Block("table_row", "70周岁以下 | 100元")]


def test_list_items_and_headings() -> None:
    body = blocks_of(f"<article><h2>查询方法</h2>{BODY_P}<ul><li>拨打12393热线，按语音提示查询。</li>"
                     "<li>登录医保服务平台查询明细。</li></ul></article>")
    assert [b.kind for b in body] == ["heading", "p", "li", "li"]


def test_related_list_inside_the_article_ends_the_body() -> None:
    body = texts(f'<div class="article">{BODY_P}{PROSE}<p>相关推荐</p>'
                 "<p>武汉市退休人员医保个人账户每月划入180元。</p></div>")
    assert len(body) == 2


@pytest.mark.parametrize(
    "line",
    ["发布时间：2026-02-03 10:20 来源：社保网", "2025-06-05 21:37:12社保网", "上一篇：宁波医保卡余额查询", "来源：社保网",
     "2026-03-08 来源：天府网", "（责任编辑：张三）", "日期：2026-02-26　来源：瓯江民生网"],
)
def test_bylines_and_article_navigation_are_not_body(line: str) -> None:
    assert line not in texts(f"<div>{BODY_P}<p>{line}</p>{PROSE}</div>")


@pytest.mark.parametrize("comment", ["网友“老李头”：武汉这边每月划入180元。", "匿名用户：武汉市每月划入180元。",
                                     "用户123：我在武汉，每月划入180元。"])
def test_unmarked_reader_comments_are_not_body(comment: str) -> None:
    assert comment not in texts(f"<div>{BODY_P}<p>{comment}</p>{PROSE}</div>")


def test_rowspan_cells_are_repeated_in_the_rows_they_span() -> None:
    body = blocks_of(f"<div>{BODY_P}<table><tr><th>地区</th><th>年龄</th><th>金额</th></tr>"
                     '<tr><td rowspan="2">衢州市</td><td>75周岁以下</td><td>95元</td></tr>'
                     "<tr><td>75周岁及以上</td><td>115元</td></tr>"
                     '<tr><td colspan="2">合计</td><td>—</td></tr></table></div>')
    assert [b.text for b in body if b.kind == "table_row"] == [
        "地区 | 年龄 | 金额", "衢州市 | 75周岁以下 | 95元", "衢州市 | 75周岁及以上 | 115元", "合计 | 合计 | —"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # stacked header rows become one, so each value column names its band
        ('<tr><th rowspan="2">设区市</th><th colspan="2">每月划入标准（元）</th></tr>'
         "<tr><th>70周岁以下</th><th>70周岁及以上</th></tr><tr><td>南京市</td><td>120</td><td>150</td></tr>",
         ["设区市 | 每月划入标准（元） 70周岁以下 | 每月划入标准（元） 70周岁及以上", "南京市 | 120 | 150"]),
        # an empty cell keeps its column: 125 stays under 70周岁及以上
        ("<tr><th>设区市</th><th>70周岁以下</th><th>70周岁及以上</th></tr><tr><td>常州市</td><td></td><td>每月125元</td></tr>",
         ["设区市 | 70周岁以下 | 70周岁及以上", "常州市 |  | 每月125元"]),
        # a value spanning both band columns is in both
        ("<tr><th>设区市</th><th>70周岁以下</th><th>70周岁及以上</th></tr><tr><td>苏州市</td><td colspan=2>每月130元</td></tr>",
         ["设区市 | 70周岁以下 | 70周岁及以上", "苏州市 | 每月130元 | 每月130元"]),
        # a <thead> row of <td>s is a header; trailing empty cells are dropped
        ("<thead><tr><td>地区</td><td>金额</td></tr></thead><tr><td>衢州市</td><td>95元</td><td></td></tr>",
         ["地区 | 金额", "衢州市 | 95元"]),
    ],
    ids=["stacked-header", "empty-cell", "colspan-value", "thead"],
)
def test_table_cells_stay_in_their_columns(rows: str, expected: list[str]) -> None:
    body = blocks_of(f"<div>{BODY_P}<table>{rows}</table></div>")
    assert [b.text for b in body if b.kind == "table_row"] == expected


def test_an_unlabelled_comment_block_beside_the_article_stays_out() -> None:
    comments = "".join(f"<p>老张{i}说：我们武汉市退休人员每月划入医保个人账户{180 + i}元，已经到账了。</p>" for i in range(3))
    body = texts(f'<div class="a">{BODY_P}{PROSE}{PROSE}{BODY_P}</div><div>{comments}</div>')
    assert any("成都市" in t for t in body) and not any("武汉" in t for t in body)


def test_a_dated_rule_sentence_is_body() -> None:
    line = "2025年1月1日起，成都市退休人员每月划入120元。"
    assert line in texts(f"<div>{BODY_P}<p>{line}</p>{PROSE}</div>")


def test_link_dense_block_inside_body_is_dropped() -> None:
    body = texts(f'<div>{BODY_P}<ul><li><a href="/1.html">武汉医保每月划入180元</a></li>'
                 f'<li><a href="/2.html">天津医保</a></li></ul>{PROSE}</div>')
    assert not any("武汉" in t for t in body)


def test_drop_name_guard_keeps_a_body_with_a_furniture_like_class() -> None:
    # the whole article sits in a box whose class matches the drop-list; it is still the body
    body = texts(f'<div class="main right-col">{BODY_P}{PROSE}{PROSE}</div><div>页脚</div>')
    assert any("成都市" in t for t in body)


def test_page_with_only_links_has_no_body() -> None:
    with pytest.raises(generic.NoBodyError):
        blocks_of('<ul>' + "".join(f'<li><a href="/{i}.html">第{i}篇文章的标题</a></li>' for i in range(20)) + "</ul>")


@pytest.mark.parametrize(
    ("text", "bold", "heading"),
    [("一、划入标准怎么定", False, True), ("1、地区差异", False, True), ("（二）在职职工", False, True),
     ("年龄不同，标准也不同", True, True), ("1、拨打12393热线，按提示查询。", False, False),
     ("成都市每月划入100元。", True, False), ("2.5%按月划入", False, False)],
)
def test_heading_lines(text: str, bold: bool, heading: bool) -> None:
    assert generic._is_heading_line(text, bold) is heading


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("网友评论（2）", True),  # a count after the label
        ("【相关推荐】", True),
        ("▶ 热门文章", True),
        ("最新评论 3条", True),
        ("相关阅读>>", True),
        ("读者来信", True),
        ("更多推荐：", True),
        ("参考资料", True),  # a wiki page's references: titles of other pages
        ("【相关推荐】湖州退休人员每月划入120元；衢州每月划入95元", True),  # the list on the label's own line
        ("网友评论说今年的划入标准比去年高了一些，大家都很关心。", False),  # prose mentioning 评论
        ("相关推荐湖州退休人员每月划入120元", False),  # no brackets: not a label line
        ("相关阅读：湖州退休人员每月划入120元", True),  # a link-list label with a colon leads its list
        ("常见问题：退休人员每月划入多少？", False),  # a Q&A line is prose
    ],
)
def test_decorated_labels(text: str, label: bool) -> None:
    assert generic.is_label(text) is label


@pytest.mark.parametrize(
    "tail",
    [
        '<p>【相关推荐】武汉退休人员每月划入120元；天津每月划入95元</p>'
        '<div class="pl"><h3>网友评论（2）</h3><div><b>楚雄老李</b><p>楚雄这里每月划入100元。</p></div></div>',
        "<h4>读者来信</h4><p>楚雄的张阿姨说：她所在的楚雄州每月划入九十元。</p><p>玉溪读者：玉溪市每月划入85元。</p>",
        '<div class="sharedaddy sd-sharing-enabled"><h3>分享此文：</h3><ul><li><a href="#">微信</a></li></ul></div>',
    ],
    ids=["bracketed-lead-and-counted-label", "readers-letters", "jetpack-share"],
)
def test_labelled_blocks_inside_the_body_are_left_out(tail: str) -> None:
    body = texts(f'<div class="content">{BODY_P}{PROSE}{tail}</div>')
    assert any("成都市" in t for t in body)
    assert not any(w in t for t in body for w in ("武汉", "楚雄", "玉溪", "评论", "分享"))


def test_a_table_caption_leads_into_its_rows() -> None:
    table = ("<table><caption>合肥市退休人员医保个人账户划入标准</caption><tr><th>年龄段</th><th>每月划入（元）</th></tr>"
             "<tr><td>70周岁以下</td><td>120</td></tr></table>")
    blocks = blocks_of(f"<div>{BODY_P}{table}{PROSE}</div>")
    kinds_texts = [(b.kind, b.text) for b in blocks]
    start = kinds_texts.index(("p", "合肥市退休人员医保个人账户划入标准"))
    assert kinds_texts[start + 1:start + 3] == [("table_row", "年龄段 | 每月划入（元）"), ("table_row", "70周岁以下 | 120")]


# --- the headline anchors the body: what holds it is kept, what comes wholly before it is not body ---

H1 = "<h1>成都市医保个人账户划入标准</h1>"


def headline_texts(body_html: str) -> list[str]:
    root = lxml.html.document_fromstring(WRAP.format(body_html))
    headline = root.find(".//h1")
    generic.prune(root)
    generic.drop_furniture(root, headline)
    return [b.text for b in generic.body_blocks(generic.main_content(root, headline), headline.text, headline)]


def test_a_drop_named_column_holding_the_headline_is_kept() -> None:
    menu = "".join(f'<li><a href="/{i}/">办事指南栏目第{i}项</a></li>' for i in range(40))
    body = headline_texts(f'<div class="main-left"><ul>{menu}</ul></div><div class="main-right">{H1}{BODY_P}{PROSE}</div>')
    assert any("成都市" in t for t in body)


def test_a_label_strip_above_the_headline_stops_at_the_headline() -> None:
    body = headline_texts(f'<div class="main"><h3>热门推荐</h3><ul><li><a href="/1.html">武汉每月返100元</a></li></ul>'
                          f"{H1}{BODY_P}{PROSE}</div>")
    assert any("成都市" in t for t in body) and not any("武汉" in t for t in body)


def test_a_prose_column_before_the_headline_is_not_body() -> None:
    news = "".join(f"<p>武汉市医保局近日召开会议，会上通报武汉市退休人员每月划入{90 + i}元，同比有所增长，并要求做好宣传。</p>"
                   for i in range(3))
    body = headline_texts(f'<div class="wrap"><div class="c1"><h3>各地动态</h3>{news}</div>'
                          f'<div class="c2">{H1}{BODY_P}{PROSE}</div></div>')
    assert any("成都市" in t for t in body) and not any("武汉" in t for t in body)


def test_wechat_sections_keep_a_table_between_prose_sections() -> None:
    table = "<table><tr><td>不满70周岁</td><td>每月95元</td></tr><tr><td>70周岁及以上</td><td>每月105元</td></tr></table>"
    body = texts(f'<div id="js_content"><section style="margin:0"><section>{BODY_P}</section></section>'
                 f'<section><p><strong>标准见下表</strong></p>{table}</section><section>{PROSE}</section>'
                 '<section><p>往期推荐</p><p><a href="/s/1">武汉每月划入100元</a></p></section></div>')
    assert "不满70周岁 | 每月95元" in body and any("成都市" in t for t in body) and any("参保人" in t for t in body)
    assert not any("武汉" in t for t in body)


def test_css_utility_classes_are_not_furniture_names() -> None:
    # the article column says where it floats (float-right, position-relative), not that it is a sidebar
    menu = "".join(f'<li><a href="/{i}/">栏目第{i}项</a></li>' for i in range(40))
    body = texts(f'<div class="col-4"><ul>{menu}</ul></div>'
                 f'<div class="col-8 float-right position-relative">{BODY_P}{PROSE}</div>')
    assert any("成都市" in t for t in body)
    assert generic.is_drop_name("m-share") and generic.is_drop_name("border-right sidebar")


def test_a_heading_repeating_the_title_inside_the_body_clears_nothing() -> None:
    # SEO pages repeat the title as a section heading; the lead above it is still body
    body = headline_texts(f'{H1}<div class="a">{BODY_P}<h2>成都市医保个人账户划入标准</h2>{PROSE}{PROSE}</div>')
    assert any("成都市退休人员" in t for t in body) and any("参保人" in t for t in body)


def test_a_labelled_line_mid_article_is_left_out_alone() -> None:
    # SEO pages drop a 【相关阅读】 line with its links into the article and go on with the article
    related = '<p>【相关阅读】<a href="/1.html">武汉退休人员每月划入180元</a></p>'
    body = texts(f'<div class="content">{BODY_P}{related}{PROSE}<p>参保人员每月可在医保APP查询划入明细，核对是否有误。</p></div>')
    assert any("成都市" in t for t in body) and any("APP" in t for t in body)
    assert not any("武汉" in t for t in body)


@pytest.mark.parametrize("name", ["widget widget_text", "xgwj", "rmtj-list", "fenxiang", "advertisement"])
def test_furniture_names_of_cms_templates(name: str) -> None:
    assert generic.is_drop_name(name)


@pytest.mark.parametrize("name", ["article-content", "m-body", "xgwzd", "content main"])
def test_content_names_are_not_furniture(name: str) -> None:
    assert not generic.is_drop_name(name)


def test_an_inline_box_around_paragraphs_is_walked_as_blocks() -> None:
    # <span class="zw"> (or <font>) around the article's <p>s: each <p> is its own paragraph
    body = texts(f'<div><span class="zw">{BODY_P}{PROSE}</span></div>')
    assert len(body) == 2 and body[0].startswith("成都市") and body[1].startswith("参保人")


def test_a_prose_column_after_a_short_article_does_not_win_over_the_box_holding_the_headline() -> None:
    news = "".join(f"<p>武汉市医保局近日召开会议，会上通报武汉市退休人员每月划入{90 + i}元，同比有所增长，并要求做好宣传。</p>"
                   for i in range(4))
    body = headline_texts(f'<div class="wrap"><div class="c1">{H1}{BODY_P}{PROSE}</div>'
                          f'<div class="c2"><h3>各地动态</h3>{news}</div></div>')
    assert any("成都市" in t for t in body) and not any("武汉" in t for t in body)


def test_a_lead_box_around_the_headline_does_not_replace_the_article_after_it() -> None:
    lead = "<p>导语：成都市医保局日前公布了今年退休人员医保个人账户的划入标准，本文为您详细解读有关的规定。</p>"
    body = headline_texts(f'<div class="head">{H1}{lead}</div><div class="content">{BODY_P}{PROSE}{BODY_P}{PROSE}</div>')
    assert sum("成都市退休人员" in t for t in body) == 2


def test_a_two_line_lead_box_around_the_headline_does_not_replace_a_long_article() -> None:
    lead = "<p>导语：成都市医保局日前公布了今年的划入标准。</p><p>本文为您详细解读有关规定，供参考。</p>"
    body = headline_texts(f'<div class="head">{H1}{lead}</div><div class="content">{(BODY_P + PROSE) * 4}</div>')
    assert sum("成都市退休人员" in t for t in body) == 4


def test_a_prose_column_after_the_article_box_that_follows_the_headline_does_not_win() -> None:
    news = "".join(f"<p>武汉市医保局近日召开会议，会上通报武汉市退休人员每月划入{90 + i}元，同比有所增长，并要求做好宣传。</p>"
                   for i in range(4))
    body = headline_texts(f'<div class="wrap">{H1}<div class="c1">{BODY_P}{PROSE}</div>'
                          f'<div class="c2"><h3>各地动态</h3>{news}</div></div>')
    assert any("成都市" in t for t in body) and not any("武汉" in t for t in body)


def test_a_byline_bar_between_the_headline_and_the_article_is_not_the_article() -> None:
    bar = '<div class="info"><p>发布日期：2026-01-15</p><p>来源：成都市医疗保障局</p><p>浏览次数：1024</p></div>'
    body = headline_texts(f'<div class="article">{H1}{bar}<div class="content">{BODY_P}{PROSE}{BODY_P}</div></div>')
    assert sum("成都市退休人员" in t for t in body) == 2


@pytest.mark.parametrize(
    "amp",
    [
        '<amp-ad width="320" height="100" type="adsense"><div fallback>武汉市退休人员每月划入180元 点击查看</div></amp-ad>',
        '<amp-embed type="taboola" height="100"><p>武汉市退休人员医保个人账户每月划入180元。</p></amp-embed>',
        '<amp-sticky-ad layout="nodisplay"><amp-ad type="x"><p>武汉市每月划入180元</p></amp-ad></amp-sticky-ad>',
    ],
)
def test_amp_ads_inside_the_article_are_not_body(amp: str) -> None:
    body = texts(f'<article class="content">{BODY_P}{amp}{PROSE}</article>')
    assert any("成都市" in t for t in body)
    assert not any("武汉" in t for t in body)


def test_an_image_caption_inside_the_article_is_not_body() -> None:
    caption = '<figure><img src="a.jpg"><figcaption>图为武汉市医保大厅，当时每月划入180元</figcaption></figure>'
    body = texts(f'<article class="content">{caption}{BODY_P}{PROSE}</article>')
    assert any("成都市" in t for t in body)
    assert not any("武汉" in t for t in body)
