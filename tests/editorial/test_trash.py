"""Deleting an answer moves it to a trash; editors restore it; only
superusers delete for good."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from articles.discovery import viewcounts
from articles.editorial.trash import move_to_trash
from articles.models import Article, ArticleView, SlugRedirect

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126 Safari/537"


@pytest.fixture
def answer(make_article):
    article = make_article(
        "What causes static shocks?",
        key_facts=["Charge builds up.", "Dry air insulates.", "Rubber soles help."],
        sources=[("Physics", "https://example.org/static")],
        tags=["electricity"],
        ready=True,
    )
    SlugRedirect.objects.create(article=article, old_slug="why-static-shocks")
    Client().get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    viewcounts.flush()
    return article


def public(url):
    return Client().get(url, HTTP_USER_AGENT=BROWSER)


def test_deleting_in_the_admin_moves_to_the_trash(editor_client, answer):
    delete = f"/admin/articles/article/{answer.pk}/delete/"
    page = editor_client.get(delete).content.decode()
    assert "Move “What causes static shocks?” to the trash?" in page
    for inner in ("index entr", "tagged item", "article view", "version"):
        assert inner not in page.lower()  # no internal model names
    response = editor_client.post(delete, {"post": "yes"})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.status == Article.Status.TRASHED
    assert public(answer.get_absolute_url()).status_code == 404
    assert public("/q/why-static-shocks/").status_code == 404
    assert "static shocks" not in public("/search/?q=static").content.decode()
    assert "static-shocks" not in public("/sitemaps/answers-1.xml").content.decode()
    assert "static shocks" not in public("/feeds/latest/").content.decode()
    assert "static shocks" not in public("/").content.decode()
    listing = editor_client.get("/admin/articles/article/")
    assert "is in the trash" in listing.content.decode()  # the message says so
    assert answer not in listing.context["cl"].result_list


def test_an_editor_restores_it_with_everything(editor_client, answer):
    move_to_trash(answer)
    trash = editor_client.get("/admin/articles/trashedarticle/").content.decode()
    assert "What causes static shocks?" in trash
    editor_client.post(
        "/admin/articles/trashedarticle/",
        {"action": "restore_selected", "_selected_action": [answer.pk]},
    )
    answer.refresh_from_db()
    assert answer.status == Article.Status.PUBLISHED
    assert [f.text for f in answer.key_facts.all()][0] == "Charge builds up."
    assert answer.sources.count() == 1
    assert list(answer.tags.names()) == ["electricity"]
    assert ArticleView.objects.get(article=answer).count == 1
    assert public(answer.get_absolute_url()).status_code == 200
    assert public("/q/why-static-shocks/").status_code == 301
    assert "static shocks" in public("/search/?q=static").content.decode()


def test_a_restore_puts_back_live_only_what_may_be_live(
    editor_client, answer, make_article
):
    thin = make_article("What causes a thin answer?")  # published before the checks
    for article in (answer, thin):
        move_to_trash(article)
    response = editor_client.post(
        "/admin/articles/trashedarticle/",
        {"action": "restore_selected", "_selected_action": [answer.pk, thin.pk]},
        follow=True,
    )
    said = [str(m) for m in response.context["messages"]]
    assert any(
        m.startswith("“What causes a thin answer?” came back as a draft") for m in said
    )
    answer.refresh_from_db(), thin.refresh_from_db()
    assert (answer.status, thin.status) == ("published", "draft")


def test_only_superusers_delete_for_good(editor_client, answer, django_user_model):
    move_to_trash(answer)
    purge = f"/admin/articles/trashedarticle/{answer.pk}/delete/"
    assert editor_client.post(purge, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=answer.pk).exists()
    boss = django_user_model.objects.create_superuser("boss", password="x")
    admin = Client()
    admin.force_login(boss)
    page = admin.get(purge).content.decode()
    assert "Delete “What causes static shocks?” for good?" in page
    assert "search index" not in page.lower()
    admin.post(purge, {"post": "yes"})
    assert not Article.objects.filter(pk=answer.pk).exists()


def test_the_bulk_action_trashes_and_the_change_form_cannot(
    editor_client, make_article
):
    one, two = make_article(), make_article()
    editor_client.post(
        "/admin/articles/article/",
        {"action": "trash_selected", "_selected_action": [one.pk, two.pk]},
    )
    assert set(
        Article.objects.filter(status=Article.Status.TRASHED).values_list(
            "pk", flat=True
        )
    ) == {one.pk, two.pk}
    page = editor_client.get("/admin/articles/article/add/").content.decode()
    assert 'value="trashed"' not in page


def test_the_trash_is_not_exported(tmp_path, answer, make_article):
    kept = make_article("What causes lightning?")
    move_to_trash(answer)
    call_command("export_articles", str(tmp_path), stdout=StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{kept.slug}.md"]
