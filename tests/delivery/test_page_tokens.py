"""With Redis, each process keeps copies of the page version tokens, and a
bump from any process reaches them through a Redis channel at once."""

import pickle
import time

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from articles.delivery import caching, page_tokens
from tests.services import needs_redis

pytestmark = [pytest.mark.django_db, needs_redis]

REDIS_URL = "redis://127.0.0.1:6379/13"
REDIS_CACHE = {
    "default": {
        "BACKEND": "whatanswers.redis_cache.SharedClientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "test-tokens",
    }
}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126 Safari/537"


@pytest.fixture
def redis_cache():
    with override_settings(CACHES=REDIS_CACHE):
        cache.clear()
        yield
        cache.clear()


def wait_until(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def live_mirror():
    """Listening, and trusted: what a request's first look at the cache does
    (caching.trusted settles lost bumps and confirms the listener)."""
    page_tokens.mirror.get([])  # starts the listener
    wait_until(caching.trusted)


class CountingRedis:
    """Counts the commands the cache sends to Redis."""

    def __init__(self, monkeypatch):
        self.commands = []
        client = cache._cache.get_client()
        original = type(client).execute_command

        def execute_command(client, *args, **options):
            self.commands.append(args[0])
            return original(client, *args, **options)

        monkeypatch.setattr(type(client), "execute_command", execute_command)


def test_a_hit_on_a_page_this_process_holds_reads_nothing_from_redis(
    client, make_article, redis_cache, monkeypatch
):
    article = make_article()
    live_mirror()
    url = article.get_absolute_url()
    assert client.get(url, HTTP_USER_AGENT=BROWSER).status_code == 200
    client.get(url, HTTP_USER_AGENT=BROWSER)  # now held in memory
    redis_calls = CountingRedis(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    assert article.question in response.content.decode()
    assert queries.captured_queries == []
    assert redis_calls.commands == []


def test_a_bump_from_another_process_makes_the_page_fresh(
    client, make_article, redis_cache
):
    article = make_article("What causes an old title?")
    live_mirror()
    url = article.get_absolute_url()
    assert "old title" in client.get(url).content.decode()
    assert "old title" in client.get(url).content.decode()
    type(article).objects.filter(pk=article.pk).update(
        question="What causes a new title?"
    )
    # What caching.bump does in another process: a new token, then the news.
    other = redis.Redis.from_url(REDIS_URL)
    name = f"answer:{article.pk}"
    other.set(cache.make_key(caching.VERSION_PREFIX + name), pickle.dumps("new"))
    other.publish(cache.make_key(page_tokens.CHANNEL), name)
    wait_until(lambda: page_tokens.mirror.get([name]) is None, seconds=1)
    assert "new title" in client.get(url).content.decode()


def test_without_the_listener_tokens_are_read_from_redis(
    client, make_article, redis_cache
):
    """A lost channel (Redis restarting, say) must not leave copies trusted."""
    article = make_article("What causes a quiet channel?")
    live_mirror()
    url = article.get_absolute_url()
    client.get(url)
    page_tokens.mirror._set_live(False, page_tokens.mirror._session)
    # A bump whose news never arrives: the copy is not trusted any more.
    type(article).objects.filter(pk=article.pk).update(
        question="What causes a loud channel?"
    )
    cache.set(caching.VERSION_PREFIX + f"answer:{article.pk}", "newer", None)
    assert "loud channel" in client.get(url).content.decode()


def test_a_listener_that_loses_redis_stops_trusting_its_copies(redis_cache):
    live_mirror()
    caching.versions(["site"])
    assert page_tokens.mirror.get(["site"]) is not None
    admin = redis.Redis.from_url(REDIS_URL)
    for client in admin.client_list(_type="pubsub"):
        admin.client_kill_filter(_id=client["id"])
    wait_until(lambda: page_tokens.mirror.get(["site"]) is None)
    live_mirror()  # it reconnects by itself


def test_missing_tokens_are_made_together_and_never_overwrite_one(redis_cache):
    """A first view meets dozens of tokens never made (one per answer it
    lists): they are added in one round trip, and a token that a bump made
    meanwhile wins."""
    live_mirror()
    caching.bump("answer:1")
    bumped = cache.get(caching.VERSION_PREFIX + "answer:1")
    assert cache.add_and_get_many(
        {
            caching.VERSION_PREFIX + "answer:1": -7,
            caching.VERSION_PREFIX + "answer:2": -7,
        }
    ) == {
        caching.VERSION_PREFIX + "answer:1": bumped,
        caching.VERSION_PREFIX + "answer:2": -7,
    }
    client = cache._cache.get_client()
    assert client.ttl(cache.make_key(caching.VERSION_PREFIX + "answer:2")) == -1
    names = [f"answer:{pk}" for pk in range(3, 40)]
    made = caching.versions(names)
    assert len(set(made.values())) == 1 and next(iter(made.values())) < 0
    assert caching.versions(names) == made
