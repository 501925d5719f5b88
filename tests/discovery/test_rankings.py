"""Stored rankings and counts: computed off the request path, read by key."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.discovery import rankings, trend_points, trending, viewcounts
from articles.discovery.tasks import (
    flush_views,
    refresh_rankings,
    refresh_related_for,
)
from articles.editorial import publishing
from articles.models import (
    Article,
    ArticleView,
    Ranking,
    RelatedAnswers,
    TagFrequency,
)
from topics.models import Topic, TopicTypeCount

pytestmark = pytest.mark.django_db


def test_a_stale_trending_list_is_served_while_one_refresh_is_queued(
    make_article, settings
):
    settings.TRENDING_CACHE_SECONDS = 60
    hot = make_article("What causes a hot answer?")
    ArticleView.objects.create(article=hot, day=timezone.localdate(), count=9)
    assert trending.trending_scores()[0][0] == hot.pk
    stored = cache.get(trending.CACHE_KEY)
    stored["at"] -= 3600  # an hour old, in the cache and in the database
    cache.set(trending.CACHE_KEY, stored, None)
    Ranking.objects.filter(key="trending").update(
        computed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    newer = make_article("What causes a newer hit?")
    ArticleView.objects.create(article=newer, day=timezone.localdate(), count=99)
    for _ in range(20):  # many readers at once
        assert [pk for pk, _ in trending.trending_scores()] == [hot.pk]
    queued = DBTaskResult.objects.filter(task_path__endswith="refresh_trending")
    assert queued.count() == 1


def test_stored_scores_are_read_back_not_recomputed(client, make_article):
    article = make_article()
    client.get(article.get_absolute_url())
    ArticleView.objects.create(article=article, day=timezone.localdate(), count=5)
    cache.clear()  # the stored list is read back from the database
    assert trending.trending_scores() == []  # not recomputed on the request


def test_scheduled_answers_are_counted_once_they_go_live(make_article, topic):
    soon = make_article(published_at=timezone.now() + datetime.timedelta(hours=1))
    assert Topic.objects.get(pk=topic.pk).published_count == 0
    Article.objects.filter(pk=soon.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )  # time passes; nothing is saved
    refresh_rankings.call()
    assert Topic.objects.get(pk=topic.pk).published_count == 1
    assert TopicTypeCount.objects.get(topic=topic).published_count == 1


def test_counts_follow_publish_unpublish_and_topic_moves(
    make_article, topic, make_topic
):
    other = make_topic()
    article = make_article()
    assert Topic.objects.get(pk=topic.pk).published_count == 1
    article.topic = other
    article.save()
    assert Topic.objects.get(pk=topic.pk).published_count == 0
    assert Topic.objects.get(pk=other.pk).published_count == 1
    publishing.unpublish(article)
    assert Topic.objects.get(pk=other.pk).published_count == 0


def test_related_candidates_are_stored_and_refreshed_off_the_page(make_article):
    first = make_article("What causes a first thing?", tags=["rare"])
    rankings.refresh_related(first)  # as the worker does once it is live
    entry = rankings.related_candidates(first)
    assert entry["both"] == []
    # Published, but its ranking (and its neighbours') still queued.
    later = make_article("What causes a later thing?", tags=["rare"], rank=False)
    # Until the schedule ranks it again, the stored entry stands...
    assert rankings.related_candidates(first)["both"] == []
    RelatedAnswers.objects.filter(article=first).update(
        computed_at=timezone.now() - datetime.timedelta(days=2)
    )
    assert rankings.refresh_stale_related() >= 1
    assert rankings.related_candidates(first)["both"][0] == later.pk


def test_a_tag_change_queues_a_ranking_and_keeps_the_old_one_meanwhile(
    make_article, django_capture_on_commit_callbacks
):
    article = make_article(tags=["one"])
    neighbour = make_article(tags=["two"])
    rankings.refresh_related(article)
    before = rankings.related_candidates(article)
    with django_capture_on_commit_callbacks(execute=True):
        article.tags.add("two")
    # The page still has sections until the worker ranks it again.
    assert rankings.related_candidates(article) == before
    queued = DBTaskResult.objects.filter(task_path__endswith="refresh_related_for")
    assert [t.args_kwargs["args"] for t in queued].count([article.pk]) == 1
    refresh_related_for.call(article.pk)
    assert rankings.related_candidates(article)["both"][0] == neighbour.pk


def test_tag_frequencies_are_stored(make_article):
    make_article(tags=["common", "rare"])
    make_article(tags=["common"])
    rankings.refresh_tag_frequencies()
    stored = {f.tag.name: f.answers for f in TagFrequency.objects.select_related("tag")}
    assert stored == {"common": 2, "rare": 1}


def test_a_newer_list_stored_by_the_worker_replaces_a_stale_cached_one(
    make_article, settings
):
    settings.TRENDING_CACHE_SECONDS = 60
    article = make_article()
    assert trending.trending_scores() == []
    stored = cache.get(trending.CACHE_KEY)
    stored["at"] -= 3600
    cache.set(trending.CACHE_KEY, stored, None)
    ArticleView.objects.create(article=article, day=timezone.localdate(), count=3)
    # The worker's process stores a new list; this process's cache is stale.
    Ranking.objects.filter(key="trending").update(
        value=[[article.pk, 3.0]], computed_at=timezone.now()
    )
    assert trending.trending_scores() == [(article.pk, 3.0)]


def test_incremental_points_rank_as_the_full_computation(client, make_article):
    answers = [make_article(f"What causes trend {i}?") for i in range(4)]
    ArticleView.objects.create(
        article=answers[0],
        day=timezone.localdate() - datetime.timedelta(days=3),
        count=40,
    )
    trend_points.rebuild()  # the daily rebuild sees the older rows
    for n, answer in enumerate(answers):  # then flushes add today's views
        for _ in range(n * 3):
            viewcounts.buffer_view(answer.pk)
    viewcounts.flush()
    full = trending.compute_scores()
    incremental = trend_points.top_scores(50)
    assert [pk for pk, _ in incremental] == [pk for pk, _ in full]
    for (_, a), (_, b) in zip(incremental, full, strict=True):
        assert a == pytest.approx(b)


def test_refresh_trending_reads_the_points_not_the_view_rows(
    make_article, django_assert_max_num_queries
):
    article = make_article()
    viewcounts.buffer_view(article.pk)
    trend_points.rebuild()
    viewcounts.flush()
    trending.store_scores([])  # a site's first list also records the rail's
    with django_assert_max_num_queries(4):  # epoch, top points, store, no scan
        trending.store_scores(trend_points.top_scores(50))
    assert trending.trending_scores()[0][0] == article.pk


def test_the_scheduler_queues_each_periodic_task_once(db):
    for _ in range(3):  # the worker is down: no copies pile up
        call_command("run_scheduler", "--once", stdout=StringIO())
    paths = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert sorted(paths) == [
        "articles.discovery.tasks.flush_views",
        "articles.discovery.tasks.refresh_rankings",
        "articles.discovery.trending.refresh_trending",
        "articles.editorial.publishing.run_publishing_schedule",
        "suggestions.tasks.count_similar",
        "whatanswers.dashboard.refresh_dashboard",
        "whatanswers.health.heartbeat",
    ]


def test_an_import_queues_one_ranking_per_answer(
    make_article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(tags=["one", "two", "three"], index=False)
    queued = DBTaskResult.objects.filter(task_path__endswith="refresh_related_for")
    assert [t.args_kwargs["args"] for t in queued].count([article.pk]) == 1


def test_incremental_and_full_scores_agree_before_noon_too(make_article):
    """Both use one weight formula; they once differed for views made before
    today's noon, so the comparison above failed in the morning."""
    morning = timezone.now().replace(hour=6, minute=0)
    read_more, read_less = make_article(), make_article()
    with mock.patch("django.utils.timezone.now", return_value=morning):
        trend_points.rebuild()
        for answer, views in ((read_more, 3), (read_less, 1)):
            for _ in range(views):
                viewcounts.buffer_view(answer.pk)
        viewcounts.flush()
        full, incremental = trending.compute_scores(), trend_points.top_scores(50)
    assert [pk for pk, _ in incremental] == [read_more.pk, read_less.pk]
    assert [s for _, s in incremental] == pytest.approx([s for _, s in full])


def test_the_view_flush_runs_before_rankings_queued_earlier(db):
    """One worker: a queue of rankings must not hold the flush back."""
    refresh_related_for.enqueue(1)
    refresh_rankings.enqueue()
    flush_views.enqueue()
    first = DBTaskResult.objects.ready().order_by(*DBTaskResult._meta.ordering).first()
    assert first.task_path == "articles.discovery.tasks.flush_views"


def test_a_scheduled_ranking_pass_stops_at_its_time_budget(make_article, settings):
    for _ in range(5):
        make_article(tags=["one"], rank=False)
    settings.RELATED_REFRESH_SECONDS = 0.001  # past it after the first answer
    assert rankings.refresh_stale_related() == 1
    settings.RELATED_REFRESH_SECONDS = 60
    assert rankings.refresh_stale_related() == 4
