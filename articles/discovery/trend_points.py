"""Trending, incrementally: scores that follow the view flushes.

The full computation (trending.compute_scores) groups every view row of the
window, which at a million rows takes most of a second. Instead each flush
adds its views to TrendPoints, scaled to a shared epoch, and the trending list
is the top of that table, read by index. Once a day (or when the half-life
setting changes) the table is rebuilt from the view rows with a new epoch,
which also drops the views that have left the window.
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from articles.core.models import Article
from articles.discovery.models import ArticleView, Ranking, TrendPoints

EPOCH_KEY = "trend_epoch"
REBUILD_AFTER = datetime.timedelta(days=1)


def noon(day):
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(12)),
        timezone.get_current_timezone(),
    )


def weight(day, epoch):
    """A view on `day` is dated at its noon and halves every half-life: its
    weight relative to the moment `epoch` (a timestamp)."""
    hours = (noon(day).timestamp() - epoch) / 3600
    return 2 ** (hours / settings.TRENDING_HALF_LIFE_HOURS)


def day_weights(now=None):
    """{day: weight at `now`} over the window, today first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        day: weight(day, now.timestamp())
        for day in (
            today - datetime.timedelta(days=back)
            for back in range(settings.TRENDING_WINDOW_DAYS)
        )
    }


def current_epoch():
    row = Ranking.objects.filter(key=EPOCH_KEY).first()
    if row is None:
        return None
    value = row.value
    if value.get("half_life") != settings.TRENDING_HALF_LIFE_HOURS:
        return None
    if timezone.now() - row.computed_at > REBUILD_AFTER:
        return None
    return value["epoch"]


def add_views(counts):
    """Add flushed views {(article id, day): n} to the points (same transaction
    as the flush, so they are added exactly once)."""
    epoch = current_epoch()
    if epoch is None:
        return  # the next rebuild reads them from ArticleView
    oldest = timezone.localdate() - datetime.timedelta(
        days=settings.TRENDING_WINDOW_DAYS - 1
    )
    added = {}
    for (article_id, day), n in counts.items():
        if day >= oldest:
            added[article_id] = added.get(article_id, 0.0) + n * weight(day, epoch)
    table = connection.ops.quote_name(TrendPoints._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (article_id, points) VALUES (%s, %s) "
            f"ON CONFLICT (article_id) DO UPDATE SET points = "
            f"{table}.points + EXCLUDED.points",
            list(added.items()),
        )


def rebuild(now=None):
    """Recompute every answer's points from the view rows, with a new epoch."""
    now = now or timezone.now()
    epoch = now.timestamp()
    weights = day_weights(now)
    cases = " ".join(f"WHEN day = %s THEN count * {w!r}" for w in weights.values())
    views = connection.ops.quote_name(ArticleView._meta.db_table)
    table = connection.ops.quote_name(TrendPoints._meta.db_table)
    with transaction.atomic():
        TrendPoints.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (article_id, points) "
                f"SELECT article_id, SUM(CASE {cases} ELSE 0 END) FROM {views} "
                f"WHERE day >= %s GROUP BY article_id",
                [*weights, min(weights)],
            )
        Ranking.objects.update_or_create(
            key=EPOCH_KEY,
            defaults={
                "value": {
                    "epoch": epoch,
                    "half_life": settings.TRENDING_HALF_LIFE_HOURS,
                },
                "computed_at": now,
            },
        )
    return epoch


def top_scores(limit, now=None):
    """[(article id, score)], best first, read from the points index."""
    now = now or timezone.now()
    epoch = current_epoch()
    if epoch is None:
        epoch = rebuild(now)
    scale = 2 ** ((epoch - now.timestamp()) / 3600 / settings.TRENDING_HALF_LIFE_HOURS)
    rows = (
        TrendPoints.objects.filter(
            points__gt=0,
            article__in=Article.objects.published().filter(exclude_from_trending=False),
        )
        .order_by("-points")
        .values_list("article_id", "points", "article__published_at")[: limit * 2]
    )
    rows = sorted(rows, key=lambda r: (-r[1], -r[2].timestamp(), -r[0]))
    return [(pk, points * scale) for pk, points, _at in rows[:limit]]
