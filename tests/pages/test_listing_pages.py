import re

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone

from articles.discovery.trending import compute_scores, store_scores
from articles.models import Article, ArticleView

pytestmark = pytest.mark.django_db


def test_home_lists_latest_and_browse_sections(client, make_article):
    newest = make_article("What causes the newest thing?")
    make_article(status=Article.Status.DRAFT, question="What causes a secret?")
    html = client.get("/").content.decode()
    assert newest.question in html
    assert "What causes a secret?" not in html
    assert "Explore topics" in html and "Browse by Question Type" in html
    assert '<a href="/topics/daily-life/">Daily Life</a>' in html
    assert '<p class="meta">1 answer</p>' in html  # the topic card's count


def test_home_hides_trending_until_answers_are_read(client, make_article):
    """With no views, "Trending" would only repeat "Latest"."""
    read = make_article("What causes the most read thing?")
    make_article("What causes the newest thing?")
    assert 'id="trending"' not in client.get("/").content.decode()
    ArticleView.objects.create(article=read, day=timezone.localdate(), count=2)
    store_scores(compute_scores())  # what the refresh_trending task does
    html = client.get("/").content.decode()
    block = html.split('id="trending"')[1].split("</section>")[0]
    assert read.question in block and "newest thing" in block  # newest fill in


def test_home_without_answers_says_so(client, db):
    assert "No answers are published yet." in client.get("/").content.decode()


@override_settings(ARTICLES_PER_PAGE=3)
def test_topic_page_is_paginated_newest_first(client, make_article):
    articles = [make_article() for _ in range(5)]  # each older than the last
    first = client.get("/topics/daily-life/").content.decode()
    second = client.get("/topics/daily-life/?page=2").content.decode()
    assert [a.question in first for a in articles] == [True] * 3 + [False] * 2
    assert [a.question in second for a in articles] == [False] * 3 + [True] * 2
    here = "https://whatanswers.test/topics/daily-life/"
    assert "Page 1 of 2" in first
    assert f'<a rel="next" href="{here}?page=2">' in first
    assert client.get("/topics/daily-life/?page=9").status_code == 404


def test_topic_page_lists_its_question_types(client, make_article, make_type):
    how = make_type("How To", prefix="how to", slug="how-to")
    make_article()
    make_article(question="How to tie a knot?", question_type=how)
    html = client.get("/topics/daily-life/").content.decode()
    assert 'href="/topics/daily-life/how-to/">How To' in html
    assert 'href="/topics/daily-life/what-causes/">What Causes' in html


def test_type_and_topic_type_pages_filter_correctly(
    client, make_article, make_topic, make_type
):
    mine = make_article("What causes mine?")
    elsewhere = make_article("What causes elsewhere?", topic=make_topic())
    other_type = make_article("Other type?", question_type=make_type())
    by_type = client.get("/types/what-causes/").content.decode()
    assert mine.question in by_type and elsewhere.question in by_type
    assert other_type.question not in by_type
    both = client.get("/topics/daily-life/what-causes/").content.decode()
    assert mine.question in both
    assert elsewhere.question not in both and other_type.question not in both


def test_indexes_show_counts(client, make_article, make_topic):
    make_article()
    empty = make_topic("Empty Topic")
    html = client.get("/topics/").content.decode()
    card = '<a href="/topics/daily-life/">Daily Life</a></h2>'
    assert re.search(re.escape(card) + r'\s*<p class="meta">1 answer</p>', html)
    assert f"{empty.name}</a></h2>" in html and '<p class="meta">0 answers</p>' in html
    assert "What Causes</a>" in client.get("/types/").content.decode()


@pytest.mark.parametrize(
    "url", ["/topics/nope/", "/types/nope/", "/topics/daily-life/nope/", "/q/nope/"]
)
def test_unknown_addresses_get_the_custom_404(client, topic, question_type, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_500_template_renders_without_context():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html


def test_every_page_is_responsive_and_loads_the_stylesheet(client, make_article):
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    )
    assert "/static/css/site.css" in html


def test_favicon_ico_points_at_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
