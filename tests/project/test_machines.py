"""What search engines and feed readers get."""

import json
import re
from datetime import UTC, date, datetime
from xml.etree import ElementTree

import pytest

from articles.editorial import publishing
from articles.models import Article

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


def sitemap_entries(client):
    """{url: lastmod} over every section that the sitemap index names."""
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    entries = {}
    for loc in index.findall("s:sitemap/s:loc", SITEMAP_NS):
        section = client.get(loc.text.removeprefix("https://whatanswers.test"))
        assert section.status_code == 200
        tree = ElementTree.fromstring(section.content)
        for url in tree.findall("s:url", SITEMAP_NS):
            location = url.find("s:loc", SITEMAP_NS).text
            assert location not in entries, f"{location} is listed twice"
            entries[location] = getattr(url.find("s:lastmod", SITEMAP_NS), "text", None)
    return entries


def test_sitemap_lists_published_answers_topics_and_types(client, make_article):
    live = make_article(last_updated=date(2026, 4, 4))
    draft = make_article(status=Article.Status.DRAFT)
    entries = sitemap_entries(client)
    assert entries[f"https://whatanswers.test/q/{live.slug}/"] == "2026-04-04"
    assert f"https://whatanswers.test/q/{draft.slug}/" not in entries
    assert "https://whatanswers.test/" in entries
    assert "https://whatanswers.test/topics/" in entries
    assert "https://whatanswers.test/types/" in entries
    assert "https://whatanswers.test/topics/daily-life/" in entries
    assert "https://whatanswers.test/types/what-causes/" in entries
    assert "https://whatanswers.test/topics/daily-life/what-causes/" in entries


def test_sitemap_sections_page_every_answer_exactly_once(
    client, make_article, settings
):
    settings.SITEMAP_SECTION_SIZE = 3
    answers = [make_article() for _ in range(8)]
    publishing.unpublish(answers[4])
    index = client.get("/sitemap.xml").content.decode()
    # 8 answers in sections of 3 ids: at least 3 answer sections plus "pages".
    assert index.count("<sitemap>") >= 4
    for n in range(1, index.count("<sitemap>")):
        section = client.get(f"/sitemaps/answers-{n}.xml").content.decode()
        assert section.count("<url>") <= 3
    entries = sitemap_entries(client)
    listed = [url for url in entries if "/q/" in url]
    expected = [a for i, a in enumerate(answers) if i != 4]
    assert sorted(listed) == sorted(
        f"https://whatanswers.test/q/{a.slug}/" for a in expected
    )
    for name in ("answers-0", "answers-x", "other-1"):
        assert client.get(f"/sitemaps/{name}.xml").status_code == 404


def test_robots_txt_keeps_crawlers_out_of_admin_and_search(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Disallow: /search/" in text
    assert "Sitemap: https://whatanswers.test/sitemap.xml" in text  # the index


def test_latest_feed_has_the_twenty_newest_answers(client, make_article):
    articles = [make_article() for _ in range(22)]  # each older than the last
    make_article(status=Article.Status.DRAFT, question="What causes secrets?")
    tree = ElementTree.fromstring(client.get("/feeds/latest/").content)
    titles = [e.find("a:title", ATOM_NS).text for e in tree.findall("a:entry", ATOM_NS)]
    assert titles == [a.question for a in articles[:20]]


def test_each_topic_has_its_own_feed(client, make_article, make_topic):
    other = make_topic("Science", slug="science")
    mine = make_article("What causes mine?")
    make_article("What causes theirs?", topic=other)
    body = client.get("/feeds/topics/daily-life/").content.decode()
    assert mine.question in body and "theirs" not in body
    assert client.get("/feeds/topics/nope/").status_code == 404


def json_ld(html):
    block = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    ).group(1)
    return json.loads(block)


def test_article_page_carries_article_and_breadcrumb_json_ld(client, make_article):
    article = make_article(
        "What causes tides?",
        sources=[("Tide", "https://en.wikipedia.org/wiki/Tide")],
        published_at=datetime(2026, 4, 1, 9, 30, tzinfo=UTC),
        last_updated=date(2026, 4, 8),
    )
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    page, crumbs = data
    assert page["@type"] == "Article"
    assert page["headline"] == "What causes tides?"
    # ISO 8601 with the zone; "Last updated" is a day, so its start.
    assert page["datePublished"] == "2026-04-01T09:30:00+00:00"
    assert page["dateModified"] == "2026-04-08T00:00:00+00:00"
    assert page["author"]["name"] == page["publisher"]["name"] == "WhatAnswers"
    assert page["citation"] == [
        {
            "@type": "CreativeWork",
            "name": "Tide",
            "url": "https://en.wikipedia.org/wiki/Tide",
        }
    ]
    assert crumbs["@type"] == "BreadcrumbList"
    assert [c["name"] for c in crumbs["itemListElement"]] == [
        "Home",
        "Daily Life",
        "What causes tides?",
    ]


def test_json_ld_cannot_be_broken_out_of(client, make_article):
    evil = 'What causes </script><script>alert(1)</script> & "quotes"?'
    article = make_article(evil)
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("<script") == 1
    assert json_ld(html)[0]["headline"] == evil


def test_open_graph_and_twitter_tags(client, make_article):
    article = make_article(summary="The moon pulls the oceans.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:title" content="{article.question}">' in html
    assert (
        '<meta property="og:description" content="The moon pulls the oceans.">' in html
    )
    assert (
        f'<meta property="og:url" content="https://whatanswers.test/q/{article.slug}/">'
        in html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html
