"""Writers submit, editors review and publish; only ready answers go live.

Issue 9, points 2 (ready before live) and 3 (review with a named reviewer).
"""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from articles.editorial import publishing
from articles.models import Article
from tests.conftest import staff_member
from tests.editorial.test_revisions import change_url, post_change_form, save_in_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(django_user_model):
    return staff_member(django_user_model, "writer", "Writers")


@pytest.fixture
def writer_client(writer):
    client = Client()
    client.force_login(writer)
    return client


@pytest.fixture
def second_editor(django_user_model):
    user = staff_member(django_user_model, "grace", "Editors")
    user.first_name, user.last_name = "Grace", "Hopper"
    user.save()
    return user


def action(client, name, *articles, follow=True):
    return client.post(
        "/admin/articles/article/",
        {"action": name, "_selected_action": [a.pk for a in articles]},
        follow=follow,
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# Ready before live ----------------------------------------------------------


def test_the_change_form_names_every_problem_and_publishes_nothing(
    editor_client, make_article
):
    article = make_article(
        status=Article.Status.DRAFT,
        summary="",
        body="## Overview\n\n<!-- Editor: write it -->\n\n## Details\n\nShort.",
        key_facts=["Only one."],
    )
    response = post_change_form(editor_client, article, status="published")
    assert response.status_code == 200
    html = response.content.decode()
    assert "To publish, write a summary." in html
    assert "The body has 3 words; it needs at least 150." in html
    assert "editor note or a placeholder" in html
    assert "These sections are empty: “Overview”." in html
    # The inlines count the rows as submitted, and say so where they are.
    assert "To publish, give at least 3 (there are 1)." in html
    assert "To publish, give at least 1 (there are 0)." in html
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert 'name="body"' in html and "Short." in html  # the input is kept


def test_the_bulk_action_publishes_the_ready_and_names_the_others(
    editor_client, make_article
):
    ready = make_article("What causes ready?", status="draft", ready=True)
    thin = make_article("What causes thin?", status="draft", ready=True, summary="")
    response = action(editor_client, "publish_selected", ready, thin)
    said = messages_of(response)
    assert "“What causes thin?” was not published: It has no summary." in said
    assert "Published: “What causes ready?”." in said
    ready.refresh_from_db(), thin.refresh_from_db()
    assert (ready.status, thin.status) == ("published", "draft")


def test_the_thresholds_are_settings(editor, make_article, settings):
    article = make_article(
        status="draft", key_facts=["One."], sources=[("S", "https://e.org")]
    )
    with pytest.raises(publishing.NotReady) as refused:
        publishing.publish(article, by=editor)
    assert "It needs at least 3 key facts (it has 1)." in refused.value.reasons
    settings.PUBLISH_MIN_KEY_FACTS = 1
    settings.PUBLISH_MIN_BODY_WORDS = 2
    publishing.publish(article, by=editor)
    assert article.status == Article.Status.PUBLISHED


# Writers and editors --------------------------------------------------------


def test_writers_draft_and_submit_but_cannot_publish(
    writer_client, writer, editor, make_article, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    article = make_article("What causes writing?", status="draft", ready=True)
    form = writer_client.get(change_url(article)).content.decode()
    assert '<option value="published"' not in form
    assert '<option value="review"' in form
    response = post_change_form(writer_client, article, status="published")
    assert response.status_code == 200  # refused: not one of the choices
    response = action(writer_client, "publish_selected", article)
    assert "No action selected." in messages_of(response)  # not offered at all
    with django_capture_on_commit_callbacks(execute=True):
        save_in_admin(writer_client, article, status="review")
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert article.submitted_by == writer
    (mail,) = mailoutbox
    assert mail.to == [editor.email]
    assert mail.subject == "Waiting for review: What causes writing?"
    assert f"/admin/articles/article/{article.pk}/change/" in mail.body
    assert "/admin/articles/article/?state=review" in mail.body


def test_writers_cannot_change_what_is_live(writer_client, make_article):
    live = make_article(ready=True)
    response = post_change_form(writer_client, live, summary="Sneaky.")
    assert response.status_code == 403
    live.refresh_from_db()
    assert live.summary != "Sneaky."


def test_the_writers_group_is_least_privilege():
    writers = Group.objects.get(name="Writers")
    codenames = set(writers.permissions.values_list("codename", flat=True))
    assert "publish_answer" not in codenames
    assert "delete_article" not in codenames
    assert {"add_article", "change_article", "view_article"} <= codenames
    assert not any(c.endswith("_suggestion") for c in codenames)


def test_an_editor_sends_back_with_a_comment(
    editor_client, writer, make_article, mailoutbox, django_capture_on_commit_callbacks
):
    article = make_article(status="draft", ready=True)
    publishing.submit_for_review(article, writer)
    response = action(editor_client, "send_back_selected", article, follow=False)
    form_url = response["Location"]
    assert form_url.endswith(f"send-back/?ids={article.pk}")
    page = editor_client.get(form_url).content.decode()
    assert article.question in page and "submitted by writer" in page
    assert (
        "This field is required." in editor_client.post(form_url, {}).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(form_url, {"comment": "Add a source for the second fact."})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.review_note == "Add a source for the second fact."
    (mail,) = mailoutbox
    assert mail.to == [writer.email] and "second fact" in mail.body
    panel = editor_client.get(change_url(article)).content.decode()
    assert "Add a source for the second fact." in panel


def test_an_ai_assisted_answer_needs_a_second_person(
    editor, editor_client, second_editor, make_article
):
    article = make_article(status="draft", ready=True, ai_assisted=True)
    response = action(editor_client, "publish_selected", article)
    assert any("must be submitted for review" in m for m in messages_of(response))
    publishing.submit_for_review(article, editor)
    response = action(editor_client, "publish_selected", article)
    assert any("someone other than the person" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    other = Client()
    other.force_login(second_editor)
    action(other, "publish_selected", article)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.reviewed_by == second_editor


def ld(html):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    )
    return [node for block in blocks for node in json.loads(block)]


def test_publishing_names_the_reviewer_on_the_page_and_in_its_data(
    client, second_editor, make_article
):
    article = make_article(status="draft", ready=True)
    last_updated = article.last_updated
    publishing.publish(article, by=second_editor)
    html = client.get(article.get_absolute_url()).content.decode()
    day = article.reviewed_at.date()
    assert f'Reviewed by Grace Hopper on <time datetime="{day.isoformat()}">' in html
    assert f'Last updated: <time datetime="{last_updated.isoformat()}">' in html
    page = next(n for n in ld(html) if n["@type"] == "WebPage")
    assert page["reviewedBy"] == {"@type": "Person", "name": "Grace Hopper"}
    assert page["lastReviewed"] == timezone.localtime(article.reviewed_at).isoformat()


def test_marking_reviewed_again_changes_only_the_review_date(
    client, editor_client, editor, second_editor, make_article, time_machine
):
    time_machine.move_to("2026-03-01 10:00Z")
    article = make_article(status="draft", ready=True)
    publishing.publish(article, by=second_editor)
    article.refresh_from_db()
    before = (article.updated_at, article.last_updated, article.body)
    time_machine.move_to("2026-09-15 10:00Z")
    action(editor_client, "mark_reviewed_selected", article)
    article.refresh_from_db()
    assert article.reviewed_at.date().isoformat() == "2026-09-15"
    assert article.reviewer_name == "editor"
    assert (article.updated_at, article.last_updated, article.body) == before
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Reviewed by editor on" in html and "September 15, 2026" in html


def test_the_list_shows_states_with_filters(editor_client, make_article, settings):
    settings.TIME_ZONE = "Europe/Paris"
    draft = make_article("What causes a draft?", status="draft")
    review = make_article("What causes a review?", status="review")
    scheduled = make_article(
        "What causes a schedule?",
        published_at=datetime.datetime(2099, 1, 2, 9, 30, tzinfo=datetime.UTC),
    )
    live = make_article("What causes a live one?")
    html = editor_client.get("/admin/articles/article/").content.decode()
    assert "Scheduled for 2099-01-02 10:30 CET" in html  # the site's time zone
    for state, shown in [
        ("draft", draft),
        ("review", review),
        ("scheduled", scheduled),
        ("published", live),
    ]:
        page = editor_client.get(f"/admin/articles/article/?state={state}")
        listed = [a.question for a in page.context["cl"].result_list]
        assert listed == [shown.question], state
    assert "Waiting for review" in html


def test_a_draft_without_a_type_is_not_submitted_but_told_why(
    editor_client, make_article
):
    draft = make_article("Where do swifts sleep?", status="draft", question_type=None)
    response = action(editor_client, "submit_selected", draft)
    assert (
        "Choose a question type for “Where do swifts sleep?” before submitting it."
        in (messages_of(response))
    )
    response = action(editor_client, "publish_selected", draft)
    assert any(
        "It has no question type: choose one." in m for m in messages_of(response)
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
