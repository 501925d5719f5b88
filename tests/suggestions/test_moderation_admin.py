import pytest
from django.contrib.auth.models import Group
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from suggestions.models import Suggestion

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/suggestions/suggestion/"


def submit(question, email=""):
    return Suggestion.objects.submit(question, email=email)[0]


def act(client, action, suggestions, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [s.pk for s in suggestions], **extra},
        follow=True,
    )


def test_moderators_group_can_triage_but_not_edit_answers():
    perms = set(
        Group.objects.get(name="Moderators").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert perms == {
        ("suggestions", "view_suggestion"),
        ("suggestions", "change_suggestion"),
        ("suggestions", "view_suggestionevent"),
        ("suggestions", "view_requester"),
        ("articles", "view_article"),
    }


def test_moderator_cannot_change_or_publish_articles(moderator_client, make_article):
    article = make_article(status=Article.Status.DRAFT)
    url = f"/admin/articles/article/{article.pk}/change/"
    assert moderator_client.get(url).status_code == 200  # view only
    response = moderator_client.post(url, {"question": "Hijacked?"})
    assert response.status_code == 403
    moderator_client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.question != "Hijacked?"


def test_editors_cannot_see_suggestions_or_emails(editor_client):
    suggestion = submit("What causes hiccups?", "private@example.com")
    assert editor_client.get(CHANGELIST).status_code == 403
    page = editor_client.get(f"{CHANGELIST}{suggestion.pk}/change/")
    assert page.status_code == 403


def test_changelist_columns_and_default_order(moderator_client):
    popular = submit("What causes hiccups?")
    for _ in range(4):
        submit("What causes hiccups?")
    quiet = submit("Why do cats purr?")
    closed = submit("Why do dogs bark?")
    for _ in range(9):
        submit("Why do dogs bark?")
    closed.refresh_from_db()
    closed.reject("Duplicate of a planned piece")
    html = moderator_client.get(CHANGELIST).content.decode()
    for column in ("Question", "Status", "Requests", "Created", "Similar answers"):
        assert column in html
    positions = [html.index(s.question) for s in (popular, quiet, closed)]
    assert positions == sorted(positions), "open first, most requested first"


def test_filters_and_search(moderator_client):
    submit("What causes hiccups?")
    submit("Why do cats purr?").reject("No")
    html = moderator_client.get(CHANGELIST + "?status__exact=rejected").content.decode()
    assert "Why do cats purr?" in html and "What causes hiccups?" not in html
    html = moderator_client.get(CHANGELIST + "?q=hiccups").content.decode()
    assert "What causes hiccups?" in html and "Why do cats purr?" not in html
    since = {"created_at__gte": "2020-01-01 00:00:00+00:00"}
    assert moderator_client.get(CHANGELIST, since).status_code == 200


def test_bulk_approve_queues_generation(
    moderator_client, moderator, django_capture_on_commit_callbacks
):
    first, second = submit("What causes hiccups?"), submit("Why do cats purr?")
    with django_capture_on_commit_callbacks(execute=True):
        response = act(moderator_client, "approve_selected", [first, second])
    assert "2 approved." in response.content.decode()
    for suggestion in (first, second):
        suggestion.refresh_from_db()
        assert suggestion.status == Suggestion.Status.APPROVED
        assert suggestion.events.last().actor == moderator
    assert DBTaskResult.objects.filter(status="READY").count() == 2


def test_bulk_reject_asks_for_a_reason_first(moderator_client):
    suggestion = submit("What causes hiccups?")
    page = act(moderator_client, "reject_selected", [suggestion])
    assert "Reason" in page.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.NEW
    page = act(moderator_client, "reject_selected", [suggestion], apply="1", reason="")
    assert "This field is required." in page.content.decode()
    act(moderator_client, "reject_selected", [suggestion], apply="1", reason="Spam")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REJECTED
    assert suggestion.rejection_reason == "Spam"


def test_a_rejected_suggestion_can_be_reopened_with_a_note(moderator_client, moderator):
    suggestion = submit("What causes hiccups?")
    suggestion.reject("Looked like spam.", by=moderator)
    page = act(moderator_client, "reopen_selected", [suggestion], apply="1", note="")
    assert "This field is required." in page.content.decode()
    act(
        moderator_client,
        "reopen_selected",
        [suggestion],
        apply="1",
        note="It is a real question.",
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.NEW
    assert suggestion.rejection_reason == ""
    event = suggestion.events.last()
    assert (event.from_status, event.to_status) == ("rejected", "new")
    assert event.note == "Reopened: It is a real question." and event.actor == moderator
    page = act(moderator_client, "reopen_selected", [suggestion], apply="1", note="x")
    assert "A new suggestion cannot be moved to new." in page.content.decode()


def test_a_duplicate_of_a_published_answer_tells_its_requesters_once(
    moderator_client, make_article, mailoutbox, django_capture_on_commit_callbacks
):
    article = make_article("What causes hiccups?")
    suggestion = submit("Why do I get hiccups?", email="asker@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        act(
            moderator_client,
            "mark_duplicate_selected",
            [suggestion],
            apply="1",
            answer=article.get_absolute_url(),
        )
    (mail,) = mailoutbox
    assert mail.to == ["asker@example.com"]
    assert mail.subject == "Already answered: What causes hiccups?"
    assert f"https://whatanswers.test{article.get_absolute_url()}" in mail.body
    assert suggestion.requesters.get().notified_at is not None
    from suggestions.notifications import notify_duplicate

    assert notify_duplicate(suggestion, article) == 0  # once


def test_bulk_mark_duplicate_of_an_answer_by_its_address(
    moderator_client, make_article
):
    article = make_article("What causes hiccups?")
    suggestion = submit("Why do I get hiccups?")
    act(
        moderator_client,
        "mark_duplicate_selected",
        [suggestion],
        apply="1",
        answer=f"https://whatanswers.example{article.get_absolute_url()}",
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.DUPLICATE
    assert suggestion.duplicate_of_article == article


def test_mark_duplicate_needs_one_valid_target(moderator_client):
    suggestion = submit("Why do I get hiccups?")
    page = act(
        moderator_client, "mark_duplicate_selected", [suggestion], apply="1"
    ).content.decode()
    assert "Name either a published answer or another suggestion." in page
    page = act(
        moderator_client,
        "mark_duplicate_selected",
        [suggestion],
        apply="1",
        answer="no-such-answer",
    ).content.decode()
    assert "No published answer has that address." in page
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.NEW


def test_invalid_moves_are_reported_not_applied(moderator_client):
    suggestion = submit("What causes hiccups?")
    suggestion.reject("No")
    page = act(moderator_client, "approve_selected", [suggestion]).content.decode()
    assert "0 approved." in page
    assert "A rejected suggestion cannot be moved to approved." in page


def test_change_page_shows_history_duplicates_and_emails(
    moderator_client, make_article
):
    make_article("What causes hiccups?")
    other = submit("Why do hiccups happen?")
    suggestion = submit("How to stop hiccups?", "asker@example.com")
    html = moderator_client.get(f"{CHANGELIST}{suggestion.pk}/change/").content.decode()
    assert "History" in html and "Suggested by a visitor." in html
    assert "What causes hiccups?" in html and "?answer=what-causes-hiccups" in html
    assert f"#{other.pk} Why do hiccups happen?" in html
    assert "asker@example.com" in html
    assert 'name="_save"' not in html  # read-only: moves go through actions
    assert "Approve" in html


def test_duplicate_link_from_the_change_page(moderator_client):
    target = submit("What causes hiccups?", "a@example.com")
    suggestion = submit("Why do hiccups happen?", "b@example.com")
    url = f"{CHANGELIST}{suggestion.pk}/duplicate/"
    page = moderator_client.get(url, {"suggestion": target.pk}).content.decode()
    assert f'value="{target.pk}"' in page
    response = moderator_client.post(url, {"suggestion": target.pk, "apply": "1"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.request_count == 2 and target.requesters.count() == 2


def test_regenerate_requeues_approved_suggestions(moderator_client):
    suggestion = submit("What causes hiccups?")
    suggestion.approve()
    Suggestion.objects.filter(pk=suggestion.pk).update(generation_attempts=3)
    act(moderator_client, "regenerate_selected", [suggestion])
    suggestion.refresh_from_db()
    assert suggestion.generation_attempts == 0
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_anonymous_and_non_staff_cannot_moderate(client, django_user_model):
    suggestion = submit("What causes hiccups?")
    response = act(client, "approve_selected", [suggestion])
    assert response.redirect_chain[0][0].startswith("/admin/login/")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.NEW


def test_changelist_query_budget(moderator_client, django_assert_max_num_queries):
    for i in range(60):
        submit(f"What causes thing number {i}?", f"{i}@example.com")
    # Two more than before the likely topic and type filters: their choices.
    with django_assert_max_num_queries(12):
        response = moderator_client.get(CHANGELIST)
    assert response.status_code == 200


def test_change_page_with_answers_but_no_similar_suggestions(
    moderator_client, make_article
):
    make_article("What causes hiccups?")
    suggestion = submit("How to stop hiccups?")
    response = moderator_client.get(f"{CHANGELIST}{suggestion.pk}/change/")
    assert response.status_code == 200
    assert "?answer=what-causes-hiccups" in response.content.decode()
