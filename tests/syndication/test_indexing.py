"""Canonical links, paginated pages and meta descriptions: what search
engines read in the head of each page."""

import html as html_lib
import re

import pytest
from django.test import override_settings

from tests.browser import load_demo
from topics.models import QuestionType, Topic
from whatanswers.templatetags.site_tags import meta_description

pytestmark = pytest.mark.django_db

SITE = "https://whatanswers.test"


def head(html):
    return html.split("</head>")[0]


def canonical(html):
    found = re.findall(r'<link rel="canonical" href="([^"]*)">', html)
    return found[0] if len(found) == 1 else found


def description(html):
    found = re.search(r'<meta name="description" content="([^"]*)">', html)
    return html_lib.unescape(found.group(1))


def title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_canonical_follows_site_url_not_the_host(client, make_article, settings):
    settings.ALLOWED_HOSTS = ["*"]
    article = make_article()
    for url in ("/", article.get_absolute_url(), "/topics/daily-life/"):
        html = client.get(url, HTTP_HOST="evil.example").content.decode()
        assert canonical(html) == SITE + url
        assert "evil.example" not in head(html)


@override_settings(ARTICLES_PER_PAGE=2)
@pytest.mark.parametrize(
    "base",
    ["/topics/daily-life/", "/types/what-causes/", "/topics/daily-life/what-causes/"],
)
def test_paginated_pages_are_their_own_canonical_page(client, make_article, base):
    for _ in range(5):
        make_article()
    pages = [client.get(base + (f"?page={n}" if n > 1 else "")).content.decode()
             for n in (1, 2, 3)]  # fmt: skip
    assert [canonical(p) for p in pages] == [
        SITE + base,
        SITE + base + "?page=2",
        SITE + base + "?page=3",
    ]
    assert len({title(p) for p in pages}) == 3  # each page its own title
    assert "(page 2)" in title(pages[1])
    first, middle, last = (head(p) for p in pages)
    assert 'rel="prev"' not in first
    assert f'<link rel="next" href="{SITE}{base}?page=2">' in first
    assert f'<link rel="prev" href="{SITE}{base}">' in middle  # page 1 has no ?page
    assert f'<link rel="next" href="{SITE}{base}?page=3">' in middle
    assert f'<link rel="prev" href="{SITE}{base}?page=2">' in last
    assert 'rel="next"' not in last
    assert client.get(base + "?page=4").status_code == 404


def test_search_pages_keep_the_query_in_their_links(client, make_article, settings):
    for n in range(25):
        make_article(f"What causes rain number {n}?")
    second = client.get("/search/", {"q": "rain", "page": 2}).content.decode()
    assert canonical(second) == f"{SITE}/search/?q=rain&amp;page=2"
    assert f'<link rel="prev" href="{SITE}/search/?q=rain">' in head(second)
    for page in ("999", "0", "abc"):
        assert client.get("/search/", {"q": "rain", "page": page}).status_code == 404


def test_error_pages_have_no_canonical(client, db, settings):
    assert canonical(client.get("/q/nothing-here/").content.decode()) == []
    settings.DEBUG = False
    client.raise_request_exception = False
    from django.template.loader import render_to_string

    assert "canonical" not in render_to_string("500.html")
    assert "canonical" not in render_to_string("503.html")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Short and sweet.", "Short and sweet."),
        ("word " * 40, ("word " * 32).strip() + "…"),  # 159 + 1 characters
        ("Fish & chips " * 20, None),
    ],
)
def test_meta_description_is_cut_at_a_word(text, expected):
    result = html_lib.unescape(meta_description(text))
    assert len(result) <= 160
    if expected:
        assert result == expected
    assert not result.endswith(" …")
    if len(" ".join(text.split())) > 160:
        kept = result.removesuffix("…")
        assert " ".join(text.split()).startswith(kept)
        assert " ".join(text.split())[len(kept)] == " "  # cut before a space


def test_every_page_has_a_short_real_description(client, make_article, make_topic):
    long = "Static electricity builds up when two materials rub together. " * 6
    article = make_article(summary=long)
    topic = Topic.objects.get()
    topic.description = long
    topic.save()
    for url in (
        "/",
        article.get_absolute_url(),
        "/topics/",
        "/types/",
        "/topics/daily-life/",
        "/types/what-causes/",
        "/topics/daily-life/what-causes/",
        "/trending/",
        "/suggest/",
        "/search/?q=static",
    ):
        text = description(client.get(url).content.decode())
        assert 50 <= len(text) <= 160, (url, text)
    assert description(client.get("/topics/daily-life/").content.decode()).startswith(
        "Static electricity builds up"
    )


def test_topics_and_types_without_a_description_get_a_sentence(client, make_article):
    make_article()
    html = client.get("/types/what-causes/").content.decode()
    assert description(html) != "What Causes"
    assert "What Causes" in description(html) and len(description(html)) > 40


def test_demo_topics_and_types_all_have_descriptions(db, tmp_path):
    load_demo()
    assert not Topic.objects.filter(description="").exists()
    assert not QuestionType.objects.filter(
        published_count__gt=0, description=""
    ).exists()
    # An editor's own text is kept.
    topic = Topic.objects.first()
    topic.description = "Our own words."
    topic.save()
    load_demo()  # again: only empty descriptions are filled
    topic.refresh_from_db()
    assert topic.description == "Our own words."


@pytest.mark.parametrize(
    ("summary", "card"),
    [
        ("One sentence. Another one.", "One sentence."),
        ("Naps help, e.g. after lunch. Then more.", "Naps help, e.g. after lunch."),
        ("Why? Because 42 is the answer.", "Why?"),
        ("word " * 60, ("word " * 27).strip() + "…"),
    ],
)
def test_cards_show_the_summarys_first_sentence(summary, card):
    from articles.pages.cards import first_line

    assert first_line(summary) == card
    assert len(first_line(summary)) <= 140
