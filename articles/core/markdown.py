"""The one place where Markdown becomes HTML, and where that HTML is sanitised.

The admin preview (django-markdownx) and the public pages both call
`render_markdown`, so what an editor previews is exactly what visitors get.

Python-Markdown is recursive and, on some inputs, far from linear: a thousand
nested list levels overflow the stack, a few thousand nested brackets take
seconds. So a body is measured first, in one linear pass
(`complexity_problems`), against limits that are settings. A body past them
is refused when it is saved (the admin form, the importer, the generator) and,
if one is stored anyway, shown flattened to plain paragraphs instead of
rendered. Extensions with costs that grow with the square of the body
(abbreviations, footnotes, Markdown inside HTML) are not used.
"""

import re

import markdown
import nh3
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
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


EXTENSIONS = [
    "tables",
    "fenced_code",
    "def_list",
    "sane_lists",
    "smarty",
    DemoteH1Extension(),
]

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
    """Markdown → sanitised HTML, safe to put on a page as it is.

    A body past the complexity limits is shown flattened, never rendered.
    """
    text = text or ""
    if complexity_problems(text):
        return flattened(text)
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
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


def flattened(text):
    """The body as plain paragraphs: what a body too complex to render shows."""
    text = text[: settings.MARKDOWN_MAX_CHARS]
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", text))
    return mark_safe("".join(f"<p>{escape(p)}</p>" for p in paragraphs if p))


# Python-Markdown's inline pass costs about (paragraph length × inline
# matches): the density of markup in one paragraph is what makes it slow.
INLINE_MARK = re.compile(r"[*_`\[\]<>&!]")
BLOCKS = re.compile(r"\n[ \t]*\n")
LIST_OR_QUOTE = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?)")


def complexity_problems(text):
    """Why `text` is too big or too deeply built to render, in one linear
    pass; [] when it is within every limit (MARKDOWN_* settings)."""
    problems = []
    limits = settings
    if len(text) > limits.MARKDOWN_MAX_CHARS:
        problems.append(
            _("The body has %(n)s characters; the limit is %(max)s.")
            % {"n": len(text), "max": limits.MARKDOWN_MAX_CHARS}
        )
        text = text[: limits.MARKDOWN_MAX_CHARS]  # the rest is not worth a scan
    lines = text.split("\n")
    if len(lines) > limits.MARKDOWN_MAX_LINES:
        problems.append(
            _("The body has %(n)s lines; the limit is %(max)s.")
            % {"n": len(lines), "max": limits.MARKDOWN_MAX_LINES}
        )
    longest = max((len(line) for line in lines), default=0)
    if longest > limits.MARKDOWN_MAX_LINE_CHARS:
        problems.append(
            _("A line has %(n)s characters; the limit is %(max)s. Split it.")
            % {"n": longest, "max": limits.MARKDOWN_MAX_LINE_CHARS}
        )
    marks = max(
        (len(INLINE_MARK.findall(block)) for block in BLOCKS.split(text)), default=0
    )
    if marks > limits.MARKDOWN_MAX_INLINE_MARKS:
        problems.append(
            _(
                "A paragraph has %(n)s markup characters (* _ ` [ ] < > & !); "
                "the limit is %(max)s."
            )
            % {"n": marks, "max": limits.MARKDOWN_MAX_INLINE_MARKS}
        )
    depth = max((_nesting(line) for line in lines), default=0)
    if depth > limits.MARKDOWN_MAX_NESTING:
        problems.append(
            _("Lists or quotes are nested %(n)s deep; the limit is %(max)s.")
            % {"n": depth, "max": limits.MARKDOWN_MAX_NESTING}
        )
    brackets = _bracket_depth(text)
    if brackets > limits.MARKDOWN_MAX_NESTING:
        problems.append(
            _("Brackets are nested %(n)s deep; the limit is %(max)s.")
            % {"n": brackets, "max": limits.MARKDOWN_MAX_NESTING}
        )
    columns = max((line.count("|") for line in lines), default=0)
    if columns > limits.MARKDOWN_MAX_TABLE_COLUMNS:
        problems.append(
            _("A table row has %(n)s columns; the limit is %(max)s.")
            % {"n": columns, "max": limits.MARKDOWN_MAX_TABLE_COLUMNS}
        )
    return problems


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text):
    """`text` without control characters other than tab and line breaks."""
    return CONTROL.sub("", text or "")


def validate_renderable(text):
    """A model field validator: refuse a body past the complexity limits."""
    from django.core.exceptions import ValidationError

    problems = complexity_problems(text or "")
    if problems:
        raise ValidationError(
            [_("This body is too big or too deeply built to show: ")] + problems,
            code="too_complex",
        )


def _nesting(line):
    """How many list markers, quote marks and indents open the line."""
    depth, pos = 0, 0
    indent = len(line) - len(line.lstrip(" \t"))
    while True:
        match = LIST_OR_QUOTE.match(line, pos)
        if match is None or match.end() == pos:
            break
        depth, pos = depth + 1, match.end()
    return depth + indent // 2


def _bracket_depth(text):
    """The deepest nesting of [ ] and ( ) (escaped ones do not count)."""
    depth = deepest = 0
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "[(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "])" and depth:
            depth -= 1
    return deepest
