import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.core.signals import article_published
from articles.models import Article
from tests.conftest import READY_BODY

pytestmark = pytest.mark.django_db


def inline_management(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_form(topic, qtype, **overrides):
    data = {
        "question": "What causes thunder?",
        "slug": "",
        "topic": topic.pk,
        "question_type": qtype.pk,
        "summary": "Lightning heats air so fast that it expands with a bang.",
        "body": READY_BODY,
        "tags": "weather, sound",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "unpublish_at_0": "",
        "unpublish_at_1": "",
        "last_updated": "2026-04-04",
        **inline_management("key_facts", 3),
        "key_facts-0-position": "1",
        "key_facts-0-text": "Thunder is the sound of lightning.",
        "key_facts-1-position": "2",
        "key_facts-1-text": "Light travels faster than sound.",
        "key_facts-2-position": "3",
        "key_facts-2-text": "Thunder is rarely heard beyond 15 km.",
        **inline_management("sources", 1),
        "sources-0-position": "1",
        "sources-0-title": "Thunder",
        "sources-0-url": "https://en.wikipedia.org/wiki/Thunder",
        "sources-0-publisher": "Wikipedia",
    }
    data.update(overrides)
    return data


def test_editors_group_holds_exactly_the_content_permissions():
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    models = {
        "articles": ["article", "keyfact", "source"],
        "topics": ["topic", "questiontype"],
        "taggit": ["tag", "taggeditem"],
    }
    expected = {
        (app, f"{action}_{model}")
        for app, names in models.items()
        for model in names
        for action in ("add", "change", "delete", "view")
    }
    expected.add(("articles", "view_unansweredsearch"))
    expected.add(("articles", "publish_answer"))  # editors review and publish
    assert codenames == expected


def test_editor_writes_an_answer_with_inlines(editor_client, topic, question_type):
    response = editor_client.post(
        "/admin/articles/article/add/", article_form(topic, question_type)
    )
    assert response.status_code == 302, response.context["adminform"].errors
    article = Article.objects.get()
    assert article.slug == "what-causes-thunder"
    assert article.status == Article.Status.DRAFT
    assert [f.text for f in article.key_facts.all()] == [
        "Thunder is the sound of lightning.",
        "Light travels faster than sound.",
        "Thunder is rarely heard beyond 15 km.",
    ]
    assert article.sources.get().url == "https://en.wikipedia.org/wiki/Thunder"
    assert sorted(article.tags.names()) == ["sound", "weather"]
    assert article.created_by.username == "editor"


def test_publishing_from_the_form_goes_through_publish(
    editor_client, topic, question_type, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, article, **kwargs):
        received.append(article.pk)

    article_published.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(
                "/admin/articles/article/add/",
                article_form(topic, question_type, status="published"),
            )
    finally:
        article_published.disconnect(listener)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    assert received == [article.pk]
    assert editor_client.get(article.get_absolute_url()).status_code == 200


def test_bad_source_url_is_reported_and_nothing_saved(
    editor_client, topic, question_type
):
    response = editor_client.post(
        "/admin/articles/article/add/",
        article_form(topic, question_type, **{"sources-0-url": "ftp://x.example"}),
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Article.objects.exists()


def test_missing_type_is_detected_from_the_question(
    editor_client, topic, question_type
):
    response = editor_client.post(
        "/admin/articles/article/add/",
        article_form(topic, question_type, question_type=""),
    )
    assert response.status_code == 302
    assert Article.objects.get().question_type == question_type


def test_changelist_search_filter_and_actions(editor_client, make_article):
    draft = make_article("What causes drafts?", status=Article.Status.DRAFT, ready=True)
    live = make_article("What causes live ones?")
    response = editor_client.get("/admin/articles/article/?state=draft")
    html = response.content.decode()
    assert draft.question in html and live.question not in html
    response = editor_client.get("/admin/articles/article/?q=live")
    assert live.question in response.content.decode()

    response = editor_client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [draft.pk, live.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Published: “What causes drafts?”." in html
    assert "“What causes live ones?” is already published." in html
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED

    editor_client.post(
        "/admin/articles/article/",
        {"action": "unpublish_selected", "_selected_action": [live.pk]},
    )
    live.refresh_from_db()
    assert live.status == Article.Status.DRAFT


def test_change_page_has_editor_preview_and_view_on_site(editor_client, make_article):
    article = make_article()
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content
    html = html.decode()
    assert 'class="markdownx"' in html
    assert 'data-markdownx-urls-path="/markdownx/markdownify/"' in html
    assert "View on site" in html
    assert 'id="id_slug"' in html


def test_changelist_query_budget(
    editor_client, make_article, django_assert_max_num_queries
):
    for _ in range(30):
        make_article()
    with django_assert_max_num_queries(12):
        editor_client.get("/admin/articles/article/")


class TestMarkdownxEndpoints:
    def test_preview_uses_the_sanitising_renderer(self, editor_client):
        response = editor_client.post(
            "/markdownx/markdownify/",
            {"content": "## Hi\n\n<script>alert(1)</script>[x](javascript:y)"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h2>Hi</h2>" in html
        assert "<script" not in html and "javascript:" not in html

    def test_preview_without_content_is_a_400(self, editor_client):
        assert editor_client.post("/markdownx/markdownify/", {}).status_code == 400

    @pytest.mark.parametrize("url", ["/markdownx/markdownify/", "/markdownx/upload/"])
    def test_anonymous_visitors_are_sent_to_login(self, client, url):
        response = client.post(url, {"content": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")

    @pytest.mark.parametrize("url", ["/markdownx/markdownify/", "/markdownx/upload/"])
    def test_users_who_may_not_change_answers_are_refused(
        self, client, django_user_model, moderator, url
    ):
        client.force_login(django_user_model.objects.create_user("reader"))
        assert client.post(url, {"content": "x"}).status_code == 403
        client.force_login(moderator)  # staff, but not an author of answers
        assert client.post(url, {"content": "x"}).status_code == 403


def image_bytes(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, name, content, content_type):
    return client.post(
        "/markdownx/upload/",
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"),
     ("WEBP", "image/webp")],
)  # fmt: skip
def test_staff_can_upload_raster_images(editor_client, media, fmt, content_type):
    response = upload(editor_client, f"a.{fmt.lower()}", image_bytes(fmt), content_type)
    assert response.status_code == 200, response.content
    assert response.json()["image_code"].startswith("![](")
    assert any(media.rglob("*.*"))


def test_svg_is_refused(editor_client, media):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload(editor_client, "a.svg", svg, "image/svg+xml")
    assert response.status_code == 400
    assert not any(media.rglob("*.*"))


def test_a_disguised_file_is_refused(editor_client, media):
    fake = b"<html><script>alert(1)</script></html>"
    response = upload(editor_client, "a.png", fake, "image/png")
    assert response.status_code == 400
    assert "not a readable image" in response.content.decode()


def test_svg_declared_as_png_is_refused(editor_client, media):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    assert upload(editor_client, "a.png", svg, "image/png").status_code == 400


def test_images_over_five_megabytes_are_refused(editor_client, media):
    big = image_bytes("PNG") + b"\0" * (5 * 1024 * 1024)
    response = upload(editor_client, "big.png", big, "image/png")
    assert response.status_code == 400
    assert not any(media.rglob("*.*"))


def test_a_plain_form_post_of_a_bad_file_is_a_400_with_the_reason(editor_client, media):
    response = editor_client.post(
        "/markdownx/upload/",
        {
            "image": SimpleUploadedFile(
                "a.png", b"not an image", content_type="image/png"
            )
        },
    )
    assert response.status_code == 400
    assert "not a readable image" in response.content.decode()
    response = editor_client.post("/markdownx/upload/", {})
    assert response.status_code == 400


def test_an_upload_is_re_encoded_without_metadata_under_a_random_name(
    editor_client, media
):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Person, 12 Home Street")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG", pnginfo=info)
    response = upload(editor_client, "holiday.png", buffer.getvalue(), "image/png")
    url = response.json()["image_code"][4:-1]
    assert url.startswith("/media/uploads/") and url.endswith(".png")
    assert "holiday" not in url
    stored = next(media.rglob("*.png"))
    assert len(stored.stem) == 32  # a uuid4 hex
    with Image.open(stored) as image:
        assert "Author" not in image.info
    served = editor_client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_a_polyglot_named_html_can_never_be_served_as_html(
    editor_client, media, client
):
    # A real GIF whose bytes also hold a script, named as a web page.
    buffer = io.BytesIO()
    Image.new("P", (4, 4)).save(
        buffer, "GIF", comment=b"<script>alert(document.domain)</script>"
    )
    polyglot = (
        buffer.getvalue() + b"<html><script>alert(document.domain)</script></html>"
    )
    response = upload(editor_client, "page.html", polyglot, "image/gif")
    assert response.status_code == 200, response.content
    url = response.json()["image_code"][4:-1]
    assert url.endswith(".png")  # stored as what Pillow wrote
    stored = next(media.rglob("*.*"))
    assert b"<script" not in stored.read_bytes()
    served = client.get(url)  # anyone may see an image
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    (media / "uploads" / "evil.html").write_bytes(polyglot)
    assert client.get("/media/uploads/evil.html").status_code == 404
    assert client.get("/media/uploads/../../etc/passwd.png").status_code == 404
