import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.discovery.trending import compute_scores, day_weights, trending
from articles.editorial import publishing
from articles.models import Article, ArticleView

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 4, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def pinned_clock():
    cache.clear()
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield
    cache.clear()


def views(article, days_ago, count):
    day = NOW.date() - datetime.timedelta(days=days_ago)
    ArticleView.objects.create(article=article, day=day, count=count)


def published(make_article, question):
    return make_article(question, published_at=NOW - datetime.timedelta(days=30))


def test_weights_halve_every_half_life(settings):
    settings.TRENDING_HALF_LIFE_HOURS = 48
    weights = day_weights(NOW)
    today = NOW.date()
    assert weights[today] == 1.0
    assert weights[today - datetime.timedelta(days=2)] == pytest.approx(0.5)
    assert weights[today - datetime.timedelta(days=4)] == pytest.approx(0.25)
    assert len(weights) == 14


def test_known_views_give_a_known_order(make_article):
    steady = published(make_article, "What causes steady interest?")
    spike = published(make_article, "What causes a fresh spike?")
    faded = published(make_article, "What causes an old hit?")
    views(steady, 0, 10)
    views(steady, 2, 10)  # 10 + 5 = 15
    views(spike, 0, 12)  # 12
    views(faded, 6, 80)  # 80 / 8 = 10
    scores = compute_scores(NOW)
    assert [pk for pk, _ in scores] == [steady.pk, spike.pk, faded.pk]
    assert [round(s, 6) for _, s in scores] == [15.0, 12.0, 10.0]


def test_an_older_view_counts_less_than_a_newer_one(make_article):
    old = published(make_article, "What causes old news?")
    new = published(make_article, "What causes new news?")
    views(old, 3, 1)
    views(new, 1, 1)
    scores = dict(compute_scores(NOW))
    assert scores[new.pk] > scores[old.pk]


def test_views_outside_the_window_do_not_count(make_article, settings):
    settings.TRENDING_WINDOW_DAYS = 14
    article = published(make_article, "What causes ancient history?")
    views(article, 20, 1000)
    assert compute_scores(NOW) == []


def test_excluded_and_unpublished_answers_never_trend(make_article):
    shown = published(make_article, "What causes a fair trend?")
    flagged = published(make_article, "What causes a flagged trend?")
    flagged.exclude_from_trending = True
    flagged.save()
    draft = published(make_article, "What causes a draft trend?")
    publishing.unpublish(draft)
    scheduled = make_article(
        "What causes a future trend?", published_at=NOW + datetime.timedelta(days=1)
    )
    for article in (shown, flagged, draft, scheduled):
        views(article, 0, 100)
    assert [pk for pk, _ in compute_scores(NOW)] == [shown.pk]
    listed = trending(limit=20)
    assert shown in listed
    assert not {flagged, draft, scheduled} & set(listed)


def test_scores_are_cached(make_article, settings, django_assert_num_queries):
    article = published(make_article, "What causes a cached trend?")
    views(article, 0, 5)
    trending()
    ArticleView.objects.all().delete()
    with django_assert_num_queries(1):  # the listing only; scores from the cache
        assert trending()[0] == article


def test_newest_answers_fill_in_until_enough_have_views(make_article):
    hot = published(make_article, "What causes the only trend?")
    views(hot, 0, 3)
    newest = make_article("What causes news?", published_at=NOW)
    assert trending(limit=2) == [hot, newest]


def test_trending_page_lists_the_top_twenty(client, make_article):
    articles = [published(make_article, f"What causes trend {i}?") for i in range(25)]
    for i, article in enumerate(articles):
        views(article, 0, i + 1)
    html = client.get("/trending/").content.decode()
    assert html.count('<li class="card">') == 20
    assert html.index("trend 24?") < html.index("trend 23?") < html.index("trend 5?")
    assert "trend 4?" not in html


def test_home_and_article_pages_show_the_top_five(
    client, make_article, make_topic, make_type
):
    elsewhere = {"topic": make_topic(), "question_type": make_type()}
    articles = [
        make_article(
            f"What causes hot topic {i}?",
            published_at=NOW - datetime.timedelta(days=30),
            **elsewhere,
        )
        for i in range(7)
    ]
    for i, article in enumerate(articles):
        views(article, 0, 10 * (i + 1))
    home = client.get("/").content.decode()
    block = home.split('id="trending"')[1].split("</section>")[0]
    assert block.count('<li class="card">') == 5
    assert "hot topic 6?" in block and "hot topic 1?" not in block

    reader = published(make_article, "What causes a reader to stay?")
    views(reader, 0, 1000)  # the most read of all, but never its own "trending"
    cache.clear()
    page = client.get(reader.get_absolute_url()).content.decode()
    block = page.split("Trending on WhatAnswers</h2>")[1].split("</section>")[0]
    assert "a reader to stay" not in block
    assert block.count('<li class="card">') == 5
    assert "hot topic 6?" in block and "hot topic 1?" not in block


def test_unpublished_answers_leave_the_cached_list_at_once(make_article):
    article = published(make_article, "What causes a quick exit?")
    views(article, 0, 50)
    assert trending()[0] == article
    publishing.unpublish(article)
    assert article not in trending()
    assert Article.objects.count() == 1
    assert timezone.now() == NOW
