from html.parser import HTMLParser

import pytest

from articles.core.markdown import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<svg onload="alert(1)">',
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "![x](javascript:alert(1))",
    '<div onclick="alert(1)">x</div>',
    '<body onload="alert(1)">',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>alert(1)//<</script>",
    '"><script>alert(1)</script>',
    'Hello {: onclick="alert(1)" }',
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "<!--<script>alert(1)</script>-->",
]

SAFE_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "dl", "dt",
    "dd", "strong", "em", "b", "i", "code", "pre", "blockquote", "sup", "sub",
    "abbr", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "data", "formaction"}


class ElementCollector(HTMLParser):
    """The real elements and attributes in a piece of HTML (text is ignored)."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html):
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_dangerous_markup_never_reaches_the_page(payload):
    html = render_markdown(f"Some text.\n\n{payload}\n\nMore text.")
    assert "Some text." in html
    for tag, attrs in elements(html):
        assert tag in SAFE_TAGS, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name != "style", html
            if name in URL_ATTRIBUTES:
                assert value.startswith(("https:", "http:", "mailto:")) or (
                    ":" not in value
                ), html


def test_there_are_at_least_twenty_payloads():
    assert len(XSS_PAYLOADS) >= 20


def test_structure_is_kept():
    html = render_markdown(
        "## Causes\n\n### 1. First\n\n- a\n- b\n\n1. one\n2. two\n\n"
        "**bold** and *em*\n\n| A | B |\n| - | - |\n| 1 | 2 |\n\n"
        "[a link](https://example.org/page)"
    )
    for fragment in (
        "<h2>Causes</h2>",
        "<h3>1. First</h3>",
        "<ul>\n<li>a</li>",
        "<ol>\n<li>one</li>",
        "<strong>bold</strong>",
        "<em>em</em>",
        "<table>",
        "<td>1</td>",
    ):
        assert fragment in html
    assert (
        '<a href="https://example.org/page" rel="nofollow noopener">a link</a>' in html
    )


def test_links_always_get_nofollow_noopener_even_if_rel_is_given():
    html = render_markdown('<a href="https://example.org" rel="author">x</a>')
    assert 'rel="nofollow noopener"' in html
    assert "author" not in html


def test_a_body_h1_becomes_h2_so_the_page_keeps_one_h1():
    assert render_markdown("# Title") == "<h2>Title</h2>"


def test_empty_body_renders_empty():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
