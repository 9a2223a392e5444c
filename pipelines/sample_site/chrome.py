"""Shared page chrome of the sample site: navigation, footer, inline style/script, links the crawler must judge."""

from __future__ import annotations

from html import escape

from pipelines.sample_site.content import CATEGORIES

# Linked from every page; none of these exist (the crawler logs a 404 and goes on).
DEAD_NAV = "/zhuanti/index.html"
DEAD_FOOTER = "/about/contact.html"
DEAD_RELATED = "/yibao/201812/999.html"
DEAD_LINKS = (DEAD_NAV, DEAD_FOOTER, DEAD_RELATED)
# Linked, present, and forbidden by robots.txt.
ADMIN_PATH = "/admin/login.html"
ROBOTS_DISALLOW = ("/admin/", "/print/")
# Another domain: never fetched.
OFFSITE_LINKS = (
    "http://other.example/news/2026/0301.html",
    "http://other.example/",
    "https://share.other.example/weibo?title=shebao",
)
# Friend links in every footer: other domains, never fetched.
FRIEND_LINKS = tuple(
    (f"http://other.example/friend/{k}.html", name)
    for k, name in enumerate(("人社新闻网", "医保服务大厅", "养老金计算器", "公积金查询", "个税计算器", "退休年龄计算",
                              "社保卡服务", "就业服务网", "健康资讯", "老年生活网", "法律咨询网", "政策解读网"), start=1)
)
ASSETS = ("/static/css/main.css", "/static/js/app.js", "/static/img/logo.png", "/static/img/qrcode.png")
# Region names shown as plain text in the sidebar ("各地社保"): names with no rule, outside the body.
REGION_GRID = ("北京", "上海", "广州", "深圳", "天津", "重庆", "杭州", "南京", "武汉", "成都", "西安", "郑州",
               "长沙", "济南", "青岛", "沈阳", "大连", "福州", "厦门", "合肥", "南昌", "昆明", "贵阳", "兰州")

INLINE_STYLE = """body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f5f5f5}
a{color:#1a4f8b;text-decoration:none}a:hover{color:#c00;text-decoration:underline}
.top-bar{height:30px;background:#eee;border-bottom:1px solid #ddd;font-size:12px}
.header{width:1200px;margin:0 auto;height:90px}.header .logo{float:left;margin-top:15px}
.nav{background:#1a4f8b;height:44px}.nav ul{width:1200px;margin:0 auto;padding:0;list-style:none}
.nav li{float:left}.nav li a{display:block;padding:0 18px;line-height:44px;color:#fff;font-size:16px}
.crumbs{width:1200px;margin:10px auto;color:#888}.main{width:1200px;margin:0 auto;overflow:hidden}
.left{float:left;width:860px;background:#fff;padding:20px 30px;box-sizing:border-box}
.sidebar{float:right;width:320px}.box{background:#fff;margin-bottom:15px;padding:12px 15px}
.box h3{font-size:16px;border-left:4px solid #1a4f8b;padding-left:8px;margin:0 0 10px}
.article-title{font-size:26px;line-height:1.4;margin:10px 0}.article-info{color:#999;border-bottom:1px dashed #ddd;padding-bottom:10px}
.article-content p{text-indent:2em;margin:12px 0}.article-content h2{font-size:18px;margin:20px 0 10px}
.rule-table{border-collapse:collapse;width:100%}.rule-table td,.rule-table th{border:1px solid #ccc;padding:6px 10px}
.related li,.list li{line-height:32px;border-bottom:1px dotted #e5e5e5}.related .date,.list .date{float:right;color:#aaa}
.comments .comment-item{border-bottom:1px solid #f0f0f0;padding:8px 0}.footer{margin-top:20px;background:#333;color:#bbb;text-align:center;padding:20px 0}
.region-grid span{display:inline-block;width:25%;text-align:center;line-height:28px}.share a{margin-right:12px}
.sub-nav{width:1200px;margin:0 auto;padding:8px 0;border-bottom:1px solid #e5e5e5}.sub-nav a{display:inline-block;margin:0 10px;color:#555}
.tags a{display:inline-block;margin:4px;padding:2px 8px;border:1px solid #dde;border-radius:3px;font-size:12px;color:#666}
.latest li{line-height:28px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}.latest .date{float:right;color:#bbb;font-size:12px}
.pages{margin:20px 0;text-align:center}.pages a,.pages b{display:inline-block;margin:0 3px;padding:3px 10px;border:1px solid #ddd}
.pages b{background:#1a4f8b;color:#fff;border-color:#1a4f8b}.search input{width:280px;height:32px;border:2px solid #1a4f8b;padding:0 8px}
@media screen and (max-width:768px){.header,.nav ul,.sub-nav,.crumbs,.main{width:100%}.left,.sidebar{float:none;width:100%}
.nav li a{padding:0 10px;font-size:14px}.article-title{font-size:20px}.sub-nav a{margin:0 6px}.rule-table{font-size:12px}}
@media print{.nav,.sub-nav,.sidebar,.related,.comments,.footer,.share{display:none}.left{width:100%}}
.m-nav{background:#1a4f8b;padding:10px}.m-nav a{color:#fff;margin-right:12px}.m-article{padding:12px 15px;background:#fff}
.m-title{font-size:20px;line-height:1.4}.m-meta{color:#999;font-size:12px}.m-body p{margin:10px 0;text-indent:2em}
.m-related,.m-hotqa,.m-comments,.m-latest{background:#fff;margin-top:10px;padding:10px 15px}.m-foot{text-align:center;color:#999;padding:15px}"""

INLINE_SCRIPT = """var _hmt = _hmt || [];
(function() {
  var hm = document.createElement("script");
  hm.src = "https://stats.other.example/hm.js?3f2a9c";
  var s = document.getElementsByTagName("script")[0];
  s.parentNode.insertBefore(hm, s);
})();
function toggleFont(size){var el=document.getElementById("article-content");if(el){el.style.fontSize=size+"px";}}
window.addEventListener("scroll",function(){var b=document.getElementById("back-top");if(b){b.style.display=window.scrollY>600?"block":"none";}});"""


# Second navigation row: topic shortcuts into the listings (fragments only; same pages).
SUBNAV = ("医保查询", "养老金计算", "退休年龄", "社保缴费", "异地就医", "生育保险", "工伤认定", "失业金领取",
          "医保报销", "门诊共济", "大病保险", "长期护理", "个人账户", "家庭共济", "医保电子凭证", "社保卡办理",
          "灵活就业", "城乡居民医保", "慢特病", "住院报销", "药品目录", "定点机构", "医保转移", "断缴补缴")
# Advertising slots the page script reads: real pages carry such blobs, and they add realistic weight.
AD_SLOTS = 30


def subnav_html() -> str:
    """Topic shortcuts below the main navigation."""
    cats = ("yibao", "tuixiu", "wenda")
    links = "".join(
        f'<a href="/{cats[k % 3]}/index.html#t{k + 1}">{escape(name)}</a>' for k, name in enumerate(SUBNAV)
    )
    return f'<div class="sub-nav">{links}</div>'


def ad_config_html() -> str:
    """An inline advertising configuration script (no links, no numbers a reader would take for a rule)."""
    slots = ",".join(
        f'{{"id":"slot-{k:02d}","size":"{300 + 10 * (k % 5)}x{250 - 10 * (k % 4)}","lazy":{str(k % 2 == 0).lower()},'
        f'"refresh":{30 + k},"zone":"shebao-{["top", "side", "bottom"][k % 3]}"}}'
        for k in range(AD_SLOTS)
    )
    return f"<script>window.__AD_CONFIG__={{\"site\":\"shebao\",\"slots\":[{slots}]}};</script>"


def nav_html() -> str:
    """Top navigation: home, the categories, a dead special-topics link."""
    items = [("/", "首页")] + [(f"/{c}/index.html", name) for c, name in CATEGORIES.items()]
    items += [(DEAD_NAV, "专题"), ("/wenda/index.html", "问答"), (OFFSITE_LINKS[1], "合作媒体")]
    lis = "".join(f'<li><a href="{href}">{escape(text)}</a></li>' for href, text in items)
    return f'<div class="nav"><ul>{lis}</ul></div>'


def header_html() -> str:
    """Top bar, logo and navigation of the desktop and legacy layouts."""
    return (
        '<div class="top-bar">欢迎访问社保网 | <a href="/">设为首页</a> | '
        f'<a href="{ADMIN_PATH}">投稿登录</a></div>\n'
        '<div class="header"><a class="logo" href="/"><img src="/static/img/logo.png" alt="社保网" '
        'width="240" height="60"></a><form class="search" action="/search/"><input name="q" '
        'placeholder="搜索社保政策"></form></div>\n' + nav_html() + subnav_html()
    )


def footer_html() -> str:
    """Footer: about, contact (dead), admin (disallowed), an off-site link, licence text."""
    return (
        '<div class="footer"><p><a href="/">网站首页</a> | <a href="' + DEAD_FOOTER + '">联系我们</a> | '
        f'<a href="{ADMIN_PATH}">管理登录</a> | <a href="{OFFSITE_LINKS[0]}">友情链接</a></p>'
        '<p class="friend-links">友情链接：' + " ".join(f'<a href="{h}">{escape(t)}</a>' for h, t in FRIEND_LINKS) + "</p>"
        "<p>本站内容仅供参考，转载请注明出处。客服邮箱：service@shebao.example</p>"
        '<p>Copyright &copy; 2016-2026 社保网 版权所有 沪ICP备00000000号</p>'
        '<img src="/static/img/qrcode.png" alt="关注公众号" width="90" height="90"></div>'
    )


def head_html(title: str, charset_meta: str, extra: str = "") -> str:
    """<head> with title, keywords, the charset declaration (or none), stylesheet and inline style."""
    return (
        f"<head>{charset_meta}<title>{escape(title)}</title>\n"
        '<meta name="keywords" content="医保,个人账户,退休人员,医保卡,每月划入">\n'
        f'<meta name="description" content="{escape(title)}，社保网为您整理各地医保个人账户划入标准及查询方法。">\n'
        f'{extra}<link rel="stylesheet" href="/static/css/main.css">\n'
        f'<link rel="icon" href="/static/img/logo.png">\n<style>{INLINE_STYLE}</style>\n</head>'
    )


# Tag cloud in the sidebar: topic words linking into the listings (fragments only).
TAGS = ("医保返钱", "个人账户", "退休待遇", "医保卡余额", "门诊报销", "医保电子凭证", "家庭共济", "异地就医备案",
        "大病保险", "职工医保", "居民医保", "养老金调整", "医保缴费年限", "住院起付线", "慢病认定", "医保目录",
        "定点药店", "医保转移接续", "生育津贴", "失业保险金", "工伤保险", "社保卡激活", "医保断缴", "灵活就业参保")


def tags_html() -> str:
    """Sidebar tag cloud."""
    links = "".join(f'<a href="/wenda/index.html#tag{k + 1}">{escape(t)}</a>' for k, t in enumerate(TAGS))
    return f'<div class="box tags"><h3>热门标签</h3>{links}</div>'


def region_grid_html() -> str:
    """Sidebar box listing place names as plain text (no numbers, no links)."""
    spans = "".join(f"<span>{name}</span>" for name in REGION_GRID)
    return f'<div class="box region-grid"><h3>各地社保</h3>{spans}</div>' + tags_html()


def share_html(url_path: str) -> str:
    """Share buttons pointing off-site."""
    return (
        f'<div class="share">分享到：<a href="{OFFSITE_LINKS[2]}&amp;u={escape(url_path)}">微博</a>'
        '<a href="javascript:void(0)" onclick="toggleFont(18)">大字</a>'
        '<a href="javascript:window.scrollTo(0,0)" id="back-top">返回顶部</a></div>'
    )


def script_html() -> str:
    """Inline analytics script and the site script."""
    return f'<script src="/static/js/app.js"></script>\n<script>{INLINE_SCRIPT}</script>\n{ad_config_html()}'
