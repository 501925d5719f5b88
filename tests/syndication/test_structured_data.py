"""Structured data and share cards, checked against the properties Google
documents for each type (the lists below), on every page that carries them."""

import json
import re
from datetime import UTC, date, datetime
from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db

SITE = "https://whatanswers.test"

# developers.google.com/search/docs/appearance/structured-data/article:
# Article has no required property; these are all the recommended ones.
ARTICLE_RECOMMENDED = ["author", "dateModified", "datePublished", "headline", "image"]
AUTHOR_RECOMMENDED = ["name", "url"]
# .../structured-data/breadcrumb: required on the list and on each item
# ("item" may be left off the last one only; we give it everywhere).
BREADCRUMB_REQUIRED = ["itemListElement"]
LIST_ITEM_REQUIRED = ["item", "name", "position"]
# .../structured-data/logo: Organization needs both.
ORGANIZATION_REQUIRED = ["logo", "url"]


def json_ld(html):
    nodes = []
    for block in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html
    ):
        data = json.loads(block)
        nodes.extend(data if isinstance(data, list) else [data])
    return {node["@type"]: node for node in nodes}


def meta(html, key):
    found = re.search(
        rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html
    )
    return found and found.group(1)


def is_iso_with_zone(value):
    return datetime.fromisoformat(value).tzinfo is not None


def check_breadcrumbs(node, names):
    for key in BREADCRUMB_REQUIRED:
        assert node[key]
    items = node["itemListElement"]
    for n, item in enumerate(items, 1):
        assert all(item.get(key) for key in LIST_ITEM_REQUIRED), item
        assert item["position"] == n
        assert item["item"].startswith(SITE + "/")
    assert [item["name"] for item in items] == names


def test_article_has_every_google_property(client, make_article):
    article = make_article(
        "What causes tides?",
        published_at=datetime(2026, 4, 1, 9, 30, tzinfo=UTC),
        last_updated=date(2026, 4, 8),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    data = json_ld(html)
    node = data["Article"]
    for key in ARTICLE_RECOMMENDED:
        assert node.get(key), key
    for key in AUTHOR_RECOMMENDED:
        assert node["author"].get(key), key
    assert is_iso_with_zone(node["datePublished"])
    assert is_iso_with_zone(node["dateModified"])
    assert node["dateModified"] >= node["datePublished"]
    image = node["image"][0]
    assert image["url"].startswith(f"{SITE}/share/{article.pk}/")
    assert (image["width"], image["height"]) == (1200, 630)
    for key in ORGANIZATION_REQUIRED:
        assert node["publisher"][key]
    assert node["publisher"]["logo"]["url"] == f"{SITE}/static/img/logo-512.png"
    check_breadcrumbs(
        data["BreadcrumbList"], ["Home", "Daily Life", "What causes tides?"]
    )


def test_share_card_in_open_graph_and_twitter(client, make_article):
    article = make_article("What causes tides?")
    html = client.get(article.get_absolute_url()).content.decode()
    image = json_ld(html)["Article"]["image"][0]["url"]
    assert meta(html, "og:image") == image
    assert meta(html, "og:image:width") == "1200"
    assert meta(html, "og:image:height") == "630"
    assert (
        meta(html, "og:image:alt") == "What causes tides?: Daily Life, on WhatAnswers"
    )
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == image
    assert meta(html, "twitter:image:alt")
    assert is_iso_with_zone(meta(html, "article:modified_time"))
    assert is_iso_with_zone(meta(html, "article:published_time"))


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("/topics/daily-life/", ["Home", "Topics", "Daily Life"]),
        ("/types/what-causes/", ["Home", "Question types", "What Causes"]),
        ("/topics/daily-life/what-causes/", ["Home", "Daily Life", "What Causes"]),
    ],
)
def test_topic_and_type_pages_carry_breadcrumbs(client, make_article, url, names):
    make_article()
    data = json_ld(client.get(url).content.decode())
    check_breadcrumbs(data["BreadcrumbList"], names)
    assert data["BreadcrumbList"]["itemListElement"][-1]["item"] == SITE + url


def test_home_describes_the_site_its_search_and_publisher(client, db):
    html = client.get("/").content.decode()
    data = json_ld(html)
    site = data["WebSite"]
    assert site["url"] == SITE + "/" and site["name"] == "WhatAnswers"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    template = action["target"]["urlTemplate"]
    assert template == f"{SITE}/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"
    organization = data["Organization"]
    for key in ORGANIZATION_REQUIRED:
        assert organization[key]
    logo = organization["logo"]["url"].removeprefix(f"{SITE}/static/")
    with Image.open(finders.find(logo)) as image:  # Google: at least 112 px
        assert image.size == (512, 512)
    assert meta(html, "og:type") == "website"
    assert meta(html, "og:url") == SITE + "/"
    assert meta(html, "og:image") == f"{SITE}/static/img/share-card.png"
    assert meta(html, "og:title") and meta(html, "og:image:alt")


def test_opensearch_description_is_linked_and_valid(client, db):
    html = client.get("/").content.decode()
    assert (
        '<link rel="search" type="application/opensearchdescription+xml" '
        f'title="WhatAnswers" href="{SITE}/opensearch.xml">'
    ) in html
    response = client.get("/opensearch.xml")
    assert response["Content-Type"] == "application/opensearchdescription+xml"
    root = ElementTree.fromstring(response.content)
    ns = {"o": "http://a9.com/-/spec/opensearch/1.1/"}
    assert root.find("o:ShortName", ns).text == "WhatAnswers"
    url = root.find("o:Url[@type='text/html']", ns)
    assert url.get("template") == f"{SITE}/search/?q={{searchTerms}}"
