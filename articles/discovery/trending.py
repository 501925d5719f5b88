"""What people are reading now: counting views and scoring answers.

A reader's view is buffered in the cache (articles.discovery.viewcounts) and flushed to
the daily ArticleView rows by a periodic task. The trending score of an answer
is the sum of its daily views, each halved for every TRENDING_HALF_LIFE_HOURS
of age, over the last TRENDING_WINDOW_DAYS. A background task computes the
scores and stores them; pages read the stored list.
"""

import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, F, FloatField, Sum, Value, When
from django.tasks import task
from django.utils import timezone

from articles.core.counters import increment
from articles.core.models import Article
from articles.delivery import caching
from articles.discovery import trend_points, viewcounts
from articles.discovery.models import ArticleView, Ranking
from articles.discovery.trend_points import day_weights

logger = logging.getLogger(__name__)

CACHE_KEY = "articles:trending:v2"
RANKING_KEY = "trending"
NEWEST_KEY = "articles:newest:v1"
NEWEST_RANKING_KEY = "newest"
TOP = 50  # scores kept: enough to rank related sections, cheap to use
# The most any list reads (the trending page's 20, and its 10 spares): a
# change below this place shows nowhere.
SHOWN = 31
RAIL_KEY = "rail"
RAIL_CACHE_KEY = "articles:rail:v1"

# Crawlers, link previewers and scripts: their visits are not readers.
CRAWLERS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|bingpreview|facebookexternalhit|embedly|"
    r"preview|pinterest|whatsapp|telegram|skype|lighthouse|headless|"
    r"python-requests|python-urllib|curl/|wget/|httpx|go-http-client|java/|"
    r"okhttp|feedfetcher|monitor",
    re.IGNORECASE,
)


def is_countable(request):
    """A real reader's GET: not HEAD, not a prefetch, not a crawler, not staff."""
    if request.method != "GET":
        return False
    purpose = " ".join(
        request.headers.get(name, "")
        for name in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")
    ).lower()
    if "prefetch" in purpose or "preview" in purpose:
        return False
    if CRAWLERS.search(request.headers.get("User-Agent", "")):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated and user.is_staff)


def record_view(article, day=None):
    """Add one view now, as a single atomic upsert (a database-side increment).

    Pages buffer their views instead (articles.discovery.viewcounts); this is for
    scripts and tests that need a row at once.
    """
    increment(ArticleView, {"article": article.pk, "day": day or timezone.localdate()})


def count_view(request, article_id):
    """Buffer the view if it is a reader's; a failure never breaks the page."""
    if not is_countable(request):
        return
    try:
        viewcounts.buffer_view(article_id)
    except Exception:  # the cache may be down; the page must still answer
        logger.warning(
            "Could not count a view of article %s", article_id, exc_info=True
        )


def compute_scores(now=None, limit=TOP):
    """[(article id, score)], best first, computed by the database.

    It reads the view rows of the window only (by the day index) and groups
    them by answer; published answers that are not excluded qualify.
    """
    now = now or timezone.now()
    weights = day_weights(now)
    score = Sum(
        Case(
            *(When(day=day, then=F("count") * Value(w))
              for day, w in weights.items()),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )  # fmt: skip
    return list(
        ArticleView.objects.filter(
            day__gte=min(weights),
            article__status=Article.Status.PUBLISHED,
            article__published_at__lte=now,
            article__exclude_from_trending=False,
        )
        .values("article_id")
        .annotate(score=score)
        .filter(score__gt=0)
        .order_by("-score", "-article__published_at", "-article_id")
        .values_list("article_id", "score")[:limit]
    )


def _stored():
    """The stored list as {"scores", "at"}, from the cache, else from the
    database (and then cached); None on a site that never stored one."""
    stored = cache.get(CACHE_KEY)
    if stored is None:
        row = _load_rankings().get(RANKING_KEY)
        if row is None:
            return None
        stored = {"scores": row.value, "at": row.computed_at.timestamp()}
        cache.set(CACHE_KEY, stored, None)
    return stored


def stored_scores():
    """The stored list as trending_scores() gives it, but never computed:
    for the rankings, which must not store a list before anyone read."""
    stored = _stored()
    return [tuple(pair) for pair in stored["scores"]] if stored else []


def trending_scores():
    """[(article id, score)], best first, as last stored by refresh_trending.

    Pages never compute the scores: they read the stored list (from the cache,
    else the database). When it is older than TRENDING_CACHE_SECONDS, one
    request enqueues a refresh and everyone keeps reading the old list until
    it lands. Only a site that has never stored one computes it here, once.
    """
    stored = _stored()
    if stored is None:
        return store_scores(compute_scores())
    age = timezone.now().timestamp() - stored["at"]
    if age > settings.TRENDING_CACHE_SECONDS:
        stored = _newer_stored(stored)
    return [tuple(pair) for pair in stored["scores"]]


def _newer_stored(stored):
    """A stale list: take the database's if a worker stored a newer one (a
    per-process cache never sees the worker's), else queue one refresh."""
    row = Ranking.objects.filter(key=RANKING_KEY).first()
    if row is not None and row.computed_at.timestamp() > stored["at"]:
        stored = {"scores": row.value, "at": row.computed_at.timestamp()}
        cache.set(CACHE_KEY, stored, None)
    elif cache.add(f"{CACHE_KEY}:refreshing", 1, settings.TRENDING_CACHE_SECONDS):
        _enqueue_refresh()
    return stored


@task()
def refresh_trending():
    """Store the trending list, read from the incrementally kept points (a
    daily rebuild from the view rows moves their epoch)."""
    store_scores(trend_points.top_scores(TOP))
    return "stored"


def _enqueue_refresh():
    try:
        refresh_trending.enqueue()
    except Exception:  # a queue outage must not break the page
        logger.warning("Could not enqueue a trending refresh", exc_info=True)


def could_list(article_id):
    """Could the article be listed under "Trending" (scored, or filling in)?
    Read from the stored lists only; True when they are not known."""
    stored = cache.get(CACHE_KEY)
    if stored is None or any(pk == article_id for pk, _ in stored["scores"]):
        return True
    return newest_shown() and article_id in (cache.get(NEWEST_KEY) or [])


def newest_shown():
    """Do the newest answers fill the trending lists? Only while some but
    fewer than SHOWN answers have a score (a young site: with none, the
    lists are hidden); True when it is not known."""
    stored = cache.get(CACHE_KEY)
    return stored is None or 0 < len(stored["scores"]) < SHOWN


def store_scores(scores, now=None):
    """Store freshly computed scores; a changed list refreshes cached pages."""
    now = now or timezone.now()
    scores = [[pk, score] for pk, score in scores]
    previous = cache.get(CACHE_KEY)
    _store(RANKING_KEY, scores, now)
    cache.set(CACHE_KEY, {"scores": scores, "at": now.timestamp()}, None)
    # A cache that lost the list also lost the pages built on it.
    if previous is not None and _shown(previous["scores"]) != _shown(scores):
        caching.bump("trending")
    _follow_in_the_rail(scores, now)
    return [tuple(pair) for pair in scores]


def _shown(scores):
    return [pk for pk, _ in scores[:SHOWN]]


def _follow_in_the_rail(scores, now):
    """The rail beside every answer shows the trending list too, but follows
    it at most every TRENDING_RAIL_SECONDS: each move there makes every
    answer page stale. An answer it lists that changes or goes makes those
    pages stale at once (they depend on its own token)."""
    rail = cache.get(RAIL_CACHE_KEY)
    if rail is None:
        row = Ranking.objects.filter(key=RAIL_KEY).first()
        if row is not None:
            rail = {"ids": row.value, "at": row.computed_at.timestamp()}
            cache.set(RAIL_CACHE_KEY, rail, None)
    shown = _shown(scores)
    if rail is not None and (
        rail["ids"] == shown
        or now.timestamp() - rail["at"] < settings.TRENDING_RAIL_SECONDS
    ):
        return
    _store(RAIL_KEY, shown, now)
    cache.set(RAIL_CACHE_KEY, {"ids": shown, "at": now.timestamp()}, None)
    if rail is not None:
        caching.bump("rail")


def newest_ids():
    """The newest answers that may trend: they fill the list on a young site.

    Stored like the scores, and refreshed whenever an answer goes live or
    leaves (articles.changes) and on the schedule.
    """
    ids = cache.get(NEWEST_KEY)
    if ids is None:
        row = _load_rankings().get(NEWEST_RANKING_KEY)
        ids = row.value if row is not None else store_newest()
        cache.set(NEWEST_KEY, ids, None)
    return ids


def _store(key, value, now):
    Ranking.objects.bulk_create(
        [Ranking(key=key, value=value, computed_at=now)],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["value", "computed_at"],
    )


def _load_rankings():
    """Both stored lists in one query, for a cache that lost them; the one
    read second then comes from the cache."""
    rows = Ranking.objects.filter(key__in=[RANKING_KEY, NEWEST_RANKING_KEY])
    rows = {row.key: row for row in rows}
    if NEWEST_RANKING_KEY in rows:
        cache.add(NEWEST_KEY, rows[NEWEST_RANKING_KEY].value, None)
    return rows


def store_newest():
    ids = list(
        Article.objects.for_listing()
        .filter(exclude_from_trending=False)
        .values_list("pk", flat=True)[:TOP]
    )
    _store(NEWEST_RANKING_KEY, ids, timezone.now())
    cache.set(NEWEST_KEY, ids, None)
    return ids


def may_list():
    """Every answer id trending() may pick from (it reads no further)."""
    return [pk for pk, _score in trending_scores()[:SHOWN]] + newest_ids()[:SHOWN]


def trending(limit=5, exclude=()):
    """The top `limit` answers by trending score, in one query by key.

    Until enough answers have views, the newest answers fill the remaining
    places; with no views at all (a new site) the list is empty, and the
    section is hidden. Flagged and unpublished answers never appear.
    """
    scores = trending_scores()
    if not scores:
        # No answer has been read yet: "Trending" would only repeat "Latest".
        return []
    exclude = set(exclude)
    # A few spare ids cover answers unpublished since the lists were stored.
    wanted = [pk for pk, _score in scores if pk not in exclude]
    wanted = wanted[: limit + 10]
    newest = [pk for pk in newest_ids() if pk not in exclude][: limit + 10]
    found = list(
        Article.objects.cards().filter(
            exclude_from_trending=False, pk__in={*wanted, *newest}
        )
    )
    rank = {pk: i for i, pk in enumerate(wanted)}
    # Trending first, in score order; then the newest (for_listing's order).
    found.sort(key=lambda a: rank.get(a.pk, len(rank)))
    return found[:limit]
