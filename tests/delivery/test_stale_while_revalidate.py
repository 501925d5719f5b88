"""No stampede (issue 19, point 6): a page made stale by an edit, a publish
or its age is served to others for a few seconds while one request renders
it again; one made stale by an unpublish, a trash or a delete never is."""

import time

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from articles.delivery import caching
from articles.delivery.caching import RENDERING_PREFIX, PageCacheMiddleware
from articles.editorial import publishing
from articles.editorial.trash import move_to_trash
from articles.models import Article

pytestmark = pytest.mark.django_db


def get(url):
    response = Client().get(url)
    return response.get(caching.CACHE_HEADER), response.content.decode()


def someone_renders(url):
    """As if another process were rendering `url` again right now."""
    key = PageCacheMiddleware._key(RequestFactory().get(url), False)
    assert cache.add(RENDERING_PREFIX + key, 1, 30)
    return RENDERING_PREFIX + key


def test_an_edited_page_is_served_stale_while_another_request_renders_it(
    make_article,
):
    article = make_article("What causes an old title?")
    url = article.get_absolute_url()
    assert get(url)[0] == "miss"
    article.question = "What causes a new title?"
    article.save()
    lock = someone_renders(url)
    state, html = get(url)
    assert state == "stale" and "old title" in html
    cache.delete(lock)  # the other render is done (or gave up)
    state, html = get(url)
    assert state == "miss" and "new title" in html
    assert get(url)[0] == "hit"


def test_the_first_request_after_a_change_renders_it_itself(make_article):
    article = make_article("What causes an old title?")
    url = article.get_absolute_url()
    get(url)
    article.question = "What causes a new title?"
    article.save()
    state, html = get(url)
    assert state == "miss" and "new title" in html


@pytest.mark.parametrize("change", ["unpublish", "trash", "delete"])
def test_a_page_listing_a_removed_answer_is_never_served_stale(make_article, change):
    page = make_article("What causes a page?", tags=["shared"])
    gone = make_article("What causes a doomed answer?", tags=["shared"])
    url = page.get_absolute_url()
    assert "doomed answer" in get(url)[1]
    gone = Article.objects.get(pk=gone.pk)
    if change == "unpublish":
        publishing.unpublish(gone)
    elif change == "trash":
        move_to_trash(gone)
    else:
        gone.delete()
    someone_renders(url)
    state, html = get(url)
    assert state != "stale" and "doomed answer" not in html


def test_an_expired_page_is_served_stale_for_at_most_a_few_seconds(
    make_article, settings
):
    settings.PAGE_STALE_SECONDS = 1
    url = make_article("What causes an aging page?").get_absolute_url()
    get(url)
    key = PageCacheMiddleware._key(RequestFactory().get(url), False)
    entry = cache.get(key)
    entry["expires"] = time.time() - 1
    cache.set(key, entry, 60)
    PageCacheMiddleware._local.clear()  # this process's copy expired too
    assert get(url)[0] == "miss"  # the first request renders it...
    cache.set(key, entry, 60)
    PageCacheMiddleware._local.clear()
    cache.add(RENDERING_PREFIX + key, 1, settings.PAGE_STALE_SECONDS)
    assert get(url)[0] == "stale"  # ...while others get the old copy
    time.sleep(1.1)  # the renderer's claim lapses: another one renders
    assert get(url)[0] == "miss"
