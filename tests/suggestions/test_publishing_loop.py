import ast
from pathlib import Path

import pytest

from articles.editorial import publishing
from articles.models import Article, KeyFact, Source
from suggestions.models import Suggestion
from tests.conftest import READY_BODY, READY_FACTS

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def drafted(make_article, run_worker, django_capture_on_commit_callbacks):
    make_article("What causes hiccups?")
    for email in ("a@example.com", "b@example.com", ""):
        suggestion, _ = Suggestion.objects.submit("What causes sneezing?", email=email)
    with django_capture_on_commit_callbacks(execute=True):
        suggestion.approve()
    run_worker()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.DRAFTED
    return suggestion


def finish(article):
    """What an editor does with the generator's outline: write the answer."""
    article.summary = "Irritants in the nose set off a reflex that clears it."
    article.body = READY_BODY
    article.save()
    for i, text in enumerate(READY_FACTS, start=1):
        KeyFact.objects.create(article=article, text=text, position=i)
    Source.objects.create(article=article, title="Sneeze", url="https://example.org/s")
    return article


def test_publishing_the_draft_publishes_the_suggestion_and_emails_once(
    drafted, editor, mailoutbox, django_capture_on_commit_callbacks
):
    article = finish(drafted.article)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(article, by=editor)
    drafted.refresh_from_db()
    assert drafted.status == Suggestion.Status.PUBLISHED
    assert drafted.events.last().actor == editor
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.com", "b@example.com"]
    message = mailoutbox[0]
    assert "https://whatanswers.test/q/what-causes-sneezing/" in message.body
    assert "What causes sneezing?" in message.subject
    assert drafted.requesters.filter(notified_at__isnull=True).count() == 0


def test_publishing_twice_sends_nothing_twice(
    drafted, mailoutbox, django_capture_on_commit_callbacks
):
    article = finish(drafted.article)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(article)
    publishing.unpublish(article)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(article)
    assert len(mailoutbox) == 2


def test_the_outline_draft_cannot_be_published_and_nobody_is_told(
    drafted, editor_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/admin/articles/article/",
            {"action": "publish_selected", "_selected_action": [drafted.article.pk]},
            follow=True,
        )
    html = response.content.decode()
    assert "“What causes sneezing?” was not published: It has no summary." in html
    assert "It needs at least 3 key facts (it has 0)." in html
    assert "editor note or a placeholder" in html
    drafted.refresh_from_db()
    assert drafted.article.status == Article.Status.DRAFT
    assert drafted.status == Suggestion.Status.DRAFTED
    assert mailoutbox == []
    assert editor_client.get("/q/what-causes-sneezing/").status_code == 404


def test_publishing_from_the_admin_closes_the_loop(
    drafted, editor_client, mailoutbox, django_capture_on_commit_callbacks
):
    finish(drafted.article)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            "/admin/articles/article/",
            {"action": "publish_selected", "_selected_action": [drafted.article.pk]},
        )
    drafted.refresh_from_db()
    assert drafted.status == Suggestion.Status.PUBLISHED
    assert len(mailoutbox) == 2


def test_an_unrelated_article_publish_touches_no_suggestion(
    drafted, make_article, mailoutbox, django_capture_on_commit_callbacks
):
    other = make_article(status=Article.Status.DRAFT, ready=True)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(other)
    drafted.refresh_from_db()
    assert drafted.status == Suggestion.Status.DRAFTED
    assert mailoutbox == []


def test_articles_never_imports_suggestions():
    for path in (ROOT / "articles").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.startswith("suggestions") for n in names), path


def test_topics_never_imports_articles_or_suggestions():
    for path in (ROOT / "topics").rglob("*.py"):
        text = path.read_text()
        assert "from articles" not in text and "import articles" not in text, path
        assert "suggestions" not in text, path
