"""The editorial dashboard on the admin's front page (issue 9, point 7)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from articles.editorial import publishing
from articles.models import Article, ArticleView, SearchRecord
from suggestions.models import Suggestion
from suggestions.tasks import count_similar
from whatanswers.dashboard import refresh_dashboard

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(make_article, make_type, topic, question_type, editor, writer_account):
    why = make_type("Why Do", prefix="why do", extra_prefixes="why does")
    now = timezone.now()
    fresh = make_article("What causes a fresh answer?", ready=True)
    make_article("What makes bread dough rise and smell?")
    Article.objects.filter(pk=fresh.pk).update(reviewed_at=now, reviewer_name="ed")
    old_read = make_article(
        "What causes an old favourite?", published_at=now - timedelta(days=800)
    )
    old_unread = make_article(
        "What causes an old quiet one?", published_at=now - timedelta(days=900)
    )
    ArticleView.objects.create(article=old_read, day=timezone.localdate(), count=40)
    review = make_article("What causes a review?", status="draft", ready=True)
    publishing.submit_for_review(review, writer_account)
    scheduled = make_article(
        "What causes a plan?", published_at=now + timedelta(days=2)
    )
    drafted_article = make_article("What causes a drafted one?", status="draft")
    suggestion, _ = Suggestion.objects.submit("What causes a drafted one?")
    Suggestion.objects.filter(pk=suggestion.pk).update(
        status="drafted", article=drafted_article
    )
    for _ in range(3):
        Suggestion.objects.submit("Why does bread rise so fast?")
    Suggestion.objects.submit("What causes fresh answers to age?")
    SearchRecord.objects.create(
        query="why does dough smell", day=timezone.localdate(), count=7, result_count=0
    )
    count_similar.call()
    refresh_dashboard.call()
    return {
        "why": why, "review": review, "scheduled": scheduled, "old_read": old_read,
        "old_unread": old_unread, "drafted": drafted_article, "fresh": fresh,
    }  # fmt: skip


@pytest.fixture
def writer_account(django_user_model):
    from tests.conftest import staff_member

    return staff_member(django_user_model, "writer", "Writers")


def links(html):
    return {unescape(href) for href in re.findall(r'href="([^"]+)"', html)}


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return {a.question for a in response.context["cl"].result_list}


def test_the_dashboard_shows_each_figure_with_its_list(editor_client, site):
    html = editor_client.get("/admin/").content.decode()
    assert "Editorial dashboard" in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "1 waiting for review" in text
    assert "1 scheduled" in text and "What causes a plan?" in text
    assert "1 drafts from suggestions, not yet published" in text
    found = links(html)
    assert listed(editor_client, "/admin/articles/article/?state=review") == {
        "What causes a review?"
    }
    assert listed(editor_client, "/admin/articles/article/?state=scheduled") == {
        "What causes a plan?"
    }
    assert listed(editor_client, "/admin/articles/article/?suggested=waiting") == {
        "What causes a drafted one?"
    }
    for url in (
        "/admin/articles/article/?state=review",
        "/admin/articles/article/?state=scheduled",
        "/admin/articles/article/?suggested=waiting",
        "/admin/articles/article/?review=due",
    ):
        assert url in found, url
    # Due for review: most read first, then the longest unreviewed.
    stale = html[html.index("Due for review") :]
    assert stale.index("old favourite") < stale.index("old quiet one")
    assert "fresh answer" not in stale
    assert listed(editor_client, "/admin/articles/article/?review=due") >= {
        "What causes an old favourite?",
        "What causes an old quiet one?",
    }
    # Editors do not see suggestions: no figures or links to them.
    assert "/admin/suggestions/" not in html


def test_the_grid_shows_published_answers_and_demand_per_cell(
    editor_client, moderator, site, topic, question_type
):
    moderator_client = Client()  # editor_client is the test's one client
    moderator_client.force_login(moderator)
    html = editor_client.get("/admin/").content.decode()
    grid = html[html.index('class="demand-grid"') :]
    cell = (
        f"/admin/articles/article/?state=published&amp;topic__id__exact={topic.pk}"
        f"&amp;question_type__id__exact={question_type.pk}"
    )
    assert cell in grid
    published = listed(editor_client, unescape(cell))
    assert "What causes a fresh answer?" in published
    # "Why does bread rise" was asked 3 times, "why does dough smell" searched
    # 7 times: both land in Daily Life × Why Do, which has no answer yet.
    why_cell = re.search(
        r'<td class="gap">\s*<a href="[^"]*question_type__id__exact='
        rf'{site["why"].pk}"[^>]*>0</a>\s*·\s*<span[^>]*>(\d+)</span> \+ '
        r"<span[^>]*>(\d+)</span>",
        grid,
    )
    assert why_cell and why_cell.groups() == ("3", "7")
    assert "Topic not known" not in grid  # every question here found its topic
    moderator_html = moderator_client.get("/admin/").content.decode()
    asked = (
        f"/admin/suggestions/suggestion/?topic_guess__id__exact={topic.pk}"
        f"&amp;type_guess__id__exact={site['why'].pk}"
    )
    assert asked in moderator_html
    response = moderator_client.get(unescape(asked))
    assert [s.question for s in response.context["cl"].result_list] == [
        "Why does bread rise so fast?"
    ]


def test_moderators_see_their_queue(moderator_client, site):
    html = moderator_client.get("/admin/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "1 drafted suggestions whose answer is not live" in text
    assert "/admin/suggestions/suggestion/?status__exact=drafted" in html
    assert "/admin/suggestions/suggestion/?status__exact=approved" in html


def test_the_months_are_a_setting(editor_client, site, settings):
    settings.REVIEW_STALE_MONTHS = 36
    refresh_dashboard.call()
    html = editor_client.get("/admin/").content.decode()
    assert "not reviewed for 36 months" in html
    assert "old favourite" not in html[html.index("Due for review") :]
