"""Previews: staff see any unpublished answer as visitors will (issue 9, 1)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import preview, viewcounts
from articles.models import Article, ArticleView

pytestmark = pytest.mark.django_db


def preview_url(article):
    return f"/admin/articles/article/{article.pk}/preview/"


@pytest.fixture
def draft(make_article):
    make_article("What causes a neighbour?", ready=True)  # related and browse
    return make_article(
        "What causes a preview?",
        status=Article.Status.DRAFT,
        ready=True,
        summary="A summary to preview.",
        tags=["previewing"],
    )


def test_staff_see_the_whole_page_with_noindex_and_no_caching(editor_client, draft):
    response = editor_client.get(preview_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    for part in (
        "<h1>What causes a preview?</h1>",
        "Key Facts",
        "First fact.",
        "Sources",
        "Sentence 19 explains",
        "Browse by Topic",
        '<script type="application/ld+json">',
        '<meta name="robots" content="noindex, nofollow">',
        "Visitors cannot see this page",
    ):
        assert part in html, part
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    # Never cached: an edit shows at once.
    Article.objects.filter(pk=draft.pk).update(question="What causes an edit?")
    assert (
        "What causes an edit?" in editor_client.get(preview_url(draft)).content.decode()
    )


def test_a_preview_is_never_counted_as_a_view(editor_client, draft, make_article):
    live = make_article(ready=True)
    for _ in range(3):
        editor_client.get(preview_url(draft))
        editor_client.get(preview_url(live))
    viewcounts.flush()
    assert not ArticleView.objects.exists()


def test_the_preview_address_is_staff_only(client, draft, django_user_model):
    response = client.get(preview_url(draft))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    member = django_user_model.objects.create_user("member", password="x")
    client.force_login(member)  # an account, but not staff
    assert client.get(preview_url(draft)).status_code == 302
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_view_on_site_opens_the_preview_until_the_answer_is_live(
    editor_client, draft, make_article
):
    change = editor_client.get(f"/admin/articles/article/{draft.pk}/change/")
    assert f'href="{preview_url(draft)}"' in change.content.decode()
    scheduled = make_article(
        status=Article.Status.PUBLISHED,
        ready=True,
        published_at=timezone.now() + timedelta(days=1),
    )
    page = editor_client.get(f"/admin/articles/article/{scheduled.pk}/change/")
    assert (
        f'href="{preview_url(scheduled)}" class="viewsitelink"' in page.content.decode()
    )
    live = make_article(ready=True)
    page = editor_client.get(f"/admin/articles/article/{live.pk}/change/")
    assert (
        f'href="{live.get_absolute_url()}" class="viewsitelink"'
        in page.content.decode()
    )


def test_a_signed_link_works_without_an_account_for_seven_days(draft, time_machine):
    time_machine.move_to(timezone.now())
    url = preview.signed_url(draft)
    assert url.startswith("https://whatanswers.test/preview/")
    path = url.removeprefix("https://whatanswers.test")
    visitor = Client()
    response = visitor.get(path)
    assert response.status_code == 200
    assert "What causes a preview?" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    time_machine.shift(timedelta(days=6, hours=23))
    assert visitor.get(path).status_code == 200
    time_machine.shift(timedelta(hours=2))
    assert visitor.get(path).status_code == 404  # expired
    assert visitor.get(path[:-3] + "xyz/").status_code == 404  # forged


def test_the_editor_finds_the_signed_link_on_the_answer(editor_client, draft):
    html = editor_client.get(f"/admin/articles/article/{draft.pk}/change/").content
    assert "valid 7 days" in html.decode()
    assert 'value="https://whatanswers.test/preview/' in html.decode()


def test_an_answer_in_the_trash_has_no_preview(editor_client, draft):
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.TRASHED)
    assert editor_client.get(preview_url(draft)).status_code == 404
