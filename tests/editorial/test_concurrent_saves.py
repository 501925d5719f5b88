"""Two editors saving the same opened form at the same moment: one save is
refused, never silently overwritten (issue 17, point 3)."""

import threading

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from articles.models import Article
from tests.editorial.test_revisions import change_form, post_change_form

needs_postgres = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL (DATABASE_URL=postgres://...): SQLite has no row locks",
)
TRIALS = 20


def editors(django_user_model):
    # Superusers, not the Editors group: a transactional test's flush takes
    # migrated rows such as groups with it, and the race is the same for both.
    clients = []
    for name in ("ada", "brian"):
        user = django_user_model.objects.create_superuser(name, password="x")
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


@needs_postgres
@pytest.mark.django_db(transaction=True)  # real commits, so the saves race for real
def test_of_two_simultaneous_saves_one_is_refused(
    make_article, django_user_model, monkeypatch
):
    article = make_article("What causes a race?", ready=True)
    ada, brian = editors(django_user_model)
    save = Article.save

    def slow_save(self, *args, **kwargs):
        # Widen the window between the stale check and the write, as a slow
        # disk or a busy database would: unserialised, both saves pass the
        # check before either writes.
        threading.Event().wait(0.05)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Article, "save", slow_save)
    overwrites = []
    for trial in range(TRIALS):
        token = change_form(ada, article)
        assert change_form(brian, article) == token  # the same opened form
        start = threading.Barrier(2)
        results = {}

        def send(name, client, token=token, start=start, results=results, trial=trial):
            start.wait()
            try:
                results[name] = post_change_form(
                    client,
                    article,
                    edited_version=token,
                    summary=f"Summary {trial} by {name}.",
                )
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=send, args=(name, client))
            for name, client in (("ada", ada), ("brian", brian))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        codes = {name: response.status_code for name, response in results.items()}
        saved = [name for name, code in codes.items() if code == 302]
        if len(saved) != 1:
            overwrites.append((trial, codes))
            continue
        (refused,) = set(codes) - set(saved)
        assert codes[refused] == 200
        assert "Not saved:" in results[refused].content.decode()
        article.refresh_from_db()
        assert article.summary == f"Summary {trial} by {saved[0]}."
    assert overwrites == []
