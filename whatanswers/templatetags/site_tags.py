import html

from django import template
from django.utils.html import escape

from articles.pages.cards import cards_html, first_line
from articles.syndication.structured_data import (
    breadcrumbs_json_ld as build_breadcrumbs,
)
from whatanswers.web.links import web_url

register = template.Library()

META_DESCRIPTION_LENGTH = 160  # what search results show, about


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


register.filter("first_line", first_line)


@register.simple_tag
def answer_cards(articles, level=3, compact=False):
    """The cards of a listing (articles.pages.cards)."""
    return cards_html(articles, level, compact)


@register.simple_tag
def breadcrumbs_json_ld(*names_and_paths):
    """`{% breadcrumbs_json_ld "Home" "/" topic.name topic_url %}`: a
    BreadcrumbList script body, the page itself last."""
    pairs = zip(names_and_paths[::2], names_and_paths[1::2], strict=True)
    return build_breadcrumbs(*pairs)
