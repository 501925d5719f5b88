"""The sections that lead a reader on from an article page.

Each section holds at most SECTION_SIZE published answers, never the current
one and never one that a section higher on the page already lists. Within a
section the closest questions come first: by shared tags, each weighted by its
rarity (log(N / answers with that tag)), then by trending score, then by date.

Ranking needs the corpus, so it is done off the page: `compute_candidates`
ranks an answer's candidates per section and articles.discovery.rankings stores them.
The page reads the stored ids and fetches those answers in one query.
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
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from taggit.models import TaggedItem

from articles.core.models import Article
from articles.discovery.models import TagFrequency
from articles.discovery.trending import trending, trending_scores

SECTION_SIZE = 5
# Candidates stored per section: a section may lose the answers listed above
# it (5 per section) and a few unpublished since; the rest are spares.
CANDIDATES = {"both": SECTION_SIZE + 5, "topic": 2 * SECTION_SIZE + 5}
CANDIDATES["type"] = 3 * SECTION_SIZE + 5


@dataclass
class Section:
    title: str
    articles: list
    url: str = ""
    kind: str = "related"  # or "trending", which sits in the page's side rail


def related_sections(article, candidates):
    """The page's sections, from `candidates` as compute_candidates gives them.

    One query fetches every candidate still published; a last one fills the
    trending section.
    """
    topic, qtype = article.topic, article.question_type
    wanted = {pk for ids in candidates.values() for pk in ids}
    found = Article.objects.for_listing().filter(pk__in=wanted).in_bulk()
    plan = [
        (
            _("More %(type)s in %(topic)s") % {"type": qtype, "topic": topic},
            candidates.get("both", []),
            reverse("topics:topic_type", args=[topic.slug, qtype.slug]),
        ),
        (
            _("Also in %(topic)s") % {"topic": topic},
            candidates.get("topic", []),
            topic.get_absolute_url(),
        ),
        (
            _("More “%(type)s” Questions") % {"type": qtype},
            candidates.get("type", []),
            qtype.get_absolute_url(),
        ),
    ]
    seen = {article.pk}
    sections = []
    for title, ids, url in plan:
        chosen = [found[pk] for pk in ids if pk in found and pk not in seen]
        chosen = chosen[:SECTION_SIZE]
        seen.update(a.pk for a in chosen)
        if chosen:
            sections.append(Section(title, chosen, url))
    hot = trending(SECTION_SIZE, exclude=seen)
    if hot:
        title = _("Trending on %(site)s") % {"site": settings.SITE_NAME}
        sections.append(
            Section(title, hot, reverse("articles:trending"), kind="trending")
        )
    return sections


def compute_candidates(article, published_total):
    """{section: [answer ids, best first]} for `article`'s related sections.

    This reads every answer that shares a tag with `article` within its topic
    or type, so it runs in the background (or once, for an answer that has
    never been ranked), never on every page view.
    """
    weights = tag_weights(article, published_total)
    trend = dict(trending_scores())
    topic, qtype = article.topic_id, article.question_type_id
    pool = (
        Article.objects.published()
        .filter(Q(topic=topic) | Q(question_type=qtype))
        .exclude(pk=article.pk)
    )
    tagged = _tagged(pool, weights, trend)
    hot = _hot(pool, trend)
    # Each section as a query condition and as the same test on (topic, type).
    sections = {
        "both": (
            Q(topic=topic, question_type=qtype),
            lambda t, q: (t, q) == (topic, qtype),
        ),
        "topic": (Q(topic=topic), lambda t, q: t == topic),
        "type": (Q(question_type=qtype), lambda t, q: q == qtype),
    }
    candidates = {}
    for name, (condition, belongs) in sections.items():
        limit = CANDIDATES[name]
        ranked = [pk for pk, t, q in tagged if belongs(t, q)][:limit]
        # No shared tag: trending answers first, then the newest.
        for pk, t, q in hot:
            if belongs(t, q) and len(ranked) < limit and pk not in ranked:
                ranked.append(pk)
        if len(ranked) < limit:
            newest = pool.filter(condition).exclude(pk__in=ranked)
            newest = newest.order_by("-published_at", "-pk").values_list(
                "pk", flat=True
            )
            ranked += list(newest[: limit - len(ranked)])
        candidates[name] = ranked
    return candidates


def _tagged(pool, weights, trend):
    """[(id, topic, type)] of the answers sharing a weighted tag, best first."""
    if not weights:
        return []
    shares_a_tag = TaggedItem.objects.filter(
        content_type=_article_type(), tag_id__in=weights
    ).values("object_id")
    rows = (
        pool.filter(pk__in=shares_a_tag)
        .annotate(tag_score=tag_score_expression(weights))
        .filter(tag_score__gt=0)
        .values_list("pk", "topic", "question_type", "tag_score", "published_at")
    )
    rows = sorted(
        rows,
        key=lambda r: (-r[3], -trend.get(r[0], 0.0), -r[4].timestamp(), -r[0]),
    )
    return [(pk, topic, qtype) for pk, topic, qtype, _score, _at in rows]


def _hot(pool, trend):
    """[(id, topic, type)] of the trending answers in the pool, hottest first."""
    rows = pool.filter(pk__in=list(trend)).values_list(
        "pk", "topic", "question_type", "published_at"
    )
    rows = sorted(rows, key=lambda r: (-trend[r[0]], -r[3].timestamp(), -r[0]))
    return [(pk, topic, qtype) for pk, topic, qtype, _at in rows]


def tag_weights(article, published_total):
    """{tag id: rarity} for the article's tags, over published answers.

    The frequencies come from TagFrequency (stored by a background task); a
    tag it does not know yet is counted directly.
    """
    own = list(
        TaggedItem.objects.filter(
            content_type=_article_type(), object_id=article.pk
        ).values_list("tag_id", flat=True)
    )
    counts = dict(
        TagFrequency.objects.filter(tag_id__in=own, answers__gt=0).values_list(
            "tag_id", "answers"
        )
    )
    unknown = [tag for tag in own if tag not in counts]
    if unknown:
        counts.update(count_tag_frequencies(unknown))
    return {
        tag: math.log(max(published_total, n) / n) for tag, n in counts.items() if n
    }


def count_tag_frequencies(tag_ids=None):
    """{tag id: published answers with it}, counted by the database."""
    items = TaggedItem.objects.filter(
        content_type=_article_type(),
        object_id__in=Article.objects.published().values("pk"),
    )
    if tag_ids is not None:
        items = items.filter(tag_id__in=tag_ids)
    return dict(
        items.values("tag_id").annotate(n=Count("pk")).values_list("tag_id", "n")
    )


def tag_score_expression(weights):
    weight = Case(
        *(When(tag_id=tag, then=Value(w)) for tag, w in weights.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )
    shared = (
        TaggedItem.objects.filter(
            content_type=_article_type(), object_id=OuterRef("pk"), tag_id__in=weights
        )
        .values("object_id")
        .annotate(total=Sum(weight))
        .values("total")
    )
    return Coalesce(Subquery(shared, output_field=FloatField()), Value(0.0))


def _article_type():
    return ContentType.objects.get_for_model(Article)
