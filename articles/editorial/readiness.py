"""What an answer needs before it may go live (issue: ready before live).

Every way of publishing asks the same question here: the change form (with
the facts and sources as submitted), the bulk action and `Article.publish()`
(as saved), the importer (as parsed) and the go-live pass. The thresholds are
settings (PUBLISH_MIN_KEY_FACTS, PUBLISH_MIN_SOURCES, PUBLISH_MIN_BODY_WORDS).
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# What the answer generator leaves for the editor (suggestions.generators),
# and the usual marks of unfinished copy.
EDITOR_NOTE = re.compile(r"<!--\s*Editor\b|\b(?:TODO|TBD|FIXME)\b|\[(?:TK|TODO)\]")
COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
WORD = re.compile(r"\w+(?:['’-]\w+)*")


def problems(summary, body, fact_count, source_count, has_type=True):
    """What is missing, as sentences an editor can act on; [] when ready."""
    found = []
    if not has_type:
        found.append(_("It has no question type: choose one."))
    if not (summary or "").strip():
        found.append(_("It has no summary."))
    min_facts = settings.PUBLISH_MIN_KEY_FACTS
    if fact_count < min_facts:
        found.append(
            ngettext(
                "It needs at least %(min)d key fact (it has %(n)d).",
                "It needs at least %(min)d key facts (it has %(n)d).",
                min_facts,
            )
            % {"min": min_facts, "n": fact_count}
        )
    min_sources = settings.PUBLISH_MIN_SOURCES
    if source_count < min_sources:
        found.append(
            ngettext(
                "It needs at least %(min)d source (it has %(n)d).",
                "It needs at least %(min)d sources (it has %(n)d).",
                min_sources,
            )
            % {"min": min_sources, "n": source_count}
        )
    found += body_problems(body or "")
    return found


def body_problems(body):
    found = []
    words = len(WORD.findall(COMMENT.sub(" ", body)))
    min_words = settings.PUBLISH_MIN_BODY_WORDS
    if words < min_words:
        found.append(
            ngettext(
                "The body has %(n)d word; it needs at least %(min)d.",
                "The body has %(n)d words; it needs at least %(min)d.",
                words,
            )
            % {"n": words, "min": min_words}
        )
    if EDITOR_NOTE.search(body):
        found.append(_("The body still holds an editor note or a placeholder (TODO)."))
    empty = empty_sections(body)
    if empty:
        found.append(
            _("These sections are empty: %(names)s.")
            % {"names": ", ".join(f"“{name}”" for name in empty[:5])}
        )
    return found


def empty_sections(body):
    """Headings with nothing under them before the next heading of the same
    or a higher level: what is left of an outline that was not filled in."""
    empty, open_sections = [], []  # [level, name, filled], outermost first
    for line in COMMENT.sub("", body).splitlines():
        heading = HEADING.match(line)
        if heading is None:
            if line.strip():
                for section in open_sections:
                    section[2] = True
            continue
        level = len(heading[1])
        while open_sections and open_sections[-1][0] >= level:
            _close(open_sections.pop(), empty)
        for section in open_sections:  # a subheading is content of its parents
            section[2] = True
        open_sections.append([level, heading[2], False])
    while open_sections:
        _close(open_sections.pop(), empty)
    return empty


def _close(section, empty):
    if not section[2]:
        empty.append(section[1])


def article_problems(article):
    """The saved answer's problems (its facts and sources as stored)."""
    return problems(
        article.summary,
        article.body,
        article.key_facts.count(),
        article.sources.count(),
        has_type=article.question_type_id is not None,
    )
