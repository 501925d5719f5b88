import html
import re

from django import template
from django.utils.html import escape

from articles.syndication.structured_data import (
    breadcrumbs_json_ld as build_breadcrumbs,
)
from whatanswers.web.links import web_url

register = template.Library()

META_DESCRIPTION_LENGTH = 160  # what search results show, about
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"])")


@register.filter(is_safe=True)
def meta_description(value, limit=META_DESCRIPTION_LENGTH):
    """Rendered text cut to `limit` characters at a word, with an ellipsis.

    It reads the text as rendered (escaped), so it counts and cuts the
    characters a reader sees, never inside an entity, and escapes again.
    """
    text = " ".join(html.unescape(str(value)).split())
    if len(text) > limit:
        cut = text[: limit - 1]
        if " " in cut and not text[limit - 1].isspace():
            cut = cut.rsplit(" ", 1)[0]
        text = cut.rstrip(" ,.;:–—-") + "…"
    return escape(text)


register.filter("web_url", web_url)


@register.filter
def first_line(value, limit=140):
    """A summary's first sentence, for a card: at most `limit` characters,
    cut at a word. A sentence ends at . ! or ? before a capital or a digit,
    so "e.g. a nap" does not end one."""
    text = " ".join(str(value).split())
    text = SENTENCE_END.split(text, maxsplit=1)[0]
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
    return text


@register.simple_tag
def breadcrumbs_json_ld(*names_and_paths):
    """`{% breadcrumbs_json_ld "Home" "/" topic.name topic_url %}`: a
    BreadcrumbList script body, the page itself last."""
    pairs = zip(names_and_paths[::2], names_and_paths[1::2], strict=True)
    return build_breadcrumbs(*pairs)
