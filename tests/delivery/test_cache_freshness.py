"""A change always wins over the page cache (issue 17, point 1): during and
after a Redis outage, and against a render that a bump overtook."""

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from articles.delivery import caching, page_tokens
from articles.delivery.models import LostBump
from articles.editorial import publishing
from articles.editorial.trash import move_to_trash
from articles.models import Article
from tests.project.test_outages import redis_through_proxy  # noqa: F401 - a fixture
from tests.services import needs_redis

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126 Safari/537"


def wait_until(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def get(url):
    return Client().get(url, HTTP_USER_AGENT=BROWSER)


def served_from_cache(url):
    with CaptureQueriesContext(connection) as queries:
        response = get(url)
    return response.status_code == 200 and not queries.captured_queries


def unpublish(article):
    publishing.unpublish(article)


def trash(article):
    move_to_trash(article)


def edit(article):
    article.question = "What causes a fresh title?"
    article.save()


def fresh(article, change, response):
    """Does `response` (the answer's page or home) show `change` done?"""
    html = response.content.decode()
    if change is edit:
        return "old title" not in html
    return "old title" not in html and response.status_code in (200, 404)


@needs_redis
@pytest.mark.parametrize("failure", ["cut", "hang"])
@pytest.mark.parametrize("change", [unpublish, trash, edit], ids=lambda f: f.__name__)
def test_a_change_during_an_outage_wins_over_the_cache_at_once_after_it(
    redis_through_proxy,  # noqa: F811
    make_article,
    failure,
    change,
    settings,
):
    # Past the cache's own pause after a failure, so that stale entries
    # would be reachable again within the time this test watches.
    settings.CACHE_RETRY_SECONDS = 0.5
    article = make_article("What causes an old title?", ready=True)
    make_article("What causes a neighbour?", ready=True)
    wait_until(caching.trusted)  # the listener, through the proxy
    url = article.get_absolute_url()
    for path in (url, "/"):
        assert "old title" in get(path).content.decode()
        assert served_from_cache(path)
    getattr(redis_through_proxy, failure)()
    change(article)
    assert LostBump.objects.exists()  # the bump waits in the database
    assert not caching.trusted()
    during = [get(url), get("/")]
    assert all(fresh(article, change, r) for r in during)
    redis_through_proxy.restore()
    # At once, and while the listener comes back and settles the lost bump.
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        for response in (get(url), get("/")):
            assert fresh(article, change, response), response.status_code
        time.sleep(0.05)
    wait_until(caching.trusted)
    assert not LostBump.objects.exists()
    for path in (url, "/"):
        response = get(path)
        assert fresh(article, change, response)
    if change is edit:  # cached again, and still the new one
        assert served_from_cache(url)
        assert "fresh title" in get(url).content.decode()


@needs_redis
def test_copies_are_trusted_for_at_most_a_second_of_silence(
    redis_through_proxy,  # noqa: F811
):
    wait_until(caching.trusted)
    caching.versions(["site"])
    assert page_tokens.mirror.get(["site"]) is not None
    redis_through_proxy.hang()
    started = time.monotonic()
    wait_until(lambda: page_tokens.mirror.get(["site"]) is None, seconds=3)
    assert time.monotonic() - started <= page_tokens.TRUST_SECONDS + 0.1
    # Not trusted for its copies; Redis itself is asked, and fails open.
    assert page_tokens.mirror.status() == page_tokens.SILENT


@needs_redis
def test_a_silent_listener_keeps_the_shared_cache_and_a_change_still_wins(
    redis_through_proxy,  # noqa: F811
    make_article,
    monkeypatch,
):
    """A listener thread that a busy process did not let run for a second
    (as under load) must not turn the page cache off, which would make the
    process busier still; its copies are not used, so every change wins."""
    article = make_article("What causes an old title?", ready=True)
    wait_until(caching.trusted)
    url = article.get_absolute_url()
    get(url)
    monkeypatch.setattr(page_tokens, "TRUST_SECONDS", 0)  # always silent
    assert page_tokens.mirror.status() == page_tokens.SILENT
    rendered = []

    def note(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(note)
    try:
        with CaptureQueriesContext(connection) as queries:
            assert "old title" in get(url).content.decode()
    finally:
        template_rendered.disconnect(note)
    assert not rendered  # from the shared cache
    # Only the check for lost bumps (once per look at the tokens).
    sqls = [q["sql"] for q in queries.captured_queries]
    assert sqls and all(LostBump._meta.db_table in sql for sql in sqls)
    # A change whose news the silent listener never read.
    Article.objects.filter(pk=article.pk).update(question="What causes a new one?")
    caching.bump(f"answer:{article.pk}")
    assert "new one" in get(url).content.decode()
    # And a bump lost elsewhere is settled before the cache is used.
    Article.objects.filter(pk=article.pk).update(question="What causes a third?")
    LostBump.objects.create(names=f"answer:{article.pk}")
    assert "third" in get(url).content.decode()
    assert not LostBump.objects.exists()


@needs_redis
def test_no_process_trusts_the_cache_while_a_lost_bump_waits(
    redis_through_proxy,  # noqa: F811
    make_article,
):
    """Another process's failed bump, found in the database: this process
    bumps it in the cache before it serves a cached page again."""
    article = make_article("What causes an old title?", ready=True)
    wait_until(caching.trusted)
    url = article.get_absolute_url()
    get(url)
    assert served_from_cache(url)
    Article.objects.filter(pk=article.pk).update(question="What causes a new one?")
    LostBump.objects.create(names=f"answer:{article.pk}")
    page_tokens.mirror.distrust()  # as after a reconnection
    assert "new one" in get(url).content.decode()
    assert not LostBump.objects.exists()


def test_a_bump_during_the_render_stops_the_store(make_article):
    """The page's tokens are read before it is rendered: a page rendered
    from the rows before a change, and finished after its bump, is not kept
    under the new tokens."""
    article = make_article("What causes an old title?", ready=True)
    url = article.get_absolute_url()

    def change_meanwhile(sender, template, **kwargs):
        if template.name == "articles/article_detail.html":
            template_rendered.disconnect(change_meanwhile)
            Article.objects.filter(pk=article.pk).update(
                question="What causes a new title?"
            )
            caching.bump(f"answer:{article.pk}")

    template_rendered.connect(change_meanwhile)
    try:
        assert "old title" in get(url).content.decode()  # rendered before
    finally:
        template_rendered.disconnect(change_meanwhile)
    assert "new title" in get(url).content.decode()
    assert served_from_cache(url)  # the next render was kept


def test_a_page_rendered_without_a_change_is_kept(make_article):
    article = make_article("What causes a quiet render?", ready=True)
    get(article.get_absolute_url())
    assert served_from_cache(article.get_absolute_url())


@pytest.mark.parametrize(
    "query", ["utm_source=feed", "page=1&x=1", "page=01", "page=2&page=3", "x" * 50]
)
def test_unknown_query_parameters_are_rendered_not_kept(make_article, query):
    """The variants of one path are bounded: only ?page=N is cached."""
    article = make_article("What causes a variant?", ready=True)
    for path in (f"/?{query}", f"{article.get_absolute_url()}?{query}"):
        get(path)
        with CaptureQueriesContext(connection) as queries:
            response = get(path)
        assert response.status_code < 500
        assert queries.captured_queries, path
        assert "public" not in response.get("Cache-Control", "")


def test_listing_pages_are_kept_per_page_number(make_article, topic):
    for i in range(25):
        make_article(f"What causes page {i}?", ready=True)
    path = f"{topic.get_absolute_url()}?page=2"
    assert get(path).status_code == 200
    assert served_from_cache(path)


def test_every_stored_copy_of_a_page_has_the_same_vary(make_article, settings):
    article = make_article("What causes a vary?", ready=True)
    variants = [
        {},
        {"HTTP_ACCEPT_ENCODING": "gzip"},
        {"HTTP_COOKIE": "other=1"},
        {"HTTP_USER_AGENT": "curl/8"},
    ]
    for path in ("/", article.get_absolute_url(), "/feeds/latest/"):
        seen = set()
        for headers in variants:
            caching.PageCacheMiddleware._local.clear()
            from django.core.cache import cache

            cache.clear()
            first = Client().get(path, **headers)
            again = Client().get(path, **headers)
            seen |= {first["Vary"], again["Vary"]}
        assert seen == {caching.PUBLIC_VARY}, (path, seen)
