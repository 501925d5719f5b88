"""Every page has a fixed SQL budget that does not grow with the content."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.discovery import postings
from articles.discovery.tasks import refresh_rankings
from articles.discovery.trending import refresh_trending
from articles.models import Article, ArticleView, KeyFact, RelatedAnswers, Source

pytestmark = pytest.mark.django_db

ARTICLE_PAGE_BUDGET = 12
LISTING_BUDGET = 6


def upkeep():
    """What the scheduled background tasks store, run as the worker would."""
    refresh_rankings.call()
    refresh_trending.call()


@pytest.fixture
def populate(topic, question_type, make_topic, make_type):
    """Grow the site to `total` published answers, with facts, sources and tags.

    Bulk inserts keep the 300-article case fast; every field a page reads is set.
    """
    topics = [topic, make_topic(), make_topic()]
    types = [question_type, make_type()]
    tags = [Tag.objects.create(name=f"tag{i}", slug=f"tag{i}") for i in range(7)]
    article_type = ContentType.objects.get_for_model(Article)

    def populate(total):
        start = Article.objects.count()
        now = timezone.now()
        today = timezone.localdate()
        articles = Article.objects.bulk_create(
            Article(
                question=f"What causes case {i}?",
                slug=f"case-{i}",
                topic=topics[i % 3],
                question_type=types[i % 2],
                summary="Summary.",
                body="## Heading\n\nText.",
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=i),
            )
            for i in range(start, total)
        )
        KeyFact.objects.bulk_create(
            KeyFact(article=a, text="A fact", position=1) for a in articles
        )
        Source.objects.bulk_create(
            Source(article=a, title="S", url="https://example.org", position=1)
            for a in articles
        )
        TaggedItem.objects.bulk_create(
            TaggedItem(tag=tags[a.pk % 7], content_type=article_type, object_id=a.pk)
            for a in articles
        )
        ArticleView.objects.bulk_create(
            ArticleView(article=a, day=today - timedelta(days=d), count=a.pk % 9 + d)
            for a in articles
            for d in range(3)
        )
        postings.sync([a.pk for a in articles])  # as bulk loads do
        call_command("rebuild_modelsearch_index", stdout=StringIO())
        upkeep()

    return populate


def count_queries(client, url):
    """Queries of a page rendered afresh (no cached page, no cached scores)."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


PAGES = [
    ("article", ARTICLE_PAGE_BUDGET),
    ("/", LISTING_BUDGET),
    ("/topics/", LISTING_BUDGET),
    ("/types/", LISTING_BUDGET),
    ("/topics/daily-life/", LISTING_BUDGET),
    ("/types/what-causes/", LISTING_BUDGET),
    ("/topics/daily-life/what-causes/", LISTING_BUDGET),
    ("/trending/", LISTING_BUDGET),
    ("/search/?q=case", LISTING_BUDGET),
    ("/sitemap.xml", LISTING_BUDGET),
    ("/feeds/latest/", LISTING_BUDGET),
    ("/feeds/topics/daily-life/", LISTING_BUDGET),
    ("/robots.txt", 0),
]


@pytest.mark.parametrize(("url", "budget"), PAGES)
def test_page_stays_within_budget_at_10_and_300_articles(
    client, populate, django_assert_max_num_queries, url, budget
):
    populate(10)
    first = Article.objects.published().order_by("pk").first()
    target = first.get_absolute_url() if url == "article" else url
    cache.clear()  # the budget holds when trending is computed afresh, too
    with django_assert_max_num_queries(budget):
        client.get(target)
    small = count_queries(client, target)

    populate(300)
    cache.clear()
    with django_assert_max_num_queries(budget):
        client.get(target)
    large = count_queries(client, target)
    assert small == large


@pytest.mark.parametrize(("url", "budget"), PAGES)
def test_a_cached_page_runs_no_query(client, populate, url, budget):
    populate(10)
    first = Article.objects.published().order_by("pk").first()
    target = first.get_absolute_url() if url == "article" else url
    assert client.get(target).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target, HTTP_USER_AGENT="Mozilla/5.0 (reader)")
    assert response.status_code == 200
    if url.startswith("/search/"):
        assert len(ctx.captured_queries) <= budget  # search is never cached
    else:
        assert ctx.captured_queries == []


def test_a_view_of_an_unranked_answer_ranks_nothing_and_stays_within_budget(
    client, populate, django_assert_max_num_queries
):
    """The worker has not ranked it yet: the page shows no related answers
    rather than ranking them, at the same cost on a small and a larger site."""
    populate(10)
    target = Article.objects.published().order_by("pk").first()
    counts = []
    for more in (0, 300):
        populate(more)
        RelatedAnswers.objects.all().delete()
        cache.clear()
        with django_assert_max_num_queries(ARTICLE_PAGE_BUDGET) as ctx:
            assert client.get(target.get_absolute_url()).status_code == 200
        counts.append(len(ctx.captured_queries))
        assert not RelatedAnswers.objects.exists()
    assert counts[0] == counts[1]


# The admin's own queries (session, user, permissions, filters) included.
ADMIN_PAGES = [
    ("/admin/", 14),  # the editorial dashboard: a stored row and capped counts
    ("/admin/articles/article/", 11),
    ("/admin/articles/article/?q=case", 12),  # one more: the search index
    # Two more than before the review panel: it counts facts and sources.
    ("/admin/articles/article/{pk}/change/", 14),
    # Rendered cold, like the first view of an answer (5 once its parts are cached).
    ("/admin/articles/article/{pk}/preview/", 15),
    ("/admin/articles/article/{pk}/history/", 6),
    ("/admin/articles/trashedarticle/", 7),
]


@pytest.mark.parametrize(("url", "budget"), ADMIN_PAGES)
def test_admin_pages_stay_within_budget_at_10_and_300_articles(
    editor_client, populate, django_assert_max_num_queries, url, budget
):
    populate(10)
    target = url.format(pk=Article.objects.order_by("pk").first().pk)
    with django_assert_max_num_queries(budget):
        small = editor_client.get(target)
    assert small.status_code == 200
    small = count_queries(editor_client, target)
    populate(300)
    with django_assert_max_num_queries(budget):
        editor_client.get(target)
    assert count_queries(editor_client, target) == small
