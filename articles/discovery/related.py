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
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from taggit.models import TaggedItem

from articles.core.models import Article
from articles.discovery.models import TagFrequency
from articles.discovery.postings import Postings
from articles.discovery.trending import stored_scores, trending

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
    found = Article.objects.cards().filter(pk__in=wanted).in_bulk()
    plan = [
        (
            _("More %(type)s in %(topic)s") % {"type": qtype, "topic": topic},
            candidates.get("both", []),
            (topic.pk, qtype.pk),
            reverse("topics:topic_type", args=[topic.slug, qtype.slug]),
        ),
        (
            _("Also in %(topic)s") % {"topic": topic},
            candidates.get("topic", []),
            (topic.pk, None),
            topic.get_absolute_url(),
        ),
        (
            _("More “%(type)s” Questions") % {"type": qtype},
            candidates.get("type", []),
            (None, qtype.pk),
            qtype.get_absolute_url(),
        ),
    ]
    seen = {article.pk}
    sections = []
    for title, ids, (t, q), url in plan:
        # Stored ids may be older than a move: each answer must still be
        # what the section's title says.
        chosen = [
            found[pk]
            for pk in ids
            if pk in found
            and pk not in seen
            and t in (None, found[pk].topic_id)
            and q in (None, found[pk].question_type_id)
        ]
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


def compute_candidates(article, published_total, source=None, frequencies=None):
    """{section: [answer ids, best first]} for `article`'s related sections.

    Candidates come from the newest answers under each of its tags in the
    section (articles.discovery.postings): bounded reads, so the cost does
    not grow with the site. They are scored by every tag they share, then
    the trending and newest answers fill what is left. `source` is
    postings.Postings (the database) unless a bulk pass gives its own, with
    `frequencies` ({tag id: answers}) read once.
    """
    source = source or Postings()
    if frequencies is None:
        weights = tag_weights(article, published_total)
    else:
        own = source.own_tags(article.pk)
        weights = rarity(own, frequencies, published_total)
    trend = dict(stored_scores())
    topic, qtype = article.topic_id, article.question_type_id
    sections = {"both": (topic, qtype), "topic": (topic, None), "type": (None, qtype)}
    pools = {name: {} for name in sections}
    for name, (t, q) in sections.items():
        for tag in weights:
            for row in source.under(tag, topic=t, qtype=q):
                pools[name][row[0]] = row
        pools[name].pop(article.pk, None)
    everyone = {pk for pool in pools.values() for pk in pool}
    shared = source.tags_of(everyone, set(weights)) if everyone else {}
    score = {pk: sum(weights[tag] for tag in shared.get(pk, ())) for pk in everyone}
    hot = [r for r in source.answers(list(trend)) if r[0] != article.pk]
    hot.sort(key=lambda r: _recency(r, trend))
    candidates = {}
    for name, (t, q) in sections.items():
        limit = CANDIDATES[name]
        tagged = [row for row in pools[name].values() if score[row[0]] > 0]
        tagged.sort(key=lambda r: (-score[r[0]], *_recency(r, trend)))
        ranked = [row[0] for row in tagged[:limit]]
        # No shared tag: trending answers first, then the newest.
        belongs = [r[0] for r in hot if t in (None, r[1]) and q in (None, r[2])]
        _fill(ranked, belongs, limit, article.pk)
        if len(ranked) < limit:
            newest = source.newest(limit + 1, topic=t, qtype=q)
            _fill(ranked, [r[0] for r in newest], limit, article.pk)
        candidates[name] = ranked
    return candidates


def _recency(row, trend):
    """Ties go to the hotter, then the newer answer."""
    pk, _topic, _type, published_at = row
    return -trend.get(pk, 0.0), -published_at.timestamp(), -pk


def _fill(ranked, more, limit, own):
    for pk in more:
        if len(ranked) >= limit:
            return
        if pk != own and pk not in ranked:
            ranked.append(pk)


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
    return rarity(own, counts, published_total)


def rarity(tags, counts, published_total):
    """{tag id: log(N / answers with it)}, rarest first; a tag every answer
    carries weighs nothing and is left out."""
    weights = {
        tag: math.log(max(published_total, counts[tag]) / counts[tag])
        for tag in tags
        if counts.get(tag)
    }
    return dict(
        sorted(((t, w) for t, w in weights.items() if w > 0), key=lambda p: -p[1])
    )


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


def _article_type():
    return ContentType.objects.get_for_model(Article)
