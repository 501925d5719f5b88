"""What people are reading now: counting views and scoring answers.

A view is counted with one upsert per request. The trending score of an answer
is the sum of its daily views, each halved for every TRENDING_HALF_LIFE_HOURS
of age, over the last TRENDING_WINDOW_DAYS. The database computes the scores;
the cache keeps them for TRENDING_CACHE_SECONDS.
"""

import datetime
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Case, F, FloatField, IntegerField, Sum, Value, When
from django.utils import timezone

from .counters import increment
from .models import Article, ArticleView

logger = logging.getLogger(__name__)

CACHE_KEY = "articles:trending:v1"
TOP = 50  # scores kept: enough to rank related sections, cheap to use

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
    """Add one view, as a single atomic upsert (a database-side increment)."""
    increment(ArticleView, {"article": article.pk, "day": day or timezone.localdate()})


def count_view(request, article):
    """Count the view if it is a reader's; a failure never breaks the page."""
    if not is_countable(request):
        return
    try:
        record_view(article)
    except DatabaseError:
        logger.warning(
            "Could not count a view of article %s", article.pk, exc_info=True
        )


def day_weights(now=None):
    """{day: weight} over the window; a day's views are dated at its noon."""
    now = now or timezone.now()
    half_life = settings.TRENDING_HALF_LIFE_HOURS
    today = timezone.localdate(now)
    weights = {}
    for back in range(settings.TRENDING_WINDOW_DAYS):
        day = today - datetime.timedelta(days=back)
        noon = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(12)),
            timezone.get_current_timezone(),
        )
        age_hours = max((now - noon).total_seconds() / 3600, 0)
        weights[day] = 0.5 ** (age_hours / half_life)
    return weights


def compute_scores(now=None, limit=TOP):
    """[(article id, score)], best first, computed by the database."""
    weights = day_weights(now)
    score = Sum(
        Case(
            *(When(views__day=day, then=F("views__count") * Value(w))
              for day, w in weights.items()),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )  # fmt: skip
    return list(
        Article.objects.published()
        .filter(exclude_from_trending=False, views__day__gte=min(weights))
        .annotate(score=score)
        .filter(score__gt=0)
        .order_by("-score", "-published_at", "-pk")
        .values_list("pk", "score")[:limit]
    )


def trending_scores():
    """The cached scores, recomputed at most every TRENDING_CACHE_SECONDS."""
    return cache.get_or_set(CACHE_KEY, compute_scores, settings.TRENDING_CACHE_SECONDS)


def score_expression(scores):
    """An annotation giving each article its trending score (0 if none)."""
    return Case(
        *(When(pk=pk, then=Value(score)) for pk, score in scores),
        default=Value(0.0),
        output_field=FloatField(),
    )


def trending(limit=5, exclude=()):
    """The top `limit` answers by trending score, in one query.

    Until enough answers have views (a new site), the newest answers fill the
    remaining places; flagged and unpublished answers never appear.
    """
    # A few spare ids cover answers unpublished since the scores were cached.
    wanted = [pk for pk, _score in trending_scores() if pk not in exclude]
    wanted = wanted[: limit + 10]
    rank = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(wanted)),
        default=Value(len(wanted)),
        output_field=IntegerField(),
    )
    return list(
        Article.objects.for_listing()
        .filter(exclude_from_trending=False)
        .exclude(pk__in=exclude)
        .annotate(trending_rank=rank)
        .order_by("trending_rank", "-published_at", "-pk")[:limit]
    )
