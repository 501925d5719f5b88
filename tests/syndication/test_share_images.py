"""Share cards: drawn off the request path, stored, drawn again when what
they show changes, and served so that browsers and caches keep them."""

import io

import pytest
from django.core.files.storage import default_storage
from django_tasks_db.models import DBTaskResult
from PIL import Image

from articles.syndication import share_images
from articles.syndication.tasks import make_share_image, make_topic_share_images

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def queued(task):
    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY")


def test_card_is_a_1200_by_630_png_of_the_question(make_article):
    article = make_article("What causes the tides to rise twice a day?")
    assert share_images.make(article) == "made"
    name = share_images.image_name(article.pk, share_images.image_key(article))
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert image.format == "PNG" and image.size == (1200, 630)
    assert share_images.make(article) == "current"  # not drawn twice


def test_a_very_long_question_still_fits(make_article):
    png = share_images.draw_card("Why " + "very " * 80 + "long?", "Topic", "Site")
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1200, 630)


def test_saving_queues_a_card_only_when_what_it_shows_changes(
    make_article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article("What causes fog?")
    assert queued(make_share_image).count() == 1
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        article.summary = "Only the summary changed."
        article.save()
    assert not queued(make_share_image).exists()
    with django_capture_on_commit_callbacks(execute=True):
        article.question = "What causes morning fog?"
        article.save()
    assert queued(make_share_image).count() == 1


def test_renaming_a_topic_draws_its_cards_again(
    make_article, django_capture_on_commit_callbacks
):
    article = make_article()
    share_images.make(article)
    old_url = share_images.image_url(article)
    topic = article.topic
    with django_capture_on_commit_callbacks(execute=True):
        topic.name = "Everyday Life"
        topic.save()
    assert queued(make_topic_share_images).count() == 1
    assert make_topic_share_images.call(topic.pk) == 1
    article.refresh_from_db()
    new_url = share_images.image_url(article)
    assert new_url != old_url
    # The old card is gone; only the current one is kept.
    _, files = default_storage.listdir(f"share/{article.pk}")
    assert files == [new_url.rsplit("/", 1)[1]]


def test_site_name_is_part_of_the_card(make_article, settings):
    article = make_article()
    before = share_images.image_url(article)
    settings.SITE_NAME = "AnswersNow"
    assert share_images.image_url(article) != before


def test_card_is_served_with_long_cache_headers(client, make_article):
    article = make_article()
    share_images.make(article)
    response = client.get(share_images.image_url(article))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.size == (1200, 630)


@pytest.mark.parametrize("key", ["0123456789abcdef", "not-a-key", "..", "%00"])
def test_a_card_not_drawn_yet_leads_to_the_site_card(client, make_article, key):
    article = make_article()
    response = client.get(f"/share/{article.pk}/{key}.png")
    assert response.status_code == 302
    assert response["Location"].endswith("/static/img/share-card.png")
    assert response["Cache-Control"] == "public, max-age=300"


def test_no_path_leads_out_of_the_cards_folder(client, make_article):
    article = make_article()
    response = client.get(f"/share/{article.pk}/..%2F..%2Fsettings.png")
    assert response.status_code == 404


def test_the_command_draws_what_is_missing(make_article):
    from io import StringIO

    from django.core.management import call_command

    for _ in range(3):
        make_article()
    out = StringIO()
    call_command("make_share_images", stdout=out)
    assert "3 drawn, 0 already current" in out.getvalue()
    out = StringIO()
    call_command("make_share_images", stdout=out)
    assert "0 drawn, 3 already current" in out.getvalue()


def test_serving_a_card_reads_no_database(
    client, make_article, django_assert_num_queries
):
    article = make_article()
    share_images.make(article)
    url = share_images.image_url(article)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
        assert client.get("/opensearch.xml").status_code == 200
