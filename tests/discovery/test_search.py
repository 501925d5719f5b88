"""Site search. The whole suite runs on SQLite and on PostgreSQL, so these
same cases exercise FTS5 and PostgreSQL full-text search."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from articles.discovery.search import search_articles
from articles.editorial import publishing
from articles.models import Article, KeyFact, SearchRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(make_article, django_capture_on_commit_callbacks):
    """make_article, with the search index refreshed as after a commit."""

    def make(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(*args, **kwargs)

    return make


def found(query):
    return [a.question for a in search_articles(query)]


def test_matches_question_summary_facts_tags_and_body(indexed):
    indexed("What causes thunder?")
    indexed("What causes rain?", summary="Condensation in clouds.")
    indexed("What causes hail?", key_facts=["Updrafts freeze droplets."])
    indexed("What causes sleet?", tags=["meteorology"])
    indexed("What causes fog?", body="## Why\n\nRadiative cooling at night.")
    assert found("thunder") == ["What causes thunder?"]
    assert found("condensation") == ["What causes rain?"]
    assert found("updrafts") == ["What causes hail?"]
    assert found("meteorology") == ["What causes sleet?"]
    assert found("radiative") == ["What causes fog?"]


def test_question_matches_rank_above_body_matches(indexed):
    indexed("What causes a storm surge?", body="Wind pushes water ashore.")
    indexed("What causes tides?", body="The storm is not the cause; the moon is.")
    assert found("storm") == ["What causes a storm surge?", "What causes tides?"]


def test_only_published_answers_are_found(indexed):
    indexed("What causes auroras?")
    indexed("What causes secret auroras?", status=Article.Status.DRAFT)
    assert found("auroras") == ["What causes auroras?"]


def test_index_follows_edits_unpublish_and_delete(
    indexed, django_capture_on_commit_callbacks
):
    article = indexed("What causes lightning?", ready=True)
    assert found("lightning") == ["What causes lightning?"]
    with django_capture_on_commit_callbacks(execute=True):
        KeyFact.objects.create(article=article, text="Charge separates in clouds.")
    assert found("separates") == ["What causes lightning?"]
    with django_capture_on_commit_callbacks(execute=True):
        publishing.unpublish(article)
    assert found("lightning") == []
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(article)
    assert found("lightning") == ["What causes lightning?"]
    with django_capture_on_commit_callbacks(execute=True):
        article.question = "What causes ball lightning?"
        article.save()
    assert found("ball") == ["What causes ball lightning?"]
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert found("lightning") == []


def test_rebuild_command_indexes_everything(make_article):
    make_article("What causes earthquakes?", index=False)  # as if never indexed
    assert found("earthquakes") == []
    call_command("rebuild_modelsearch_index", stdout=StringIO())
    assert found("earthquakes") == ["What causes earthquakes?"]


def test_results_page_shows_question_topic_type_and_summary(client, indexed):
    indexed("What causes volcanoes?", summary="Magma rises through the crust.")
    html = client.get("/search/?q=volcanoes").content.decode()
    assert "What causes volcanoes?" in html
    assert "Magma rises through the crust." in html
    assert 'href="/topics/daily-life/">Daily Life' in html
    assert 'href="/types/what-causes/">What Causes' in html
    assert '<meta name="robots" content="noindex">' in html


def test_results_are_paginated_by_twenty(client, indexed):
    for i in range(23):
        indexed(f"What causes wave number {i}?")
    first = client.get("/search/?q=wave").content.decode()
    second = client.get("/search/?q=wave&page=2").content.decode()
    assert first.count('<p class="meta">') == 20
    assert second.count('<p class="meta">') == 3
    assert "23 answers" in first and "Page 1 of 2" in first


def test_no_result_offers_to_suggest_the_question(client, db):
    html = client.get("/search/?q=why+is+the+sky+green").content.decode()
    assert "No answer matches" in html
    assert 'href="/suggest/?q=why%20is%20the%20sky%20green"' in html


@pytest.mark.parametrize("query", ["", "   ", "x" * 201])
def test_empty_or_too_long_queries_get_a_friendly_page(client, db, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Search" in html
    if len(query) > 200:
        assert "please keep it under 200" in html
    assert not SearchRecord.objects.exists()


def test_punctuation_and_operators_are_harmless(client, indexed):
    indexed("What causes rain?")
    for query in ['"rain', "rain AND", "(rain", "rain*", "-", "NOT", "' OR 1=1 --"]:
        assert client.get("/search/", {"q": query}).status_code == 200, query


def test_every_search_is_recorded_without_personal_data(client, indexed):
    indexed("What causes rain?")
    client.get("/search/?q=Rain!", REMOTE_ADDR="203.0.113.5")
    client.get("/search/?q=rain", REMOTE_ADDR="203.0.113.6")
    client.get("/search/?q=rain&page=2")  # paging is not a new search
    client.get("/search/?q=Purple+Snow")
    rows = {r.query: (r.count, r.result_count) for r in SearchRecord.objects.all()}
    assert rows == {"rain": (2, 1), "purple snow": (1, 0)}
    columns = {f.name for f in SearchRecord._meta.fields}
    assert columns == {"id", "query", "day", "count", "result_count"}


def test_editors_see_searches_with_no_results_most_searched_first(
    editor_client, client, indexed
):
    indexed("What causes rain?")
    for query, times in (("green sky", 1), ("purple snow", 3), ("rain", 5)):
        for _ in range(times):
            client.get("/search/", {"q": query})
    html = editor_client.get("/admin/articles/unansweredsearch/").content.decode()
    assert html.index("purple snow") < html.index("green sky")
    assert ">rain<" not in html
    assert "/admin/articles/article/add/?question=purple+snow" in html


def test_header_search_box_is_on_every_page(client, make_article):
    """In the header, except where the page's own search box leads (home and
    search): one labelled search landmark per page."""
    html = client.get(make_article().get_absolute_url()).content.decode()
    header = (
        '<form class="site-search" role="search" aria-label="Site" method="get" '
        'action="/search/">'
    )
    assert header in html
    for url in ("/", "/search/?q=rain"):
        html = client.get(url).content.decode()
        assert header not in html
        assert html.count('role="search"') == 1


def test_search_runs_on_this_database(db):
    assert connection.vendor in {"sqlite", "postgresql"}


def test_searches_past_the_per_client_limit_get_a_readable_429(client, settings):
    settings.SEARCH_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get("/search/?q=rain").status_code == 200
    response = client.get("/search/?q=rain")
    assert response.status_code == 429
    assert "Please slow down" in response.content.decode()
    assert 1 <= int(response["Retry-After"]) <= settings.SEARCH_RATE_WINDOW + 1
    other = client.get("/search/?q=rain", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200  # per client


def test_a_failing_cache_lets_searches_through(client, settings, monkeypatch):
    from whatanswers.web import ratelimit

    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(ratelimit, "_count", down)
    settings.SEARCH_RATE_LIMIT = 0
    assert client.get("/search/?q=rain").status_code == 200  # fails open


@pytest.mark.parametrize("page", ["999", "0", "-1", "abc", "1e3"])
def test_a_results_page_that_does_not_exist_is_a_404(client, indexed, page):
    indexed("What causes a single result?")
    assert client.get("/search/?q=single").status_code == 200
    response = client.get(f"/search/?q=single&page={page}")
    assert response.status_code == 404
    assert 'rel="canonical"' not in response.content.decode()


def test_error_pages_carry_no_canonical_link(client):
    assert 'rel="canonical"' not in client.get("/q/no-such-answer/").content.decode()
    assert 'rel="canonical"' not in client.get("/?x=%00").content.decode()
    assert 'rel="canonical"' in client.get("/").content.decode()
