"""Every change to an answer is kept as a revision; editors compare and
restore them in the admin."""

import functools
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Revision

from articles.editorial import publishing, revisions
from articles.files.markdown_files import import_file
from articles.models import Article
from suggestions.generators import Draft, save_draft
from tests.conftest import READY_BODY

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_article(make_article):
    """Answers that pass the publishing checks, as the change form saves them."""
    return functools.partial(make_article, ready=True)


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def history_of(article):
    return list(revisions.versions_of(article))


def restore_in_admin(client, article, version, keep_live=False):
    response = client.post(
        f"/admin/articles/article/{article.pk}/history/{version.pk}/restore/",
        {"keep_live": "on"} if keep_live else {},
    )
    assert response.status_code == 302


def inline_rows(prefix, rows, fields):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data[f"{prefix}-{i}-id"] = row.pk
        data[f"{prefix}-{i}-article"] = row.article_id
        for name in fields:
            data[f"{prefix}-{i}-{name}"] = getattr(row, name)
    return data


def save_in_admin(client, article, **changes):
    """Post the change form as an editor would: the answer as it is, with
    `changes`."""
    response = post_change_form(client, article, **changes)
    assert response.status_code == 302, response.content.decode()[:3000]


def post_change_form(client, article, **changes):
    article = Article.objects.get(pk=article.pk)
    data = {
        "question": article.question,
        "slug": article.slug,
        "topic": article.topic_id,
        "question_type": article.question_type_id,
        "summary": article.summary,
        "body": article.body,
        "tags": ", ".join(sorted(article.tags.names())),
        "status": article.status,
        "published_at_0": "",
        "published_at_1": "",
        "last_updated": article.last_updated.isoformat(),
        **inline_rows("key_facts", list(article.key_facts.all()), ["position", "text"]),
        **inline_rows(
            "sources",
            list(article.sources.all()),
            ["position", "title", "url", "publisher"],
        ),
    }
    if article.published_at:
        local = timezone.localtime(article.published_at)
        data["published_at_0"] = local.date().isoformat()
        data["published_at_1"] = local.time().strftime("%H:%M:%S")
    return client.post(change_url(article), {**data, **changes})


def test_an_admin_save_is_a_revision_by_the_editor(editor_client, editor, make_article):
    article = make_article(
        "What causes thunder?", key_facts=["Old fact."], status=Article.Status.DRAFT
    )
    save_in_admin(editor_client, article, summary="A better summary.")
    (version,) = history_of(article)
    assert version.revision.user == editor
    assert "Summary" in version.revision.get_comment()
    snapshot = revisions.snapshot(version)
    assert snapshot["summary"] == "A better summary."
    assert snapshot["key facts"] == ["Old fact."]


def test_publishing_from_the_form_says_so(editor_client, make_article):
    article = make_article(status=Article.Status.DRAFT, ready=True)
    save_in_admin(editor_client, article, status="published")
    assert history_of(article)[0].revision.get_comment().startswith("Published.")


def test_bulk_publish_keeps_one_revision_per_answer(
    editor_client, editor, make_article
):
    drafts = [make_article(status=Article.Status.DRAFT, ready=True) for _ in range(2)]
    editor_client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]},
    )
    for article in drafts:
        (version,) = history_of(article)
        assert version.revision.get_comment() == "Published"
        assert version.revision.user == editor
        assert revisions.snapshot(version)["status"] == "published"
    assert Revision.objects.count() == 2


def test_an_import_is_a_revision_by_the_command(tmp_path, topic, question_type):
    path = tmp_path / "frost.md"
    path.write_text(
        "---\nquestion: What causes frost?\ntopic: Daily Life\n"
        "question_type: What Causes\n"
        "status: draft\nsummary: Cold glass.\ntags: [winter, ice]\n"
        "key_facts: [Water freezes., Glass cools fast.]\n"
        "sources:\n  - title: Frost\n    url: https://example.org/frost\n---\n"
        "Body text.\n",
        encoding="utf-8",
    )
    import_file(path)
    article = Article.objects.get(question="What causes frost?")
    (version,) = history_of(article)
    assert version.revision.get_comment() == "Imported from frost.md"
    assert version.revision.user is None
    assert version.revision.origin.name == "import_articles"
    snapshot = revisions.snapshot(version)
    assert snapshot["key facts"] == ["Water freezes.", "Glass cools fast."]
    assert snapshot["sources"] == ["Frost — https://example.org/frost"]
    assert snapshot["tags"] == ["ice", "winter"]


def test_a_generated_draft_is_a_revision_by_the_generator(topic, question_type):
    article = save_draft(
        Draft(
            question="What causes hiccups?",
            topic=topic,
            question_type=question_type,
            summary="A spasm.",
            body="Outline.",
            key_facts=["A fact."],
            sources=[{"title": "S", "url": "https://example.org/s"}],
        )
    )
    (version,) = history_of(article)
    assert version.revision.origin.name == "generate_draft"
    assert revisions.snapshot(version)["key facts"] == ["A fact."]


@pytest.fixture
def three_versions(editor_client, make_article):
    """Revisions 1–3 of one answer, with facts and sources added, removed
    and reordered between them."""
    article = make_article(
        "What causes tides?",
        body="Line one.\nLine two.\n\n" + READY_BODY,
        key_facts=["Moon pulls.", "Sun pulls too.", "Earth spins."],
        sources=[("NOAA", "https://example.org/noaa")],
        tags=["sea"],
    )
    save_in_admin(editor_client, article)  # 1: as created
    article.refresh_from_db()
    facts = list(article.key_facts.all())
    facts[0].position, facts[1].position = 2, 1  # reordered
    for fact in facts:
        fact.save()
    article.key_facts.create(text="Two tides a day.", position=3)  # added
    article.sources.all().delete()  # removed
    article.sources.create(title="Britannica", url="https://example.org/b", position=1)
    article.body = "Line one.\nLine 2, rewritten.\n\n" + READY_BODY
    article.save()
    article.tags.set(["sea", "moon"])
    save_in_admin(editor_client, article)  # 2
    save_in_admin(editor_client, article, summary="Gravity.")  # 3
    return article


def test_compare_shows_every_field_and_a_line_diff(editor_client, three_versions):
    article = three_versions
    newest, _middle, oldest = history_of(article)
    page = editor_client.get(
        f"/admin/articles/article/{article.pk}/history/compare/"
        f"?from={oldest.pk}&to={newest.pk}"
    ).content.decode()
    for field in ("Question", "Summary", "Body", "Key facts", "Sources", "Tags",
                  "Topic", "Type", "Status"):  # fmt: skip
        assert f'<th scope="row">{field}</th>' in page
    assert '<li class="removed">' in page and "Line two." in page
    assert "Line 2, rewritten." in page
    assert "Two tides a day." in page and "Britannica" in page


def test_restore_puts_back_facts_and_sources_as_they_were(
    editor_client, editor, three_versions
):
    article = three_versions
    oldest = history_of(article)[-1]
    restore_in_admin(editor_client, article, oldest, keep_live=True)
    article.refresh_from_db()
    assert [f.text for f in article.key_facts.all()] == [
        "Moon pulls.",
        "Sun pulls too.",
        "Earth spins.",
    ]
    assert [(s.title, s.url) for s in article.sources.all()] == [
        ("NOAA", "https://example.org/noaa")
    ]
    assert sorted(article.tags.names()) == ["sea"]
    assert article.body == "Line one.\nLine two.\n\n" + READY_BODY
    assert article.status == Article.Status.PUBLISHED  # the editor chose so
    newest = history_of(article)[0]
    assert newest.revision.get_comment() == f"Restored revision {oldest.revision_id}"
    assert newest.revision.user == editor
    assert len(history_of(article)) == 4  # nothing is lost
    assert "Line two." in Client().get(article.get_absolute_url()).content.decode()


def test_restore_never_keeps_an_answer_live_unless_asked(editor_client, three_versions):
    article = three_versions
    oldest = history_of(article)[-1]
    restore_in_admin(editor_client, article, oldest)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_restore_kept_live_must_still_be_ready(editor_client, make_article):
    article = make_article()  # published and ready
    article.key_facts.exclude(text="First fact.").delete()
    save_in_admin(editor_client, article, status="draft")  # a thin revision
    thin = history_of(article)[0]
    assert revisions.snapshot(thin)["key facts"] == ["First fact."]
    article.key_facts.create(text="Second fact.", position=2)
    article.key_facts.create(text="Third fact.", position=3)
    article.refresh_from_db()
    publishing.publish(article)
    restore_in_admin(editor_client, article, thin, keep_live=True)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    page = editor_client.get(change_url(article)).content.decode()
    assert "It cannot stay published: It needs at least 3 key facts (it has 1)." in (
        page
    )


def test_restore_never_publishes_a_draft(editor_client, make_article):
    article = make_article(status=Article.Status.DRAFT, ready=True)
    save_in_admin(editor_client, article, status="published")
    article.refresh_from_db()
    publishing.unpublish(article)
    save_in_admin(editor_client, Article.objects.get(pk=article.pk))
    published_version = history_of(article)[-1]
    assert revisions.snapshot(published_version)["status"] == "published"
    restore_in_admin(editor_client, article, published_version, keep_live=True)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_history_pages_are_for_staff_and_restores_need_csrf(editor, three_versions):
    article = three_versions
    version = history_of(article)[-1]
    history = f"/admin/articles/article/{article.pk}/history/"
    restore = f"/admin/articles/article/{article.pk}/history/{version.pk}/restore/"
    anonymous = Client()
    assert anonymous.get(history).status_code == 302  # to the login page
    assert anonymous.post(restore).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(restore).status_code == 403
    assert strict.get(history).status_code == 200


def test_a_revision_of_another_answer_is_not_found(editor_client, make_article):
    one, other = make_article(), make_article()
    save_in_admin(editor_client, one)
    foreign = history_of(one)[0]
    url = f"/admin/articles/article/{other.pk}/history/{foreign.pk}/restore/"
    assert editor_client.get(url).status_code == 404
    bad = f"/admin/articles/article/{other.pk}/history/compare/?from=x&to=y"
    assert editor_client.get(bad).status_code == 404
    nul = f"/admin/articles/article/{other.pk}/history/compare/?from=x&to=%00"
    assert editor_client.get(nul).status_code == 400  # whatanswers.request_limits


def test_a_scheduled_answer_going_live_is_a_revision_by_the_scheduler(
    editor_client, make_article, django_capture_on_commit_callbacks
):
    soon = timezone.now() + timedelta(minutes=10)
    scheduled = make_article(status=Article.Status.DRAFT, ready=True)
    at_once = make_article(status=Article.Status.DRAFT, ready=True)
    save_in_admin(
        editor_client,
        scheduled,
        status="published",
        published_at_0=timezone.localtime(soon).date().isoformat(),
        published_at_1=timezone.localtime(soon).time().strftime("%H:%M:%S"),
    )
    with django_capture_on_commit_callbacks(execute=True):  # goes live at once
        save_in_admin(editor_client, at_once, status="published")
    later = soon + timedelta(minutes=1)
    assert publishing.announce_due(now=later) == 1
    newest = history_of(scheduled)[0]
    assert newest.revision.get_comment() == "Published (as scheduled)"
    assert newest.revision.origin.name == "scheduler"
    assert len(history_of(at_once)) == 1  # its "Published" revision only
    assert publishing.announce_due(now=later) == 0  # once


def change_form(client, article):
    """What the editor's browser holds: the form as rendered, fields filled."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return response.context["adminform"].form["edited_version"].value()


def test_a_stale_save_is_refused_and_loses_nothing(
    client, django_user_model, make_article
):
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editors")
    first, second = (
        django_user_model.objects.create_user(name, password="x", is_staff=True)
        for name in ("ada", "brian")
    )
    for user in (first, second):
        user.groups.add(editors)
    first.first_name, first.last_name = "Ada", "Lovelace"
    first.save()
    article = make_article(
        "What causes rust?", key_facts=["Iron oxidises."], status=Article.Status.DRAFT
    )
    ada, brian = Client(), Client()
    ada.force_login(first)
    brian.force_login(second)
    ada_token = change_form(ada, article)
    brian_token = change_form(brian, article)
    save_in_admin(
        ada, article, edited_version=ada_token, summary="Iron meets oxygen and water."
    )
    # Brian's copy predates Ada's save: his fact fix is refused, not applied.
    stale = {
        "edited_version": brian_token,
        "key_facts-0-text": "Iron oxidises in damp air.",
    }
    response = post_change_form(brian, article, **stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not saved: Ada Lovelace saved this answer" in page
    assert "Summary" in page and "Iron meets oxygen and water." in page  # the diff
    assert "Iron oxidises in damp air." in page  # his input is kept
    article.refresh_from_db()
    assert article.summary == "Iron meets oxygen and water."  # Ada's work stays
    assert [f.text for f in article.key_facts.all()] == ["Iron oxidises."]
    # The refused form carries the new token: saving again merges.
    token = response.context["adminform"].form.data["edited_version"]
    save_in_admin(brian, article, edited_version=token, **{
        "key_facts-0-text": "Iron oxidises in damp air.",
    })  # fmt: skip
    article.refresh_from_db()
    assert article.summary == "Iron meets oxygen and water."
    assert [f.text for f in article.key_facts.all()] == ["Iron oxidises in damp air."]


def test_the_change_form_loads_the_unsaved_changes_warning(editor_client, make_article):
    page = editor_client.get(change_url(make_article())).content.decode()
    assert "js/admin-unsaved.js" in page


def test_revision_pages_hold_nothing_the_csp_blocks(editor_client, three_versions):
    """The CSP allows no inline script or style (SECURE_CSP)."""
    article = three_versions
    newest, _, oldest = history_of(article)
    base = f"/admin/articles/article/{article.pk}"
    pages = [
        f"{base}/change/",
        f"{base}/history/",
        f"{base}/history/compare/?from={oldest.pk}&to={newest.pk}",
        f"{base}/history/{oldest.pk}/restore/",
        f"{base}/delete/",
    ]
    for url in pages:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert " style=" not in page, url
        assert "Content-Security-Policy" in response.headers, url


def test_the_history_costs_the_same_for_many_revisions(
    editor_client, editor, make_article
):
    article = make_article()

    def revise(times):
        for n in range(times):
            with revisions.recorded(f"Edit {n}", user=editor):
                article.summary = f"Summary {n}."
                article.save()
                revisions.include(article)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = editor_client.get(f"{change_url(article)[:-7]}history/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    revise(2)
    few = queries()
    revise(10)
    assert queries() == few


def test_a_restore_keeps_the_address_if_another_answer_took_it(
    editor_client, make_article
):
    article = make_article("What causes echoes?", slug="echoes")
    save_in_admin(editor_client, article)
    save_in_admin(editor_client, article, slug="why-echoes")
    make_article("What causes echoes in caves?", slug="echoes")
    oldest = history_of(article)[-1]
    restore_in_admin(editor_client, article, oldest, keep_live=True)
    article.refresh_from_db()
    assert article.slug == "why-echoes"
