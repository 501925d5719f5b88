import itertools
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from articles.discovery.search import bulk_index
from articles.discovery.tasks import refresh_related_for
from articles.models import Article, KeyFact, Source
from topics.models import QuestionType, Topic

_counter = itertools.count(1)

# Content that passes articles.editorial.readiness: a summary, 3 key facts, a source
# and a body of more than 150 words with no placeholder left.
READY_BODY = "## The short answer\n\n" + " ".join(
    f"Sentence {i} explains one more point in plain words for readers."
    for i in range(20)
)
READY_FACTS = ("First fact.", "Second fact.", "Third fact.")
READY_SOURCES = (("A source", "https://example.org/source"),)


@pytest.fixture(autouse=True)
def views_flushed_by_the_task_only(settings):
    """Tests flush buffered views themselves (as the periodic task does)."""
    settings.VIEW_FLUSH_IN_PROCESS = False


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test's database starts empty, so its cache must too: cached pages
    and version tokens would otherwise outlive the rows they describe."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_topic(db):
    def make(name=None, **fields):
        n = next(_counter)
        name = name or f"Topic {n}"
        fields.setdefault("slug", f"topic-{n}")
        return Topic.objects.create(name=name, **fields)

    return make


@pytest.fixture
def make_type(db):
    def make(name=None, prefix=None, **fields):
        n = next(_counter)
        name = name or f"Type {n}"
        fields.setdefault("slug", f"type-{n}")
        return QuestionType.objects.create(
            name=name, prefix=prefix or f"prefix {n}", **fields
        )

    return make


@pytest.fixture
def topic(make_topic):
    return make_topic("Daily Life", slug="daily-life")


@pytest.fixture
def question_type(make_type):
    return make_type("What Causes", prefix="what causes", slug="what-causes")


@pytest.fixture
def make_article(db, topic, question_type):
    """A published answer by default; pass status/published_at to change that."""

    def make(
        question=None,
        key_facts=(),
        sources=(),
        tags=(),
        index=True,
        rank=True,
        ready=False,
        **fields,
    ):
        """`ready=True` gives it what publishing needs
        (articles.editorial.readiness)."""
        n = next(_counter)
        if ready:
            key_facts = key_facts or READY_FACTS
            sources = sources or READY_SOURCES
            fields.setdefault("body", READY_BODY)
        fields.setdefault("topic", topic)
        fields.setdefault("question_type", question_type)
        fields.setdefault("summary", f"Summary {n}.")
        fields.setdefault("body", f"## Section {n}\n\nBody text {n}.")
        fields.setdefault("status", Article.Status.PUBLISHED)
        if fields["status"] == Article.Status.PUBLISHED:
            fields.setdefault("published_at", timezone.now() - timedelta(hours=n))
        article = Article.objects.create(
            question=question or f"What causes thing {n}?", **fields
        )
        for i, text in enumerate(key_facts, start=1):
            KeyFact.objects.create(article=article, text=text, position=i)
        for i, (title, url) in enumerate(sources, start=1):
            Source.objects.create(article=article, title=title, url=url, position=i)
        if tags:
            article.tags.set(list(tags))
        # What the commit would do: tests run inside a transaction that
        # never commits, and "already answered?" reads the search index.
        if index:
            bulk_index([article.pk])
        # And the worker ranks its related answers, and its neighbours'.
        if rank and article.status == Article.Status.PUBLISHED:
            refresh_related_for.call(article.pk)
        return article

    return make


def staff_member(django_user_model, username, group):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.com", f"{username}-pass-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model):
    return staff_member(django_user_model, "editor", "Editors")


@pytest.fixture
def moderator(django_user_model):
    return staff_member(django_user_model, "moderator", "Moderators")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def visitor(client):
    """An anonymous visitor."""
    return client


@pytest.fixture
def run_worker():
    """Run every task that is due, as `manage.py db_worker` does in production."""

    def run():
        # The worker closes "old" connections between tasks; inside a test's
        # transaction that would close the test's own PostgreSQL connection.
        with mock.patch(
            "django_tasks_db.management.commands.db_worker.close_old_connections"
        ):
            call_command(
                "db_worker",
                "--batch",
                "--no-reload",
                "--no-startup-delay",
                "--queue-name",
                "*",
                verbosity=0,
            )

    return run


@pytest.fixture(autouse=True)
def site_url(settings):
    """Absolute addresses come from SITE_URL, never the request's host
    (tests request http://testserver/)."""
    settings.SITE_URL = "https://whatanswers.test"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's Chromium (tests/browser.py)."""
    from tests.browser import CHROMIUM

    return {**browser_type_launch_args, "executable_path": CHROMIUM}
