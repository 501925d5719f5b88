"""The admin's answer pages in a real browser (Debian's Chromium through
Playwright): no Content Security Policy violations, and a warning before
leaving a form with unsaved changes."""

import pytest

from articles.editorial import revisions
from tests.browser import needs_chromium

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the live server must see the rows
    needs_chromium,
]


@pytest.fixture
def staff_user(django_user_model):
    # A superuser, not the Editors group: a transactional test's flush takes
    # migrated rows such as groups with it.
    return django_user_model.objects.create_superuser("browser", password="x")


@pytest.fixture
def editor_page(page, live_server, staff_user, client, settings):
    settings.SESSION_COOKIE_SECURE = False
    client.force_login(staff_user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.csp_errors = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and page.csp_errors.append(message.text)
        ),
    )
    return page


def test_the_answer_admin_pages_break_no_csp_rule(
    editor_page, live_server, staff_user, make_article
):
    article = make_article("What causes thunder?", key_facts=["Air expands."])
    for summary in ("First.", "Second."):
        with revisions.recorded("Edit", user=staff_user):
            article.summary = summary
            article.save()
            revisions.include(article)
    newest, oldest = revisions.versions_of(article)
    base = f"{live_server.url}/admin/articles/article/{article.pk}"
    for path in (
        "/change/",
        "/history/",
        f"/history/compare/?from={oldest.pk}&to={newest.pk}",
        f"/history/{oldest.pk}/restore/",
        "/delete/",
    ):
        response = editor_page.goto(base + path)
        assert response.status == 200, path
        editor_page.wait_for_load_state("load")
    editor_page.goto(f"{live_server.url}/admin/articles/article/")
    assert editor_page.csp_errors == []


def test_leaving_a_changed_form_asks_first(editor_page, live_server, make_article):
    article = make_article()
    editor_page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    editor_page.wait_for_load_state("load")
    editor_page.click("#id_summary")
    editor_page.keyboard.type(" And more.")
    with editor_page.expect_event("dialog", timeout=5000) as asked:
        editor_page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()


def test_leaving_an_unchanged_form_does_not_ask(editor_page, live_server, make_article):
    article = make_article()
    editor_page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    editor_page.wait_for_load_state("load")
    editor_page.click("#id_summary")
    editor_page.close(run_before_unload=True)
    editor_page.wait_for_event("close", timeout=5000)


def test_the_markdown_preview_fits_a_phone(editor_page, live_server, make_article):
    article = make_article(body="## Heading\n\n" + "A long paragraph of words. " * 40)
    editor_page.set_viewport_size({"width": 375, "height": 800})
    editor_page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    editor_page.wait_for_load_state("load")
    preview = editor_page.locator(".markdownx-preview").first
    preview.get_by_text("A long paragraph").first.wait_for(timeout=5000)
    box = preview.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    editor_page.set_viewport_size({"width": 1280, "height": 900})
    assert preview.bounding_box()["width"] > 375  # not squeezed on a desktop
