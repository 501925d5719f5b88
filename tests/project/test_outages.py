"""Outages degrade gracefully, with a real connection cut by a proxy of the
test's own (issue 10, point 4)."""

import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client, RequestFactory

from tests.services import needs_redis
from tests.tcp_proxy import TcpProxy
from whatanswers.web import ratelimit

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"


@pytest.fixture
def redis_through_proxy(settings):
    with TcpProxy(6379) as proxy:
        settings.CACHES = {
            "default": {
                "BACKEND": "whatanswers.redis_cache.SharedClientRedisCache",
                "LOCATION": f"redis://127.0.0.1:{proxy.port}/13",
                "KEY_PREFIX": "outage-test",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
            }
        }
        settings.CACHE_RETRY_SECONDS = 5
        caches["default"].clear()
        yield proxy
        proxy.restore()
        caches["default"].clear()


def visit_everything(client, article):
    pages = {
        "/": client.get("/"),
        "article": client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER),
        "similar": client.get("/suggest/similar/", {"q": "what causes thunder"}),
        "search": client.get("/search/", {"q": "thunder"}),
        "suggest": client.post(
            "/suggest/", {"question": "What causes a cache outage?", "email": ""}
        ),
    }
    return {name: response.status_code for name, response in pages.items()}


@needs_redis
@pytest.mark.django_db
@pytest.mark.parametrize("failure", ["cut", "hang"])
def test_pages_are_served_from_the_database_when_redis_fails(
    redis_through_proxy, make_article, failure, caplog, monkeypatch
):
    article = make_article("What causes thunder?", ready=True)
    unseen = make_article("What causes lightning?", ready=True)
    client = Client()
    healthy = visit_everything(client, article)
    assert all(status < 500 for status in healthy.values()), healthy
    getattr(redis_through_proxy, failure)()
    started = time.monotonic()
    down = visit_everything(client, article)
    # A page this process never kept: it must ask the cache, and go on without.
    assert client.get(unseen.get_absolute_url()).status_code == 200
    elapsed = time.monotonic() - started
    assert down == healthy, down  # the same answers, from the database
    assert elapsed < 5, elapsed  # one timeout, then the cache is skipped
    # On the cut link a rate limit fails open (limit 0 would refuse), and the
    # cache's failure is logged (whatever this process had kept before).
    monkeypatch.setattr(ratelimit, "cache", caches["default"])  # the cut one
    assert ratelimit.allow("outage", RequestFactory().get("/"), 0, 60) is True
    assert caches["default"].get("probe") is None
    assert "not counted: the cache failed" in caplog.text
    assert "Redis is unreachable" in caplog.text
    assert (
        "What causes thunder?"
        in client.get(article.get_absolute_url()).content.decode()
    )


needs_postgres = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL (DATABASE_URL=postgres://...): SQLite has no link to cut",
)


@pytest.fixture
def database_through_proxy(settings):
    from django.db import connection

    settings.PAGE_CACHE_SECONDS = 0  # every request needs the database
    original = connection.settings_dict["PORT"]
    with TcpProxy(int(original or 5432)) as proxy:
        connection.close()
        connection.settings_dict["PORT"] = proxy.port
        try:
            yield proxy
        finally:
            proxy.restore()
            connection.close()
            connection.settings_dict["PORT"] = original


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", ["cut", "hang"])
def test_a_database_outage_is_a_friendly_503_and_the_site_recovers(
    make_article, database_through_proxy, failure, caplog
):
    from django.db import connection

    article = make_article("What causes an outage?", ready=True)
    client = Client(raise_request_exception=False)
    assert client.get(article.get_absolute_url()).status_code == 200
    getattr(database_through_proxy, failure)()
    connection.close()  # as at the end of every request
    # The home page may still come from its cached parts; never a 500.
    assert client.get("/").status_code in (200, 503)
    connection.close()
    for path in (article.get_absolute_url(), "/search/?q=outage", "/q/no-such/"):
        started = time.monotonic()
        response = client.get(path)
        assert time.monotonic() - started < 5, path
        assert response.status_code == 503, path
        assert response["Retry-After"] == "30"
        html = response.content.decode()
        assert "We will be back in a moment" in html and "Traceback" not in html
        assert response["X-Content-Type-Options"] == "nosniff"
        connection.close()
    assert "OperationalError" in caplog.text  # logged
    database_through_proxy.restore()
    assert client.get(article.get_absolute_url()).status_code == 200  # by itself
