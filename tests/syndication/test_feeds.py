"""The Atom feeds, rule by rule as RFC 4287 states them and the W3C feed
validator checks them (its source is not on PyPI, so the rules are here)."""

import re
from datetime import UTC, date, datetime
from xml.etree import ElementTree

import pytest

from articles.models import Article

pytestmark = pytest.mark.django_db

NS = {"a": "http://www.w3.org/2005/Atom"}
SITE = "https://whatanswers.test"
# RFC 3339 date-time, as Atom requires for every date.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# RFC 4151 tag URI: tag:authority,date:specific
TAG_URI = re.compile(r"tag:[a-z0-9.-]+,\d{4}(-\d\d(-\d\d)?)?:[\w/.;:@&=+$,!~*'()%-]+$")


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def one(element, path):
    found = element.findall(path, NS)
    assert len(found) == 1, f"{path}: {len(found)} elements"
    return found[0]


def check_atom(root, self_url):
    """Every rule of RFC 4287 section 4.1 the validator checks."""
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert one(root, "a:title").text
    assert RFC3339.match(one(root, "a:updated").text)
    assert TAG_URI.match(one(root, "a:id").text)
    assert one(root, "a:author/a:name").text == "WhatAnswers"
    links = {link.get("rel"): link.get("href") for link in root.findall("a:link", NS)}
    assert links["self"] == self_url
    assert links["alternate"].startswith(SITE + "/")
    ids = []
    for entry in root.findall("a:entry", NS):
        ids.append(one(entry, "a:id").text)
        assert TAG_URI.match(ids[-1]), ids[-1]
        assert one(entry, "a:title").text
        assert RFC3339.match(one(entry, "a:updated").text)
        assert RFC3339.match(one(entry, "a:published").text)
        assert one(entry, "a:author/a:name").text == "WhatAnswers"
        alternate = one(entry, "a:link[@rel='alternate']").get("href")
        assert alternate.startswith(f"{SITE}/q/")
        summary = one(entry, "a:summary")
        assert summary.get("type", "text") == "text"  # plain text, said so
        assert "<" not in summary.text and "&lt;" not in summary.text
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    return root.findall("a:entry", NS)


def test_every_feed_is_valid_atom(client, make_article, make_topic):
    other = make_topic("Other Things")
    make_article(summary="Cold air & <b>dry</b> skin.")
    make_article(topic=other)
    make_article(status=Article.Status.DRAFT)
    entries = check_atom(feed(client, "/feeds/latest/"), f"{SITE}/feeds/latest/")
    assert len(entries) == 2
    for slug in ("daily-life", other.slug):
        url = f"/feeds/topics/{slug}/"
        assert len(check_atom(feed(client, url), SITE + url)) == 1
    # An empty topic still makes a valid feed, with no entries.
    url = f"/feeds/topics/{make_topic('Empty').slug}/"
    assert check_atom(feed(client, url), SITE + url) == []


def test_empty_site_feed_is_valid(client, db):
    root = feed(client, "/feeds/latest/")
    assert root.findall("a:entry", NS) == []
    assert RFC3339.match(one(root, "a:updated").text)


def test_summary_is_the_plain_text_summary(client, make_article):
    make_article(summary="Cold air & dry   skin <b>cause</b> shocks.")
    entry = one(feed(client, "/feeds/latest/"), "a:entry")
    summary = one(entry, "a:summary")
    assert summary.get("type") is None
    assert summary.text == "Cold air & dry skin cause shocks."


def test_entry_id_is_a_tag_uri_that_survives_a_new_slug(client, make_article):
    article = make_article()
    first = one(one(feed(client, "/feeds/latest/"), "a:entry"), "a:id").text
    assert first == f"tag:whatanswers.test,2026:answer/{article.pk}"
    article.slug = "a-brand-new-address"
    article.save()
    entry = one(feed(client, "/feeds/latest/"), "a:entry")
    assert one(entry, "a:id").text == first
    link = one(entry, "a:link[@rel='alternate']").get("href")
    assert link == f"{SITE}/q/a-brand-new-address/"


def test_updated_is_the_editorial_date(client, make_article):
    make_article(
        published_at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
        last_updated=date(2026, 4, 8),
    )
    entry = one(feed(client, "/feeds/latest/"), "a:entry")
    assert one(entry, "a:published").text == "2026-03-01T08:00:00+00:00"
    assert one(entry, "a:updated").text == "2026-04-08T00:00:00+00:00"
    root = feed(client, "/feeds/latest/")
    assert one(root, "a:updated").text == "2026-04-08T00:00:00+00:00"


def test_feed_addresses_come_from_site_url_not_the_host(client, make_article, settings):
    settings.ALLOWED_HOSTS = ["*"]
    make_article()
    response = client.get("/feeds/latest/", HTTP_HOST="evil.example")
    assert b"evil.example" not in response.content
    assert SITE.encode() in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/topics/",
        "/types/",
        "/trending/",
        "/search/?q=x",
        "/suggest/",
        "/topics/daily-life/",
        "/types/what-causes/",
    ],
)
def test_every_page_links_its_feeds(client, make_article, url):
    make_article()
    html = client.get(url).content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        f'title="WhatAnswers: latest answers" href="{SITE}/feeds/latest/">'
    ) in html


def test_topic_and_answer_pages_also_link_the_topic_feed(client, make_article):
    article = make_article()
    topic_feed = f'href="{SITE}/feeds/topics/daily-life/"'
    assert topic_feed in client.get("/topics/daily-life/").content.decode()
    assert topic_feed in client.get(article.get_absolute_url()).content.decode()
