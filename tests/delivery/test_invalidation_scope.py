"""A publish or an edit makes stale only the pages that show it (issue 19,
point 4); what every page shows follows on its own schedule."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.delivery import caching
from articles.discovery import trending
from articles.discovery.tasks import refresh_rankings
from articles.editorial import publishing
from articles.models import Article, Ranking
from articles.pages import fragments

pytestmark = pytest.mark.django_db
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126"}


def get(url):
    return Client().get(url, **BROWSER)


def cached(url):
    with CaptureQueriesContext(connection) as queries:
        response = get(url)
    return response.status_code == 200 and not queries.captured_queries


def test_publishing_elsewhere_keeps_an_answer_page_cached(
    make_article, make_topic, make_type, settings
):
    settings.ANSWER_BROWSE_SECONDS = 3600
    reader = make_article("What causes a quiet page?", tags=["quiet"])
    make_article("What causes a neighbour?", tags=["quiet"])
    elsewhere = make_article(
        "What causes news elsewhere?",
        status=Article.Status.DRAFT,
        ready=True,
        topic=make_topic(),
        question_type=make_type(),
        tags=["loud"],
    )
    refresh_rankings.call()  # pages have been told of the counts
    url, listing = reader.get_absolute_url(), "/topics/"
    get(url), get(listing)
    assert cached(url) and cached(listing)
    publishing.publish(elsewhere)
    assert cached(url) and cached(listing)
    # The browse counts follow on the schedule: on listings at its next
    # pass, beside answers at most every ANSWER_BROWSE_SECONDS.
    refresh_rankings.call()
    assert not cached(listing)
    assert cached(url)
    an_hour_ago = timezone.now() - datetime.timedelta(seconds=3601)
    Ranking.objects.filter(key="browse-answers").update(computed_at=an_hour_ago)
    refresh_rankings.call()
    assert not cached(url)
    assert cached(url)
    assert str(elsewhere.topic.name) in get(url).content.decode()
    refresh_rankings.call()  # nothing moved since: no bump
    assert cached(url) and cached(listing)


def test_a_renamed_topic_shows_beside_answers_at_once(make_article, make_topic):
    reader = make_article("What causes a quiet page?")
    refresh_rankings.call()
    url = reader.get_absolute_url()
    get(url)
    assert cached(url)
    topic = reader.topic
    topic.name = "Renamed Topic"
    topic.save()
    assert not cached(url)
    assert "Renamed Topic" in get(url).content.decode()


def test_an_edit_makes_stale_only_the_answer_pages_that_list_it(
    make_article, make_topic, make_type
):
    page = make_article("What causes a page?", tags=["shared"])
    listed = make_article("What causes a listed answer?", tags=["shared"])
    apart = make_article(
        "What causes an answer apart?", topic=make_topic(), question_type=make_type()
    )
    url = page.get_absolute_url()
    assert "listed answer" in get(url).content.decode()
    assert cached(url)
    apart.question = "What causes a renamed answer apart?"
    apart.save()
    assert cached(url)
    listed.question = "What causes a renamed listed answer?"
    listed.save()
    assert "renamed listed answer" in get(url).content.decode()
    publishing.unpublish(Article.objects.get(pk=listed.pk))
    assert "renamed listed answer" not in get(url).content.decode()


def test_the_rail_follows_the_trending_list_at_most_every_so_often(
    make_article, settings
):
    settings.TRENDING_RAIL_SECONDS = 3600
    answers = [make_article(f"What causes trend {i}?") for i in range(3)]
    now = timezone.now()
    trending.store_scores([(answers[0].pk, 3.0)], now)
    rail = caching.versions(["rail"])["rail"]
    listing = caching.versions(["trending"])["trending"]
    trending.store_scores([(answers[1].pk, 5.0), (answers[0].pk, 3.0)], now)
    assert caching.versions(["trending"])["trending"] != listing  # at once
    assert caching.versions(["rail"])["rail"] == rail  # not yet
    later = now + datetime.timedelta(hours=1, seconds=1)
    trending.store_scores([(answers[2].pk, 9.0)], later)
    assert caching.versions(["rail"])["rail"] != rail
    assert Ranking.objects.get(key="rail").value == [answers[2].pk]
    cache.delete(trending.RAIL_CACHE_KEY)  # read back from the database
    rail = caching.versions(["rail"])["rail"]
    trending.store_scores([(answers[2].pk, 9.5)], later)  # same order
    assert caching.versions(["rail"])["rail"] == rail


def test_a_change_while_the_related_part_renders_does_not_stay(
    make_article, monkeypatch
):
    """The listed answers' tokens are read before their rows: an edit that
    lands between the two leaves a part that is rendered again next time."""
    page = make_article("What causes a page?", tags=["shared"])
    listed = make_article("What causes an old title?", tags=["shared"])
    sections = fragments.related_sections

    def edit_meanwhile(article, candidates):
        found = sections(article, candidates)  # the old row is read
        monkeypatch.setattr(fragments, "related_sections", sections)
        Article.objects.filter(pk=listed.pk).update(question="What causes a new one?")
        caching.bump(f"answer:{listed.pk}")
        return found

    monkeypatch.setattr(fragments, "related_sections", edit_meanwhile)
    url = page.get_absolute_url()
    assert "old title" in get(url).content.decode()  # rendered before the edit
    assert "new one" in get(url).content.decode()


def test_a_publish_makes_only_its_own_sitemap_section_stale(make_article, settings):
    size = settings.SITEMAP_SECTION_SIZE = 2
    first = make_article("What causes a first section?")
    make_article("What causes a full first section?")
    make_article("What causes a second section?")
    late = make_article(
        "What causes a late answer?", status=Article.Status.DRAFT, ready=True
    )
    # Ids need not start at 1 (PostgreSQL's sequences outlive a test's
    # rollback): the sections are those of the first and the last id,
    # three ids apart, so never the same section of `size`.
    sections = tuple(
        f"/sitemaps/answers-{(pk - 1) // size + 1}.xml" for pk in (first.pk, late.pk)
    )
    assert late.pk == first.pk + 3 and sections[0] != sections[1]
    refresh_rankings.call()
    for url in (*sections, "/sitemaps/pages.xml"):
        get(url)
    assert all(cached(url) for url in sections) and cached("/sitemaps/pages.xml")
    publishing.publish(late)
    assert cached(sections[0])
    assert not cached(sections[1])
    assert late.slug in get(sections[1]).content.decode()
    get(sections[1])
    # The scheduled pass moves the browse counts ("site") on the pages
    # section; the answer sections keep.
    refresh_rankings.call()
    assert all(cached(url) for url in sections)
    assert not cached("/sitemaps/pages.xml")
