import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ArticleView

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126 Safari/537"


def views_of(article):
    return sum(
        ArticleView.objects.filter(article=article).values_list("count", flat=True)
    )


def test_a_readers_get_is_counted_once_per_request(client, make_article):
    article = make_article()
    for _ in range(3):
        assert (
            client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER).status_code
            == 200
        )
    assert ArticleView.objects.get(article=article).count == 3


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; bingbot/2.0)"},
        {"HTTP_USER_AGENT": "facebookexternalhit/1.1"},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_X_MOZ": "prefetch"},
    ],
    ids=["googlebot", "bingbot", "facebook", "curl", "sec-purpose", "purpose", "x-moz"],
)
def test_crawlers_and_prefetches_are_not_counted(client, make_article, headers):
    article = make_article()
    assert client.get(article.get_absolute_url(), **headers).status_code == 200
    assert views_of(article) == 0


def test_head_requests_are_not_counted(client, make_article):
    article = make_article()
    assert client.head(article.get_absolute_url()).status_code == 200
    assert views_of(article) == 0


def test_logged_in_staff_are_not_counted(editor_client, make_article):
    article = make_article()
    editor_client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assert views_of(article) == 0


def test_only_published_pages_that_answer_200_count(client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert not ArticleView.objects.exists()


def test_counting_adds_one_query_at_most(client, make_article):
    article = make_article()
    url = article.get_absolute_url()
    client.get(url, HTTP_USER_AGENT="Googlebot")  # warm the caches
    with CaptureQueriesContext(connection) as bot:
        client.get(url, HTTP_USER_AGENT="Googlebot")
    with CaptureQueriesContext(connection) as reader:
        client.get(url, HTTP_USER_AGENT=BROWSER)
    assert len(reader.captured_queries) - len(bot.captured_queries) == 1


def test_a_failure_to_count_never_breaks_the_page(client, make_article, caplog):
    article = make_article()
    with mock.patch("articles.trending.record_view", side_effect=DatabaseError("down")):
        response = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    assert "Could not count a view" in caplog.text


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: set DATABASE_URL=postgres://...",
)
@pytest.mark.django_db(transaction=True)
def test_counts_are_exact_under_concurrency(make_article):
    article = make_article()
    url = article.get_absolute_url()
    barrier = threading.Barrier(20)

    def reader(_):
        try:
            client = Client()
            barrier.wait()
            return [
                client.get(url, HTTP_USER_AGENT=BROWSER).status_code for _ in range(25)
            ]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = [code for batch in pool.map(reader, range(20)) for code in batch]
    assert codes == [200] * 500
    assert ArticleView.objects.get(article=article).count == 500
