"""Parts of a page kept in the cache under the version tokens of what they show.

A page that must be rendered again (its trending list moved, say) reads the
parts that did not change back in one round trip, instead of loading rows and
rendering them again: the answer itself with its JSON-LD, its related
sections, the browse sections. A change bumps a token (articles.delivery.caching), and
the part is rendered anew under its new key.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.delivery import caching
from articles.discovery import trending
from articles.discovery.rankings import related_candidates
from articles.discovery.related import related_sections
from articles.syndication import share_images
from articles.syndication.structured_data import article_json_ld, editorial_datetime
from topics.models import QuestionType, Topic
from whatanswers.web.absolute import absolute_url

PREFIX = "fragment:v2:"
TIMEOUT = 24 * 3600  # versioned keys: this only lets unused parts go


def cached_fragments(parts):
    """{name: (key parts, render[, current])} → {name: HTML}, rendering only
    what is missing, or what `current(value)` finds out of date.

    `render()` returns HTML, or a dict of HTML strings; what templates
    rendered and escaped is put back on the page as safe.
    """
    keys = {name: PREFIX + ":".join(map(str, part[0])) for name, part in parts.items()}
    found = cache.get_many(keys.values())
    result, rendered = {}, {}
    for name, (_, render, *current) in parts.items():
        value = found.get(keys[name])
        if value is None or (current and not current[0](value)):
            value = rendered[keys[name]] = _plain(render())
        result[name] = _safe(value)
    if rendered and caching.trusted():
        # Untrusted, the keys hold tokens of this request only: never read.
        cache.set_many(rendered, TIMEOUT)
    return result


def _plain(value):
    if isinstance(value, dict):
        return {name: str(html) for name, html in value.items()}
    return str(value)


def _safe(value):
    if isinstance(value, dict):
        return {name: mark_safe(html) for name, html in value.items()}
    return mark_safe(value)


def site_key():
    """The JSON-LD carries absolute URLs (SITE_URL) and the site's name."""
    site = f"{settings.SITE_URL}\0{settings.SITE_NAME}"
    return hashlib.sha256(site.encode()).hexdigest()[:16]


def article_fragments(request, article, **tokens):
    """The answer page's parts: `answer` (html, json_ld), `related_html` and
    `browse_html`. `tokens` are the current versions of the answer, its topic
    and type rows, its stored related candidates, the trending rail and the
    browse counts as answer pages are told of them ("browse"). A draft
    without a type yet (previewed) has no related sections."""
    return cached_fragments(
        {
            "answer": (
                ("answer", article.pk, tokens["answer"], tokens["topic"],
                 site_key()),
                lambda: render_answer(request, article),
            ),
            "related_html": (
                ("related", article.pk, tokens["related"], tokens["topic"],
                 tokens["type"], tokens["rail"]),
                lambda: render_related(article),
                lambda value: _still_current(value.get("shows", "")),
            ),
            "browse_html": (
                ("browse-answers", tokens["browse"]),
                lambda: render_to_string("includes/browse.html", browse_context()),
            ),
        }
    )  # fmt: skip


def render_related(article):
    """The related sections under the answer ("main") and the trending one
    beside it ("rail"), and the tokens of the answers they list ("shows"):
    an edit or unpublish of one of those makes this part, and the page,
    stale, and no other change does. A draft without a type yet (previewed)
    has none."""
    if not article.question_type_id:
        return {"main": "", "rail": "", "shows": ""}
    candidates = related_candidates(article)
    # The tokens of every answer the sections may list, read before their
    # rows: a change landing in between leaves a part that looks stale,
    # never one that looks fresh.
    may_list = {pk for ids in candidates.values() for pk in ids}
    may_list.update(trending.may_list())
    tokens = caching.versions([f"answer:{pk}" for pk in may_list])
    sections = related_sections(article, candidates)
    listed = [f"answer:{a.pk}" for section in sections for a in section.articles]
    missing = [name for name in listed if name not in tokens]
    if missing:  # not foreseen: the best that is left
        tokens.update(caching.versions(missing))
    parts = {
        part: render_to_string(
            "includes/related.html",
            {
                "related_sections": [
                    s for s in sections if (s.kind == "trending") == rail
                ]
            },
        )
        for part, rail in (("main", False), ("rail", True))
    }
    parts["shows"] = " ".join(f"{name}={tokens[name]}" for name in listed)
    return parts


def shown_answers(related_html):
    """The dependencies of the answers a related part lists."""
    return [item.partition("=")[0] for item in related_html["shows"].split()]


def _still_current(shows):
    """Do the answers a stored related part lists still have its tokens?"""
    stored = dict(item.partition("=")[::2] for item in shows.split())
    if not stored:
        return True
    now = caching.versions(list(stored))
    return all(str(now[name]) == token for name, token in stored.items())


def browse_context():
    """The "Browse by Topic" and "Browse by Question Type" sections.

    Callables: a template calls them only when its cached fragment is stale.
    """
    return {
        "browse_topics": Topic.objects.browsable,
        "browse_types": QuestionType.objects.browsable,
    }


def render_answer(request, article):
    """The answer (question, facts, body, sources) and its JSON-LD."""
    prefetch_related_objects([article], "key_facts", "sources")
    return {
        "html": render_to_string("articles/answer.html", {"article": article}, request),
        "json_ld": article_json_ld(article),
        "share_url": absolute_url(share_images.image_url(article)),
        "modified": timezone.localtime(editorial_datetime(article)).isoformat(),
    }
