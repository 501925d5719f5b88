"""Anonymous visitors get cached pages; a change is visible at once; HTTP
caches and browsers get headers they can use."""

import gzip
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.delivery import caching
from articles.discovery.tasks import refresh_rankings
from articles.editorial import publishing
from articles.models import Article

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126 Safari/537"


def html(client, url):
    response = client.get(url, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    return response.content.decode()


def test_a_changed_question_shows_everywhere_right_after_the_save(client, make_article):
    changed = make_article("What causes old wording?", slug="changed")
    neighbour = make_article("What causes a neighbour?", slug="neighbour")
    pages = [
        changed.get_absolute_url(),
        neighbour.get_absolute_url(),  # lists it under "More ... in ..."
        "/",
        "/topics/daily-life/",
        "/types/what-causes/",
        "/topics/daily-life/what-causes/",
        "/feeds/latest/",
    ]
    for url in pages:
        assert "What causes old wording?" in html(client, url)
    changed.question = "What causes new wording?"
    changed.save()
    for url in pages:
        page = html(client, url)
        assert "What causes new wording?" in page, url
        assert "What causes old wording?" not in page, url


def topic_card_count(page, name):
    """The count on a topic's card on the home page."""
    card = re.search(
        rf"{re.escape(name)}</a></h3>\s*(?:<p class=\"card-summary\">[^<]*</p>\s*)?"
        r'<p class="meta">([^<]*)</p>',
        page,
    )
    return card and card.group(1)


def test_publishing_and_unpublishing_refresh_pages_and_counts(client, make_article):
    make_article("What causes a first answer?")
    draft = make_article(
        "What causes a late answer?", status=Article.Status.DRAFT, ready=True
    )
    assert "late answer" not in html(client, "/")
    assert topic_card_count(html(client, "/"), "Daily Life") == "1 answer"
    publishing.publish(draft)
    assert "late answer" in html(client, "/")
    # The counts on every page's browse sections follow on the schedule
    # (issue 19: a publish must not make every page stale).
    refresh_rankings.call()
    home = html(client, "/")
    assert "late answer" in home
    assert topic_card_count(home, "Daily Life") == "2 answers"
    assert "late answer" in html(client, "/topics/daily-life/")
    draft.refresh_from_db()
    publishing.unpublish(draft)
    assert "late answer" not in html(client, "/")
    assert "late answer" not in html(client, "/topics/daily-life/")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_deleting_an_answer_removes_it_from_every_page(client, make_article):
    doomed = make_article("What causes a short life?")
    url = doomed.get_absolute_url()
    assert html(client, url)
    assert "short life" in html(client, "/")
    doomed.delete()
    assert client.get(url).status_code == 404
    assert "short life" not in html(client, "/")
    assert "short life" not in html(client, "/sitemaps/answers-1.xml")


def test_renaming_a_topic_refreshes_its_pages(client, make_article, topic):
    article = make_article()
    assert "Daily Life" in html(client, article.get_absolute_url())
    topic.name = "Everyday Things"
    topic.save()
    assert "Everyday Things" in html(client, article.get_absolute_url())
    assert "Everyday Things" in html(client, "/topics/")


def test_a_key_fact_edit_refreshes_the_answer_page(client, make_article):
    article = make_article(key_facts=["An old fact."])
    assert "An old fact." in html(client, article.get_absolute_url())
    fact = article.key_facts.get()
    fact.text = "A corrected fact."
    fact.save()
    assert "A corrected fact." in html(client, article.get_absolute_url())


def test_staff_always_get_fresh_pages_and_no_public_cache_headers(
    editor_client, client, make_article
):
    article = make_article("What causes staleness?")
    html(client, article.get_absolute_url())  # cached for visitors
    Article.objects.filter(pk=article.pk).update(question="What causes freshness?")
    staff = editor_client.get(article.get_absolute_url())
    assert "What causes freshness?" in staff.content.decode()
    assert "public" not in staff.get("Cache-Control", "")
    assert "private" in staff["Cache-Control"]


def test_a_cache_hit_runs_no_query(client, make_article):
    article = make_article()
    html(client, article.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        page = html(client, article.get_absolute_url())
    assert queries.captured_queries == []
    assert article.question in page


def test_public_pages_send_cache_control_and_an_etag(client, make_article):
    article = make_article()
    for url in (article.get_absolute_url(), "/", "/sitemap.xml", "/feeds/latest/"):
        response = client.get(url)
        control = response["Cache-Control"]
        assert "public" in control and "max-age=60" in control, url
        assert "s-maxage=300" in control, url
        assert response.has_header("ETag"), url


@pytest.mark.parametrize(
    "url", ["article", "/", "/topics/daily-life/", "/sitemaps/answers-1.xml"]
)
def test_a_conditional_get_answers_304(client, make_article, url):
    article = make_article()
    url = article.get_absolute_url() if url == "article" else url
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    article.question = "What causes a new version?"
    article.slug = "a-new-version"
    article.save()
    url = article.get_absolute_url() if url.startswith("/q/") else url
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200


def test_the_feed_answers_304_while_unchanged(client, make_article):
    make_article()
    first = client.get("/feeds/latest/")
    assert (
        client.get("/feeds/latest/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code
        == 304
    )


def test_responses_are_gzipped_for_clients_that_accept_it(client, make_article):
    article = make_article()
    plain = client.get(article.get_absolute_url())
    packed = client.get(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2


def test_pages_with_a_csrf_token_are_never_public(client, db):
    response = client.get("/suggest/")
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")
    assert "csrftoken" in response.cookies


def test_search_is_not_cached(client, make_article):
    make_article("What causes thunder?")
    client.get("/search/?q=thunder")
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/?q=thunder")
    assert queries.captured_queries  # rendered (and counted) every time


def test_a_bump_from_another_process_reaches_pages_kept_in_memory(client, make_article):
    """Pages are also kept in this process's memory; the shared version
    tokens still decide whether they are fresh."""
    article = make_article("What causes an old title?")
    assert "old title" in html(client, article.get_absolute_url())
    # Another process (the worker, say) changes the row and bumps the token.
    Article.objects.filter(pk=article.pk).update(question="What causes a new title?")
    assert "old title" in html(client, article.get_absolute_url())
    caching.bump(f"answer:{article.pk}")
    assert "new title" in html(client, article.get_absolute_url())


def test_editing_a_draft_leaves_public_pages_cached(client, make_article):
    make_article("What causes a live answer?")
    draft = make_article("What causes a quiet draft?", status=Article.Status.DRAFT)
    html(client, "/")
    html(client, "/topics/daily-life/")
    draft.summary = "Still being written."
    draft.save()
    for url in ("/", "/topics/daily-life/"):
        with CaptureQueriesContext(connection) as queries:
            html(client, url)
        assert queries.captured_queries == [], url


def test_a_page_from_the_cache_keeps_every_security_header(client, make_article):
    article = make_article()
    rendered = client.get(article.get_absolute_url())
    replayed = client.get(article.get_absolute_url())
    for name in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Cache-Control",
        "ETag",
    ):
        assert rendered.has_header(name), name
        assert replayed[name] == rendered[name], name


def test_static_files_do_not_touch_the_page_cache(client, db, monkeypatch):
    def no_cache(*args, **kwargs):
        raise AssertionError("the page cache was read for a static file")

    monkeypatch.setattr(caching.cache, "get", no_cache)
    client.get("/static/css/site.css")


def test_a_page_says_whether_it_came_from_the_cache(client, make_article):
    """make bench counts hits by this header."""
    url = make_article().get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
