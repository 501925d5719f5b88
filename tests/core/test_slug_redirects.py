import pytest

from articles.editorial import publishing
from articles.models import Article, SlugRedirect

pytestmark = pytest.mark.django_db


def rename(article, slug):
    article.slug = slug
    article.save()


def test_changing_a_published_slug_leaves_a_301(client, make_article):
    article = make_article(slug="old-address")
    rename(article, "new-address")
    response = client.get("/q/old-address/")
    assert response.status_code == 301
    assert response["Location"] == "/q/new-address/"
    assert client.get("/q/new-address/").status_code == 200


def test_chains_collapse_to_the_current_address(client, make_article):
    article = make_article(slug="a")
    rename(article, "b")
    rename(article, "c")
    for old in ("a", "b"):
        response = client.get(f"/q/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/q/c/")


def test_draft_edits_record_nothing_until_publish(client, make_article):
    draft = make_article(slug="first-idea", status=Article.Status.DRAFT, ready=True)
    rename(draft, "second-idea")
    rename(draft, "third-idea")
    assert not SlugRedirect.objects.exists()
    publishing.publish(draft)
    assert not SlugRedirect.objects.exists()  # never seen under another name

    publishing.unpublish(draft)
    rename(draft, "fourth-idea")  # edited while unpublished: nothing yet
    assert not SlugRedirect.objects.exists()
    publishing.publish(draft)  # the published address changes now
    response = client.get("/q/third-idea/")
    assert (response.status_code, response["Location"]) == (301, "/q/fourth-idea/")
    assert client.get("/q/first-idea/").status_code == 404


def test_a_redirect_to_an_unpublished_answer_is_a_404(client, make_article):
    article = make_article(slug="before")
    rename(article, "after")
    publishing.unpublish(article)
    assert client.get("/q/before/").status_code == 404


def test_a_live_answer_wins_over_an_old_redirect(client, make_article):
    first = make_article(slug="shared")
    rename(first, "first-moved")
    second = make_article("What causes the second?", slug="shared")
    assert client.get("/q/shared/").status_code == 200
    assert not SlugRedirect.objects.filter(old_slug="shared").exists()
    assert second.slug == "shared"


def test_a_partial_save_of_the_slug_keeps_links_alive(make_article, client):
    article = make_article(slug="admin-old")
    article.slug = "admin-new"
    article.save(update_fields=["slug"])
    assert client.get("/q/admin-old/")["Location"] == "/q/admin-new/"
