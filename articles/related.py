"""The sections that lead a reader on from an article page.

Each section holds at most SECTION_SIZE published answers, never the current
one and never one that a section higher on the page already lists.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Article

SECTION_SIZE = 5


@dataclass
class Section:
    title: str
    articles: list
    url: str = ""


def trending():
    """Answers people are reading; until view counts exist, the latest published."""
    return Article.objects.for_listing()


def related_sections(article):
    topic, qtype = article.topic, article.question_type
    published = Article.objects.for_listing()
    candidates = [
        (
            _("More %(type)s in %(topic)s") % {"type": qtype, "topic": topic},
            published.filter(topic=topic, question_type=qtype),
            reverse("topics:topic_type", args=[topic.slug, qtype.slug]),
        ),
        (
            _("Also in %(topic)s") % {"topic": topic},
            published.filter(topic=topic),
            topic.get_absolute_url(),
        ),
        (
            _("More “%(type)s” Questions") % {"type": qtype},
            published.filter(question_type=qtype),
            qtype.get_absolute_url(),
        ),
        (_("Trending on %(site)s") % {"site": settings.SITE_NAME}, trending(), ""),
    ]
    seen = {article.pk}
    sections = []
    for title, queryset, url in candidates:
        found = list(queryset.exclude(pk__in=seen)[:SECTION_SIZE])
        seen.update(a.pk for a in found)
        if found:
            sections.append(Section(title, found, url))
    return sections
