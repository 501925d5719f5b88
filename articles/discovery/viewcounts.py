"""Page views, buffered in the cache and flushed to ArticleView in bulk.

Views are stored in numbered slots: one atomic increment of a sequence in the
cache, then the slot holds a batch of [answer, day, views]. No database write
happens on the page. The periodic flush (articles.discovery.tasks.flush_views) adds up
the slots after the last one flushed and writes the counts and the new
high-water mark in one transaction, so a failed flush is simply retried and a
repeated one counts nothing twice. Slots are deleted only after that commit.

With Redis, each web process first adds its views up in memory and sends them
as one slot a second (and when it exits), so that a view costs no round trip
on a cached page. A process killed outright loses at most that second.
Without Redis (local memory, development), every view takes a slot at once.
"""

import atexit
import datetime
import logging
import os
import threading
import time
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone

from articles.core.counters import increment
from articles.core.models import Article
from articles.discovery import trend_points
from articles.discovery.models import ArticleView, ViewFlush

logger = logging.getLogger(__name__)

SEQUENCE_KEY = "views:seq"
SLOT_PREFIX = "views:slot:"
# Long enough to survive a worker outage of days; slots are small.
SLOT_TIMEOUT = 14 * 24 * 3600
FLUSH_BATCH = 5000


def buffer_view(article_id, day=None):
    """Record one view of `article_id`."""
    day = (day or timezone.localdate()).isoformat()
    if getattr(cache, "incr_and_store", None) is not None:
        process_views.add(article_id, day)
    else:
        store_slot([[article_id, day, 1]])
    if settings.VIEW_FLUSH_IN_PROCESS:
        _flush_own_buffer_now_and_then()


def store_slot(views):
    """Store a batch of [answer id, day, views] under the next slot number."""
    # Redis (whatanswers.redis_cache) does both steps in one round trip.
    store = getattr(cache, "incr_and_store", None)
    if store is None or store(SEQUENCE_KEY, SLOT_PREFIX, views, SLOT_TIMEOUT) < 0:
        slot = _next_slot()
        cache.set(f"{SLOT_PREFIX}{slot}", views, SLOT_TIMEOUT)


class ProcessViews:
    """This process's views not yet in the cache, sent once a second."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts = Counter()
        self._pid = None

    def add(self, article_id, day):
        if self._pid != os.getpid():
            self._start()
        with self._lock:
            self._counts[article_id, day] += 1

    def send(self):
        """Store what was counted as one slot; kept for the next try if the
        cache is down."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
        if not counts:
            return
        try:
            store_slot([[pk, day, n] for (pk, day), n in counts.items()])
        except Exception:
            with self._lock:
                self._counts.update(counts)
            raise

    def _start(self):
        """One sender thread per process (gunicorn forks after import)."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._counts = Counter()  # a parent's views are the parent's
        threading.Thread(target=self._run, name="view-sender", daemon=True).start()

    def _run(self):
        while True:
            time.sleep(settings.VIEW_SEND_SECONDS)
            try:
                self.send()
            except Exception:
                logger.warning("Could not send views to the cache", exc_info=True)
            finally:
                # Seeding a lost sequence reads the database: do not keep
                # this thread's connection open between sends.
                connections.close_all()


process_views = ProcessViews()


@atexit.register
def _send_on_exit():
    try:
        process_views.send()
    except Exception:
        logger.warning("Views lost at exit: the cache is down", exc_info=True)


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
    """How many views wait for a flush (for monitoring and tests)."""
    process_views.send()
    state = ViewFlush.objects.filter(pk=1).first()
    start = (state.flushed_through if state else 0) + 1
    top = cache.get(SEQUENCE_KEY) or 0
    total = 0
    for first in range(start, top + 1, FLUSH_BATCH):
        keys = [
            f"{SLOT_PREFIX}{n}" for n in range(first, min(first + FLUSH_BATCH, top + 1))
        ]
        total += sum(n for slot in cache.get_many(keys).values() for *_, n in slot)
    return total


def flush(batch=FLUSH_BATCH):
    """Write buffered views to ArticleView; returns how many were written.

    A slot taken but not yet written (its request is between the increment
    and the set) stops the flush there; if it is still empty at the next
    flush, its request died, and the slot is skipped.
    """
    process_views.send()  # this process's own, first
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
                for article_id, day, views in slot:
                    counts[article_id, day] += views
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
