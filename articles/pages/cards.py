"""Answer cards: the rows every listing and related section shows.

An answer page lists twenty cards and a listing twenty more. Through the
template each card took three reverse() calls and some forty variable
look-ups: a third of a first view's time. Here a list of cards costs one
reverse() for the answers, one per topic or type it shows, and string
formatting. The markup is the one templates/includes/article_list.html
describes; the fields a card reads are CARD_FIELDS (ArticleQuerySet.cards).
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.core.addresses import AnswerPaths

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"])")


def first_line(value, limit=140):
    """A summary's first sentence, for a card: at most `limit` characters,
    cut at a word. A sentence ends at . ! or ? before a capital or a digit,
    so "e.g. a nap" does not end one."""
    text = " ".join(str(value).split())
    text = SENTENCE_END.split(text, maxsplit=1)[0]
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
    return text


def cards_html(articles, level=3, compact=False):
    """The <ul> of cards for `articles` (with their topic and type loaded)."""
    answer_path = AnswerPaths()
    urls = {}

    def url_of(row):  # a topic or a type: a few per list
        key = (type(row), row.pk)
        if key not in urls:
            urls[key] = escape(row.get_absolute_url())
        return urls[key]

    heading = f"h{int(level)}"
    items = []
    for article in articles:
        summary = ""
        if article.summary:
            summary = (
                f'<p class="card-summary">{escape(first_line(article.summary))}</p>'
            )
        topic, qtype = article.topic, article.question_type
        href = escape(answer_path(article.slug))
        items.append(
            f'    <li class="card">\n'
            f'      <{heading} class="card-title"><a href="{href}">'
            f"{escape(article.question)}</a></{heading}>\n"
            f"      {summary}\n"
            f'      <p class="meta"><a class="tag" href="{url_of(topic)}">'
            f"{escape(topic.name)}</a> "
            f'<a class="tag type" href="{url_of(qtype)}">{escape(qtype.name)}</a></p>\n'
            f"    </li>\n"
        )
    css = "cards compact" if compact else "cards"
    return mark_safe(f'<ul class="{css}">\n{"".join(items)}</ul>')
