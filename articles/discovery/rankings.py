"""Stored rankings and counts: what pages read instead of scanning the corpus.

- Related candidates per answer (RelatedAnswers), recomputed when the answer
  or its tags change and, oldest first, on a schedule.
- Tag document frequencies (TagFrequency), recomputed on a schedule.
- The trending list (articles.discovery.trending), recomputed on a schedule.
- Browse counts (Topic/QuestionType/TopicTypeCount.published_count), recounted
  for the topic and type an answer moves in or out of, and on a schedule
  (scheduled answers go live without a save).
"""

import hashlib
import json
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone

from articles.core.models import Article
from articles.delivery import caching
from articles.discovery.models import Ranking, RelatedAnswers, TagFrequency
from articles.discovery.postings import LoadedPostings
from articles.discovery.related import (
    CANDIDATES,
    compute_candidates,
    count_tag_frequencies,
)
from topics.models import QuestionType, Topic, TopicTypeCount

logger = logging.getLogger(__name__)
BULK = 1000  # answers ranked and stored together by rank_all
# The digests of the browse counts pages were last told of: listings and home
# ("site" token), and answer pages ("browse" token), which follow less often.
BROWSE_KEY = "browse"
ANSWER_BROWSE_KEY = "browse-answers"


def published_total():
    """The number of published answers, from the stored topic counts."""
    return Topic.objects.aggregate(n=Sum("published_count"))["n"] or 0


def related_candidates(article):
    """The stored candidates of `article`. A page view never ranks: an
    answer not ranked yet (its ranking is queued when it goes live, and the
    schedule ranks any it missed first) shows none meanwhile. Only a
    draft's preview, which no task ranks, is ranked here."""
    entry = RelatedAnswers.objects.filter(article_id=article.pk).first()
    if entry is not None:
        return entry.candidates
    if article.status != Article.Status.PUBLISHED:
        return compute_candidates(article, published_total())
    return {}


def refresh_related(article, total=None):
    """Rank `article` now and store it; its page is refreshed if it changed."""
    total = published_total() if total is None else total
    candidates = compute_candidates(article, total)
    _store_related({article.pk: candidates})
    return candidates


def _store_related(ranked):
    """Store {answer id: candidates}; bump the related sections that changed."""
    before = dict(
        RelatedAnswers.objects.filter(article_id__in=list(ranked)).values_list(
            "article_id", "candidates"
        )
    )
    now = timezone.now()
    RelatedAnswers.objects.bulk_create(
        [
            RelatedAnswers(article_id=pk, candidates=candidates, computed_at=now)
            for pk, candidates in ranked.items()
        ],
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["candidates", "computed_at"],
    )
    changed = [f"related:{pk}" for pk, c in ranked.items() if before.get(pk) != c]
    caching.bump(*changed)


def rank_all(progress=None):
    """Rank every published answer in one pass, from postings read once into
    memory (after a bulk load; about a millisecond an answer). Returns how
    many were ranked; `progress(done, total)` is called every BULK answers."""
    frequencies = dict(TagFrequency.objects.values_list("tag_id", "answers"))
    source = LoadedPostings(newest_limit=max(CANDIDATES.values()) + 1)
    total = published_total()
    ids = source.ids()
    done, ranked = 0, {}
    for pk, topic, qtype, _at in source.answers(ids):
        article = Article(pk=pk, topic_id=topic, question_type_id=qtype)
        ranked[pk] = compute_candidates(article, total, source, frequencies)
        if len(ranked) == BULK:
            _store_related(ranked)
            done, ranked = done + BULK, {}
            if progress is not None:
                progress(done, len(ids))
    if ranked:
        _store_related(ranked)
        if progress is not None:
            progress(len(ids), len(ids))
    return len(ids)


def refresh_stale_related(batch=None, max_age=None, seconds=None):
    """Rank the published answers never ranked, then the oldest entries.

    Returns how many were ranked. Bounded by `batch` and by `seconds`, so a
    schedule keeps a large site current a slice at a time, and the one
    worker gets back to the periodic tasks (flush_views) soon.
    """
    batch = batch or settings.RELATED_REFRESH_BATCH
    seconds = seconds or settings.RELATED_REFRESH_SECONDS
    deadline = time.monotonic() + seconds
    max_age = max_age or timedelta(seconds=settings.RELATED_MAX_AGE_SECONDS)
    published = Article.objects.published().select_related("topic", "question_type")
    # NOT EXISTS, an anti-join: PostgreSQL runs NOT IN (subquery) row by row
    # once the ids outgrow work_mem (218 s at 100,000 answers).
    entry = RelatedAnswers.objects.filter(article_id=OuterRef("pk"))
    never = list(
        published.filter(~Exists(entry)).order_by("-published_at", "-pk")[:batch]
    )
    stale_ids = RelatedAnswers.objects.filter(
        computed_at__lt=timezone.now() - max_age
    ).order_by("computed_at")[: batch - len(never)]
    stale = list(published.filter(pk__in=stale_ids.values("article_id")))
    total = published_total()
    ranked = 0
    for article in never + stale:
        refresh_related(article, total)
        ranked += 1
        if time.monotonic() > deadline:
            break
    return ranked


def refresh_tag_frequencies():
    """Recount every tag over published answers, in one grouped query."""
    counts = count_tag_frequencies()
    with transaction.atomic():
        TagFrequency.objects.exclude(tag_id__in=counts).delete()
        TagFrequency.objects.bulk_create(
            [TagFrequency(tag_id=tag, answers=n) for tag, n in counts.items()],
            update_conflicts=True,
            unique_fields=["tag"],
            update_fields=["answers"],
        )
    return len(counts)


def browse_changed(key=BROWSE_KEY, every=0):
    """Have the browse sections' names or counts moved since the pages under
    `key` were last told, at least `every` seconds ago? They show on every
    page, so a change there is passed on by the schedule (refresh_rankings),
    not by every publish."""
    shown = [
        list(model.objects.order_by("pk").values_list("pk", "name", "published_count"))
        for model in (Topic, QuestionType)
    ]
    digest = hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:32]
    told = Ranking.objects.filter(key=key).first()
    now = timezone.now()
    if told is not None and (
        told.value == digest or (now - told.computed_at).total_seconds() < every
    ):
        return False
    Ranking.objects.update_or_create(
        key=key, defaults={"value": digest, "computed_at": now}
    )
    return True


def refresh_counts(topic_ids=None, type_ids=None):
    """Recount published answers per topic, type and topic × type.

    With ids, only those are recounted (a few index-only counts); without,
    everything is (the scheduled pass). Returns True if a count changed.
    """
    published = Article.objects.published()
    topics = Topic.objects.all()
    types = QuestionType.objects.all()
    pairs = published
    if topic_ids is not None or type_ids is not None:
        topics = topics.filter(pk__in=topic_ids or [])
        types = types.filter(pk__in=type_ids or [])
        pairs = published.filter(topic__in=topic_ids or [])
    changed = False
    with transaction.atomic():
        for model, queryset, field in (
            (Topic, topics, "topic"),
            (QuestionType, types, "question_type"),
        ):
            counts = dict(
                published.filter(**{f"{field}__in": queryset.values("pk")})
                .values(field)
                .annotate(n=Count("pk"))
                .values_list(field, "n")
            )
            for entry in queryset.only("pk", "published_count"):
                n = counts.get(entry.pk, 0)
                if entry.published_count != n:
                    model.objects.filter(pk=entry.pk).update(published_count=n)
                    changed = True
        changed |= _store_pair_counts(pairs, topic_ids)
    return changed


def _store_pair_counts(published, topic_ids):
    counts = {
        (t, q): n
        for t, q, n in published.values("topic", "question_type")
        .annotate(n=Count("pk"))
        .values_list("topic", "question_type", "n")
    }
    existing = TopicTypeCount.objects.all()
    if topic_ids is not None:
        existing = existing.filter(topic__in=topic_ids)
    old = {
        (row.topic_id, row.question_type_id): row.published_count for row in existing
    }
    for key in old.keys() - counts.keys():
        counts[key] = 0
    changed = {key: n for key, n in counts.items() if old.get(key) != n}
    TopicTypeCount.objects.bulk_create(
        [
            TopicTypeCount(topic_id=t, question_type_id=q, published_count=n)
            for (t, q), n in changed.items()
        ],
        update_conflicts=True,
        unique_fields=["topic", "question_type"],
        update_fields=["published_count"],
    )
    return bool(changed)
