"""Page views, buffered in the cache and flushed to ArticleView in bulk.

A view takes a numbered slot: one atomic increment of a sequence in the cache,
then the slot holds (answer, day). No database write happens on the page.
The periodic flush (articles.tasks.flush_views) adds up the slots after the
last one flushed and writes the counts and the new high-water mark in one
transaction, so a failed flush is simply retried and a repeated one counts
nothing twice. Slots are deleted only after that commit.
"""

import datetime
import time
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from . import trend_points
from .counters import increment
from .models import Article, ArticleView, ViewFlush

SEQUENCE_KEY = "views:seq"
SLOT_PREFIX = "views:slot:"
# Long enough to survive a worker outage of days; slots are small.
SLOT_TIMEOUT = 14 * 24 * 3600
FLUSH_BATCH = 5000


def buffer_view(article_id, day=None):
    """Record one view of `article_id` in the cache."""
    day = day or timezone.localdate()
    value = (article_id, day.isoformat())
    # Redis (whatanswers.redis_cache) does both steps in one round trip.
    store = getattr(cache, "incr_and_store", None)
    if store is None or store(SEQUENCE_KEY, SLOT_PREFIX, value, SLOT_TIMEOUT) < 0:
        slot = _next_slot()
        cache.set(f"{SLOT_PREFIX}{slot}", value, SLOT_TIMEOUT)
    if settings.VIEW_FLUSH_IN_PROCESS:
        _flush_own_buffer_now_and_then()


_last_local_flush = [time.monotonic()]


def _flush_own_buffer_now_and_then():
    """Without a shared cache (development without REDIS_URL) the worker
    cannot see this process's buffer, so the process flushes it itself."""
    if time.monotonic() - _last_local_flush[0] >= settings.VIEW_FLUSH_SECONDS:
        _last_local_flush[0] = time.monotonic()
        flush()


def _next_slot():
    try:
        return cache.incr(SEQUENCE_KEY)
    except ValueError:
        # A new (or emptied) cache: continue after the last flushed slot, so
        # that no new slot is taken for one already counted.
        flushed = ViewFlush.objects.filter(pk=1).values_list(
            "flushed_through", flat=True
        )
        cache.add(SEQUENCE_KEY, max(flushed, default=0), None)
        return cache.incr(SEQUENCE_KEY)


def pending():
    """How many slots wait for a flush (for monitoring and tests)."""
    state = ViewFlush.objects.filter(pk=1).first()
    return (cache.get(SEQUENCE_KEY) or 0) - (state.flushed_through if state else 0)


def flush(batch=FLUSH_BATCH):
    """Write buffered views to ArticleView; returns how many were written.

    A slot taken but not yet written (its request is between the increment
    and the set) stops the flush there; if it is still empty at the next
    flush, its request died, and the slot is skipped.
    """
    total = 0
    while True:
        written, more = _flush_batch(batch)
        total += written
        if not more:
            return total


def _flush_batch(batch):
    with transaction.atomic():
        state, _ = ViewFlush.objects.select_for_update().get_or_create(pk=1)
        start = state.flushed_through + 1
        top = min(cache.get(SEQUENCE_KEY) or 0, start + batch - 1)
        keys = [f"{SLOT_PREFIX}{n}" for n in range(start, top + 1)]
        slots = cache.get_many(keys)
        counts, last = Counter(), start - 1
        for n in range(start, top + 1):
            slot = slots.get(f"{SLOT_PREFIX}{n}")
            if slot is None:
                if state.gap_slot != n:
                    state.gap_slot = n
                    break
            else:
                counts[slot] += 1
            last = n
        # An answer deleted meanwhile simply loses its buffered views.
        alive = set(
            Article.objects.filter(
                pk__in={article_id for article_id, _ in counts}
            ).values_list("pk", flat=True)
        )
        flushed = {}
        for (article_id, day), n in counts.items():
            if article_id in alive:
                day = datetime.date.fromisoformat(day)
                increment(ArticleView, {"article": article_id, "day": day}, by=n)
                flushed[article_id, day] = n
        trend_points.add_views(flushed)
        state.flushed_through = last
        state.save()
        done = keys[: last - start + 1]
        transaction.on_commit(lambda: cache.delete_many(done))
    return sum(counts.values()), last == top and top - start + 1 == batch
