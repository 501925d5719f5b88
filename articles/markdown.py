"""The one place where Markdown becomes HTML, and where that HTML is sanitised.

The admin preview (django-markdownx) and the public pages both call
`render_markdown`, so what an editor previews is exactly what visitors get.
"""

import markdown
import nh3
from django.utils.safestring import mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


class _DemoteH1(Treeprocessor):
    def run(self, root):
        for element in root.iter("h1"):
            element.tag = "h2"


class DemoteH1Extension(Extension):
    """The page's only H1 is the question, so a `# heading` in a body is an H2."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_DemoteH1(md), "demote_h1", 0)


EXTENSIONS = ["extra", "sane_lists", "smarty", DemoteH1Extension()]

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr",
    "ul", "ol", "li", "dl", "dt", "dd",
    "strong", "em", "b", "i", "code", "pre", "blockquote", "sup", "sub", "abbr",
    "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
}

URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """Markdown → sanitised HTML, safe to put on a page as it is."""
    html = markdown.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return mark_safe(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="nofollow noopener",
            strip_comments=True,
        )
    )
