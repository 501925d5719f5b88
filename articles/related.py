"""The sections that lead a reader on from an article page.

Each section holds at most SECTION_SIZE published answers, never the current
one and never one that a section higher on the page already lists. Within a
section the closest questions come first: by shared tags, each weighted by its
rarity (log(N / answers with that tag)), then by trending score, then by date.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    FloatField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from taggit.models import TaggedItem

from .models import Article
from .trending import score_expression, trending, trending_scores

SECTION_SIZE = 5


@dataclass
class Section:
    title: str
    articles: list
    url: str = ""


def related_sections(article, published_total):
    """The page's related sections; `published_total` is the number of
    published answers, which the tag rarity weights need."""
    topic, qtype = article.topic, article.question_type
    published = rank(Article.objects.for_listing(), article, published_total)
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
    ]
    seen = {article.pk}
    sections = []
    for title, queryset, url in candidates:
        found = list(queryset.exclude(pk__in=seen)[:SECTION_SIZE])
        seen.update(a.pk for a in found)
        if found:
            sections.append(Section(title, found, url))
    hot = trending(SECTION_SIZE, exclude=seen)
    if hot:
        title = _("Trending on %(site)s") % {"site": settings.SITE_NAME}
        sections.append(Section(title, hot, reverse("articles:trending")))
    return sections


def rank(queryset, article, published_total):
    """Order `queryset` by closeness to `article`."""
    return queryset.annotate(
        tag_score=tag_score_expression(tag_weights(article, published_total)),
        trend_score=score_expression(trending_scores()),
    ).order_by("-tag_score", "-trend_score", "-published_at", "-pk")


def tag_weights(article, published_total):
    """{tag id: rarity} for the article's tags, over published answers."""
    content_type = ContentType.objects.get_for_model(Article)
    own_tags = TaggedItem.objects.filter(
        content_type=content_type, object_id=article.pk
    ).values("tag_id")
    counts = (
        TaggedItem.objects.filter(
            content_type=content_type,
            tag_id__in=own_tags,
            object_id__in=Article.objects.published().values("pk"),
        )
        .values("tag_id")
        .annotate(n=Count("pk"))
        .values_list("tag_id", "n")
    )
    return {tag: math.log(max(published_total, n) / n) for tag, n in counts}


def tag_score_expression(weights):
    if not weights:
        return Value(0.0, output_field=FloatField())
    content_type = ContentType.objects.get_for_model(Article)
    weight = Case(
        *(When(tag_id=tag, then=Value(w)) for tag, w in weights.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )
    shared = (
        TaggedItem.objects.filter(
            content_type=content_type, object_id=OuterRef("pk"), tag_id__in=weights
        )
        .values("object_id")
        .annotate(total=Sum(weight))
        .values("total")
    )
    return Coalesce(Subquery(shared, output_field=FloatField()), Value(0.0))
