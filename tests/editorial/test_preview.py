"""Previews: staff see any unpublished answer as visitors will (issue 9, 1)."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from articles.discovery import viewcounts
from articles.editorial import preview, publishing
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
    expired = visitor.get(path)
    assert expired.status_code == 410
    assert "This preview link has expired" in expired.content.decode()
    assert visitor.get(path[:-3] + "xyz/").status_code == 404  # forged


def test_the_editor_finds_the_signed_link_on_the_answer(editor_client, draft):
    html = editor_client.get(f"/admin/articles/article/{draft.pk}/change/").content
    assert "valid 7 days" in html.decode()
    assert 'value="https://whatanswers.test/preview/' in html.decode()


def test_an_answer_in_the_trash_has_no_preview(editor_client, draft):
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.TRASHED)
    assert editor_client.get(preview_url(draft)).status_code == 404


def signed_path(article):
    article.refresh_from_db()
    return preview.signed_url(article).removeprefix("https://whatanswers.test")


def shown_link(html):
    """The preview link a page offers, as a path."""
    found = re.search(r'value="https://whatanswers\.test(/preview/[^"]+)"', html)
    assert found, "the page offers no preview link"
    return found[1]


def signed_version(path):
    """What a link signs. Two links to one version may still differ: the
    signature carries the second it was made in."""
    token = path.removeprefix("/preview/").removesuffix("/")
    return signing.loads(token, salt=preview.SALT)


def expired(path):
    response = Client().get(path)
    html = response.content.decode()
    return response.status_code == 410 and "This preview link has expired" in html


def test_a_signed_link_expires_with_the_version_it_showed(draft):
    """Issue 17, point 7: a link never shows a later edit."""
    path = signed_path(draft)
    assert Client().get(path).status_code == 200
    draft.question = "What causes a later edit?"
    draft.save()
    response = Client().get(path)
    assert expired(path)
    assert "later edit" not in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    fresh = signed_path(draft)  # what the Review panel offers now
    assert fresh != path
    assert "later edit" in Client().get(fresh).content.decode()


def test_unpublishing_or_trashing_expires_a_link(make_article, editor):
    from articles.editorial import trash

    live = make_article("What causes a live preview?", ready=True)
    path = signed_path(live)
    assert Client().get(path).status_code == 200
    publishing.unpublish(live, by=editor)
    assert expired(path)
    path = signed_path(live)
    assert Client().get(path).status_code == 200
    trash.move_to_trash(live, by=editor)
    assert expired(path)
    assert Client().get(signed_path(live)).status_code == 410  # no preview in trash


def test_the_review_panel_revokes_links_and_offers_a_new_one(editor_client, draft):
    path = signed_path(draft)
    change = f"/admin/articles/article/{draft.pk}/change/"
    revoke = f"/admin/articles/article/{draft.pk}/revoke-previews/"
    page = editor_client.get(change).content.decode()
    assert f'href="{revoke}"' in page
    assert signed_version(shown_link(page)) == signed_version(path)
    assert "Every preview link" in editor_client.get(revoke).content.decode()
    assert Client().get(path).status_code == 200  # a GET revokes nothing
    response = editor_client.post(revoke, follow=True)
    assert "are revoked" in response.content.decode()
    assert expired(path)
    new = shown_link(response.content.decode())
    assert signed_version(new) == signed_version(signed_path(draft))
    assert signed_version(new) != signed_version(path)
    assert Client().get(new).status_code == 200
    updated_at = draft.updated_at
    draft.refresh_from_db()
    assert draft.updated_at == updated_at  # revoking is no edit


def test_revoking_needs_staff_and_csrf(client, draft, django_user_model):
    revoke = f"/admin/articles/article/{draft.pk}/revoke-previews/"
    path = signed_path(draft)
    assert client.post(revoke).status_code == 302  # to the login page
    strict = Client(enforce_csrf_checks=True)
    staff = django_user_model.objects.create_user(
        "staff-only", password="x", is_staff=True
    )
    strict.force_login(staff)
    assert strict.post(revoke).status_code == 403
    assert Client().get(path).status_code == 200


def test_a_link_of_the_old_format_or_forged_is_not_a_page(draft):
    old = signing.dumps(draft.pk, salt=preview.SALT, compress=True)
    assert Client().get(f"/preview/{old}/").status_code == 404
    assert Client().get("/preview/not-a-token/").status_code == 404
