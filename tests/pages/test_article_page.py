import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from articles.discovery import rankings
from articles.models import Article, ArticleView

pytestmark = pytest.mark.django_db


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def section_links(html, heading):
    """The answer links listed under the related section called `heading`."""
    match = re.search(
        rf"<h2[^>]*>{re.escape(heading)}</h2>.*?"
        r'<ul class="cards[^"]*">(.*?)</ul>',
        html,
        re.S,
    )
    if match is None:
        return None
    return re.findall(r'<a href="/q/([^/]+)/">', match.group(1))


def test_sections_appear_in_the_designed_order(
    client, make_article, make_topic, make_type
):
    other_topic, other_type = make_topic(), make_type()
    article = make_article(
        key_facts=["First fact", "Second fact"],
        sources=[("A source", "https://example.org/a")],
        body="## Causes\n\n1. One\n2. Two",
        last_updated=date(2026, 4, 4),
    )
    make_article()
    make_article(question_type=other_type)
    make_article(topic=other_topic)
    read = make_article(topic=other_topic, question_type=other_type)
    # Trending shows once answers have views (hidden on a site with none).
    ArticleView.objects.create(article=read, day=timezone.localdate(), count=3)
    rankings.rank_all()  # the schedule has ranked the first one again since
    html = page(client, article)
    markers = [
        'aria-label="Breadcrumbs"',
        f"<h1>{article.question}</h1>",
        "provided “as is”",
        'Last updated: <time datetime="2026-04-04">April 4, 2026</time>',
        "Key Facts",
        "<h2>Causes</h2>",
        ">Sources<",
        "More What Causes in Daily Life",
        "Also in Daily Life",
        "More “What Causes” Questions",
        "Trending on WhatAnswers",
        "Browse by Topic",
        "Browse by Question Type",
        "Missing an answer?",
    ]
    positions = [html.find(marker) for marker in markers]
    assert -1 not in positions, [
        m for m, p in zip(markers, positions, strict=True) if p == -1
    ]
    assert positions == sorted(positions)
    assert html.count("<h1") == 1


def test_key_facts_and_sources_keep_their_order(client, make_article):
    article = make_article(
        key_facts=["Alpha", "Beta", "Gamma"],
        sources=[("One", "https://example.org/1"), ("Two", "https://example.org/2")],
    )
    html = page(client, article)
    assert html.index("Alpha") < html.index("Beta") < html.index("Gamma")
    assert '<a href="https://example.org/1" rel="nofollow noopener">One</a>' in html
    assert html.index(">One<") < html.index(">Two<")


def test_ai_assisted_line_only_when_flagged(client, make_article):
    line = "AI-assisted and reviewed by an editor"
    assert line not in page(client, make_article())
    assert line in page(client, make_article(ai_assisted=True))


def test_breadcrumbs_link_home_and_topic(client, make_article):
    html = page(client, make_article())
    crumbs = re.search(r'aria-label="Breadcrumbs">(.*?)</nav>', html, re.S).group(1)
    assert 'href="/"' in crumbs
    assert 'href="/topics/daily-life/"' in crumbs


def test_meta_description_and_canonical(client, make_article):
    article = make_article(summary='Static builds up & "jumps".')
    html = page(client, article)
    assert (
        '<meta name="description" content="Static builds up &amp; &quot;jumps&quot;.">'
        in html
    )
    canonical = f"https://whatanswers.test/q/{article.slug}/"
    assert f'<link rel="canonical" href="{canonical}">' in html


def test_draft_is_not_visible_to_visitors(visitor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    assert visitor.get(draft.get_absolute_url()).status_code == 404


def test_scheduled_article_is_not_visible_until_its_time(client, make_article):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    response = client.get(scheduled.get_absolute_url())
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_related_sections_hold_at_most_five_and_never_repeat(client, make_article):
    article = make_article()
    for _ in range(12):
        make_article()
    html = page(client, article)
    first = section_links(html, "More What Causes in Daily Life")
    assert len(first) == 5
    assert article.slug not in first
    # Every other article shares topic and type, so only the first section
    # and the following ones that still have unseen articles appear.
    second = section_links(html, "Also in Daily Life")
    third = section_links(html, "More “What Causes” Questions")
    trending = section_links(html, "Trending on WhatAnswers")
    assert len(second) == 5 and len(third) == 2
    assert trending is None
    listed = first + second + third
    assert len(listed) == len(set(listed)) == 12


def test_empty_related_sections_are_hidden(client, make_article):
    html = page(client, make_article())
    assert "More What Causes in" not in html
    assert "Also in Daily Life" not in html
    assert "Trending on" not in html


def test_related_sections_only_list_published_articles(client, make_article):
    article = make_article()
    make_article(question="What causes a draft?", status=Article.Status.DRAFT)
    make_article(
        question="What causes a future?",
        published_at=timezone.now() + timedelta(days=1),
    )
    html = page(client, article)
    assert "What causes a draft?" not in html
    assert "What causes a future?" not in html


def test_section_headings_link_to_full_listings(
    client, make_article, make_topic, make_type
):
    article = make_article()
    make_article()
    make_article(question_type=make_type())
    make_article(topic=make_topic())
    rankings.rank_all()  # the schedule has ranked the first one again since
    html = page(client, article)
    # Each heading is followed by a link that says where it leads.
    for url, heading in (
        ("/topics/daily-life/what-causes/", "More What Causes in Daily Life"),
        ("/topics/daily-life/", "Also in Daily Life"),
        ("/types/what-causes/", "More “What Causes” Questions"),
    ):
        assert (
            f'{heading}</h2>\n  <a class="see-all" href="{url}">See all'
            f'<span class="visually-hidden"> {heading}</span>'
        ) in html


def test_browse_sections_show_counts_of_published_answers(client, make_article):
    article = make_article()
    make_article()
    make_article(status=Article.Status.DRAFT)
    html = page(client, article)
    assert 'Daily Life <span class="count">2</span>' in html
    assert 'What Causes <span class="count">2</span>' in html


def test_suggest_box_is_a_get_form_without_csrf(client, make_article):
    html = page(client, make_article())
    assert '<form method="get" action="/suggest/"' in html
    assert '<label for="suggest-q">' in html
    assert "csrfmiddlewaretoken" not in html


def test_page_has_landmarks_and_no_inline_script_or_style(client, make_article):
    response = client.get(make_article().get_absolute_url())
    html = response.content.decode()
    for landmark in ("<header", "<main", "<footer", "<nav"):
        assert landmark in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script type="application/ld+json">']  # data, not code
    assert "style=" not in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "\tjavascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
    ],
)
def test_a_source_address_that_is_not_the_web_is_never_a_link(
    client, make_article, url
):
    """Every way in validates the scheme; the page filters it anyway, should
    a row ever hold one (issue 17, point 8)."""
    from articles.models import Source

    article = make_article("What causes a bad link?", ready=True)
    Source.objects.filter(article=article).update(url=url, title="Odd source")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Odd source" in html
    assert "<li>Odd source</li>" in html  # named, not linked
    assert "alert" not in html and "evil.example" not in html
