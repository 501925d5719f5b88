"""The admin's own URLs answer bad ids and the trash without a 500, and the
trash is closed to history restores (issue 17, points 5 and 6)."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import given

from articles.editorial import revisions
from articles.editorial.trash import move_to_trash
from articles.models import Article
from tests.pages.test_fuzzing import ANY_TEXT, FUZZ

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "0x1", "1.5", "-1", "%00", "99999999999999999999999", "1%2F2"]
# Every address the answers admin adds to Django's own, and the history page
# it replaces; {id} is the answer, {v} a revision.
CUSTOM = [
    "/admin/articles/article/{id}/preview/",
    "/admin/articles/article/{id}/revoke-previews/",
    "/admin/articles/article/{id}/history/",
    "/admin/articles/article/{id}/history/compare/?from={v}&to={v}",
    "/admin/articles/article/{id}/history/{v}/restore/",
    "/admin/suggestions/suggestion/{id}/duplicate/",
]


@pytest.fixture
def superuser_client(django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="x")
    client = Client(raise_request_exception=False)
    client.force_login(boss)
    return client


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_bad_id_in_an_admin_address_is_a_404(superuser_client, bad):
    for pattern in CUSTOM:
        path = pattern.format(id=bad, v=bad)
        response = superuser_client.get(path)
        assert response.status_code in (302, 400, 404), (path, response.status_code)


def test_the_superuser_purges_a_selection_from_the_trash(
    superuser_client, make_article
):
    one, two, kept = make_article(), make_article(), make_article()
    move_to_trash(one)
    move_to_trash(two)
    data = {"action": "delete_selected", "_selected_action": [one.pk, two.pk]}
    confirm = superuser_client.post("/admin/articles/trashedarticle/", data)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert f'value="{one.pk}"' in page and f'value="{two.pk}"' in page
    done = superuser_client.post(
        "/admin/articles/trashedarticle/", {**data, "post": "yes"}
    )
    assert done.status_code == 302
    assert list(Article.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_trashed_answers_history_is_read_only(editor_client, editor, make_article):
    article = make_article("What causes a trashed history?", ready=True)
    with revisions.recorded("First", user=editor):
        revisions.include(article)
    article.summary = "A second summary."
    with revisions.recorded("Second", user=editor):
        article.save()
        revisions.include(article)
    move_to_trash(article, by=editor)
    newest, *_rest, oldest = revisions.versions_of(article)
    base = f"/admin/articles/article/{article.pk}/history/"
    history = editor_client.get(base).content.decode()
    assert "restore it from the trash first" in history
    assert "/restore/" not in history  # no restore links
    compare = editor_client.get(f"{base}compare/?from={oldest.pk}&to={newest.pk}")
    assert compare.status_code == 200
    restore = f"{base}{oldest.pk}/restore/"
    for response in (
        editor_client.get(restore, follow=True),
        editor_client.post(restore, follow=True),
    ):
        assert "restore it from the trash first" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.TRASHED
    assert article.summary == "A second summary."


@FUZZ
@given(object_id=ANY_TEXT, version=ANY_TEXT)
def test_any_id_in_a_custom_admin_address_gets_an_answer_not_an_error(
    superuser_client, object_id, version
):
    """Staff can reach these addresses; whatever they type, never a 500."""
    for pattern in CUSTOM:
        path = pattern.format(id=quote(object_id, safe=""), v=quote(version, safe=""))
        for response in (superuser_client.get(path), superuser_client.post(path)):
            assert response.status_code < 500, path
