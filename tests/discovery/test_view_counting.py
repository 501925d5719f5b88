import threading
import time
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from articles.discovery import viewcounts
from articles.models import Article, ArticleView
from tests.services import needs_redis

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126 Safari/537"


def views_of(article):
    """The article's stored views, once the buffered ones are flushed."""
    viewcounts.flush()
    return sum(
        ArticleView.objects.filter(article=article).values_list("count", flat=True)
    )


def test_a_readers_get_is_counted_once_per_request(client, make_article):
    article = make_article()
    for _ in range(3):  # rendered once, then served from the page cache
        assert (
            client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER).status_code
            == 200
        )
    assert not ArticleView.objects.exists()  # buffered, not written per view
    viewcounts.flush()
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


def test_counting_adds_no_query(client, make_article):
    article = make_article()
    url = article.get_absolute_url()
    # A session cookie keeps these requests off the page cache, so that each
    # renders the page; the reader's view is buffered in the cache.
    client.cookies["sessionid"] = "no-such-session"
    client.get(url, HTTP_USER_AGENT=BROWSER)  # warm the caches
    with CaptureQueriesContext(connection) as bot:
        client.get(url, HTTP_USER_AGENT="Googlebot")
    with CaptureQueriesContext(connection) as reader:
        client.get(url, HTTP_USER_AGENT=BROWSER)
    assert len(reader.captured_queries) == len(bot.captured_queries)
    assert views_of(article) == 2


def test_a_cached_page_still_counts_its_views(client, make_article):
    article = make_article()
    client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    with CaptureQueriesContext(connection) as hit:
        client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assert hit.captured_queries == []
    assert views_of(article) == 2


def test_a_failure_to_count_never_breaks_the_page(client, make_article, caplog):
    article = make_article()
    with mock.patch(
        "articles.discovery.viewcounts.buffer_view", side_effect=ConnectionError("down")
    ):
        response = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
        cached = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == cached.status_code == 200
    assert caplog.text.count("Could not count a view") == 2


def test_a_failed_flush_loses_nothing(client, make_article):
    article = make_article()
    for _ in range(4):
        client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    with (
        mock.patch(
            "articles.discovery.viewcounts.increment", side_effect=DatabaseError("down")
        ),
        pytest.raises(DatabaseError),
    ):
        viewcounts.flush()
    assert not ArticleView.objects.exists()
    assert views_of(article) == 4
    assert views_of(article) == 4  # a second flush finds nothing new


def test_views_of_a_deleted_answer_are_dropped_at_the_flush(client, make_article):
    kept, gone = make_article(), make_article()
    for article in (kept, gone, kept):
        client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    gone.delete()
    assert views_of(kept) == 2


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
    viewcounts.flush()
    assert ArticleView.objects.get(article=article).count == 500


REDIS_CACHE = {  # the production cache: its one-round-trip buffering
    "default": {
        "BACKEND": "whatanswers.redis_cache.SharedClientRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/14",
        "KEY_PREFIX": "test-views",
    }
}


@needs_redis
def test_buffered_counts_are_exact_under_concurrency_in_redis(make_article):
    """20 threads × 25 views through Redis, the production cache: exactly 500."""
    article = make_article()
    with override_settings(CACHES=REDIS_CACHE):
        cache.clear()
        barrier = threading.Barrier(20)

        def reader(_):
            barrier.wait()
            for _ in range(25):
                viewcounts.buffer_view(article.pk)

        with ThreadPoolExecutor(max_workers=20) as pool:
            list(pool.map(reader, range(20)))
        assert viewcounts.pending() == 500
        viewcounts.flush()
        assert viewcounts.pending() == 0
        cache.clear()
    assert ArticleView.objects.get(article=article).count == 500


def test_without_a_shared_cache_a_process_flushes_its_own_views(
    client, make_article, settings
):
    settings.VIEW_FLUSH_IN_PROCESS = True
    settings.VIEW_FLUSH_SECONDS = 0
    article = make_article()
    client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assert ArticleView.objects.get(article=article).count == 2  # no task ran


@needs_redis
def test_each_process_sends_its_views_to_redis_by_itself(make_article):
    """A cached page's view costs no round trip: the process adds views up
    and its sender thread stores them as one slot a second."""
    article = make_article()
    with override_settings(CACHES=REDIS_CACHE):
        cache.clear()
        for _ in range(3):
            viewcounts.buffer_view(article.pk)
        deadline = time.monotonic() + 5
        while not cache.get(viewcounts.SEQUENCE_KEY):
            assert time.monotonic() < deadline, "the views were never sent"
            time.sleep(0.05)
        viewcounts.flush()
        cache.clear()
    assert ArticleView.objects.get(article=article).count == 3


@needs_redis
def test_views_a_process_could_not_send_are_kept_for_the_next_try(make_article):
    article = make_article()
    with override_settings(CACHES=REDIS_CACHE):
        cache.clear()
        with mock.patch(
            "articles.discovery.viewcounts.store_slot",
            side_effect=ConnectionError("down"),
        ):
            viewcounts.process_views.add(article.pk, "2026-11-24")
            with pytest.raises(ConnectionError):
                viewcounts.process_views.send()
        viewcounts.process_views.add(article.pk, "2026-11-24")
        viewcounts.flush()
        cache.clear()
    assert ArticleView.objects.get(article=article).count == 2
