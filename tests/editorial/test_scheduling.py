"""Scheduled publishing fires its effects at the moment, once (issue 9, 4).

The clock is moved with time-machine; the effects are fired the way they are
in production, by `run_scheduler` queuing the task and `db_worker` running it.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article, KeyFact, Source
from suggestions.models import Suggestion
from tests.conftest import READY_BODY, READY_FACTS
from tests.editorial.test_revisions import post_change_form, save_in_admin

pytestmark = pytest.mark.django_db

START = "2026-06-01 09:00:00Z"


@pytest.fixture
def drafted(make_article, run_worker, django_capture_on_commit_callbacks, time_machine):
    """An approved suggestion whose draft an editor has finished."""
    time_machine.move_to(START, tick=False)
    make_article("What causes hiccups?", ready=True)
    for email in ("a@example.com", "b@example.com"):
        suggestion, _ = Suggestion.objects.submit("What causes sneezing?", email=email)
    with django_capture_on_commit_callbacks(execute=True):
        suggestion.approve()
    run_worker()
    suggestion.refresh_from_db()
    article = suggestion.article
    article.summary = "Irritants in the nose set off a reflex that clears it."
    article.body = READY_BODY
    article.save()
    for i, text in enumerate(READY_FACTS, start=1):
        KeyFact.objects.create(article=article, text=text, position=i)
    Source.objects.create(article=article, title="Sneeze", url="https://example.org/s")
    return suggestion


def schedule(client, article, when, capture):
    local = timezone.localtime(when)
    with capture(execute=True):
        save_in_admin(
            client,
            article,
            status="published",
            published_at_0=local.date().isoformat(),
            published_at_1=local.time().strftime("%H:%M:%S"),
        )


def worker_pass(run_worker):
    """What production does every PUBLISHING_CHECK_SECONDS."""
    call_command("run_scheduler", "--once", stdout=StringIO())
    run_worker()


def visible(path):
    return Client().get(path).status_code == 200


def test_nothing_fires_before_the_moment_and_everything_once_after(
    drafted, editor_client, mailoutbox, run_worker, time_machine,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    article = drafted.article
    Client().get("/")  # the home page is in the page cache
    at = timezone.now() + timedelta(minutes=10)
    schedule(editor_client, article, at, django_capture_on_commit_callbacks)
    queued = DBTaskResult.objects.filter(task_path__endswith="run_publishing_schedule")
    assert queued.get().run_after == at  # queued for the very moment

    listing = editor_client.get("/admin/articles/article/").content.decode()
    assert "Scheduled for 2026-06-01 09:10 UTC" in listing
    time_machine.shift(timedelta(minutes=9))
    worker_pass(run_worker)
    drafted.refresh_from_db()
    assert drafted.status == Suggestion.Status.DRAFTED  # not "published" early
    assert mailoutbox == []
    assert not visible(article.get_absolute_url())
    assert "What causes sneezing?" not in Client().get("/").content.decode()
    assert "sneezing" not in Client().get("/sitemaps/answers-1.xml").content.decode()

    time_machine.shift(timedelta(minutes=1, seconds=1))
    worker_pass(run_worker)
    drafted.refresh_from_db()
    assert drafted.status == Suggestion.Status.PUBLISHED
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.com", "b@example.com"]
    assert visible(article.get_absolute_url())
    assert "What causes sneezing?" in Client().get("/").content.decode()  # refreshed
    sitemap = Client().get("/sitemaps/answers-1.xml").content.decode()
    assert "what-causes-sneezing" in sitemap
    assert "What causes sneezing?" in Client().get("/feeds/latest/").content.decode()
    assert (
        "What causes sneezing?" in Client().get("/search/?q=sneezing").content.decode()
    )
    article.refresh_from_db()
    assert article.announced_at == at + timedelta(seconds=1)

    time_machine.shift(timedelta(hours=1))
    worker_pass(run_worker)
    worker_pass(run_worker)
    assert len(mailoutbox) == 2  # once


def test_a_worker_that_was_down_fires_when_it_comes_back_once(
    drafted, editor_client, mailoutbox, run_worker, time_machine,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    at = timezone.now() + timedelta(minutes=10)
    schedule(editor_client, drafted.article, at, django_capture_on_commit_callbacks)
    time_machine.shift(timedelta(hours=6))  # nothing ran meanwhile
    worker_pass(run_worker)
    worker_pass(run_worker)
    drafted.refresh_from_db()
    assert drafted.status == Suggestion.Status.PUBLISHED
    assert len(mailoutbox) == 2


def test_rescheduling_moves_the_effects_to_the_new_moment(
    drafted, editor_client, mailoutbox, run_worker, time_machine,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    article = drafted.article
    first = timezone.now() + timedelta(minutes=10)
    schedule(editor_client, article, first, django_capture_on_commit_callbacks)
    later = first + timedelta(days=1)
    schedule(editor_client, article, later, django_capture_on_commit_callbacks)
    time_machine.shift(timedelta(minutes=11))
    worker_pass(run_worker)
    assert mailoutbox == [] and not visible(article.get_absolute_url())
    time_machine.shift(timedelta(days=1))
    worker_pass(run_worker)
    assert len(mailoutbox) == 2 and visible(article.get_absolute_url())


def test_unpublishing_before_the_moment_cancels_everything(
    drafted, editor_client, mailoutbox, run_worker, time_machine,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    article = drafted.article
    at = timezone.now() + timedelta(minutes=10)
    schedule(editor_client, article, at, django_capture_on_commit_callbacks)
    editor_client.post(
        "/admin/articles/article/",
        {"action": "unpublish_selected", "_selected_action": [article.pk]},
    )
    time_machine.shift(timedelta(hours=1))
    worker_pass(run_worker)
    drafted.refresh_from_db()
    assert drafted.status == Suggestion.Status.DRAFTED
    assert mailoutbox == [] and not visible(article.get_absolute_url())


def test_an_unpublish_time_takes_the_answer_down(
    make_article, editor_client, run_worker, time_machine
):
    time_machine.move_to(START, tick=False)
    article = make_article(ready=True)
    save_in_admin(
        editor_client, article, unpublish_at_0="2026-06-02", unpublish_at_1="08:00:00"
    )
    time_machine.shift(timedelta(hours=22))
    worker_pass(run_worker)
    assert visible(article.get_absolute_url())
    time_machine.shift(timedelta(hours=1, seconds=1))
    assert not visible(article.get_absolute_url())  # at once, before the pass
    worker_pass(run_worker)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.unpublish_at is None


def test_an_unpublish_time_before_the_publish_time_is_refused(
    make_article, editor_client
):
    article = make_article(ready=True)
    local = timezone.localtime(article.published_at) - timedelta(days=1)
    response = post_change_form(
        editor_client,
        article,
        unpublish_at_0=local.date().isoformat(),
        unpublish_at_1="00:00:00",
        slug="",
    )
    assert response.status_code == 200
    assert "The unpublish time must come after the publish time." in (
        response.content.decode()
    )
    article.refresh_from_db()
    assert article.unpublish_at is None


def test_an_answer_no_longer_ready_at_its_moment_is_held_back(
    drafted, editor_client, editor, mailoutbox, run_worker, time_machine,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    article = drafted.article
    at = timezone.now() + timedelta(minutes=10)
    schedule(editor_client, article, at, django_capture_on_commit_callbacks)
    KeyFact.objects.filter(article=article).delete()  # a path that does not check
    time_machine.shift(timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        worker_pass(run_worker)
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert "It needs at least 3 key facts (it has 0)." in article.review_note
    drafted.refresh_from_db()
    assert drafted.status == Suggestion.Status.DRAFTED
    assert [m.to for m in mailoutbox] == [[editor.email]]  # the editors, not requesters
    assert article.announced_at is None  # published again later, it is announced
