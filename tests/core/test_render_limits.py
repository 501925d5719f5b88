"""Hostile bodies cannot slow or break a page (issue 10, point 1).

The corpus in tests/pathological.py took Python-Markdown from seconds to a
RecursionError. Each is caught by the one linear scan before rendering:
refused where a body is saved, and shown flattened (never handed to the
Markdown parser) if it is in the database anyway.
"""

from unittest import mock

import pytest
from django.test import Client

from articles.core import markdown as md
from articles.core.markdown import complexity_problems, render_markdown
from articles.discovery.search import bulk_index
from articles.models import Article
from tests.editorial.test_admin import article_form
from tests.pathological import PATHOLOGICAL

pytestmark = pytest.mark.django_db


def test_the_corpus_is_big_enough():
    assert len(PATHOLOGICAL) >= 20


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_a_pathological_body_is_never_parsed_and_shows_as_text(name):
    body = PATHOLOGICAL[name]
    assert complexity_problems(body), name
    with mock.patch.object(md.markdown, "markdown") as parser:
        html = render_markdown(body)
    parser.assert_not_called()
    assert html.startswith("<p>") and "<script" not in html
    assert len(html) < 6 * 40_000  # cut at the size limit (escaping may grow it)


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_a_stored_pathological_body_breaks_no_page(
    name, make_article, editor_client, django_capture_on_commit_callbacks
):
    article = make_article(f"What causes trouble {len(name)}?", ready=True)
    # Stored by a path that does not validate (an old row, a raw UPDATE).
    Article.objects.filter(pk=article.pk).update(body=PATHOLOGICAL[name])
    bulk_index([article.pk])
    visitor = Client()
    assert visitor.get(article.get_absolute_url()).status_code == 200
    assert visitor.get("/search/?q=trouble").status_code == 200
    assert editor_client.get("/admin/articles/article/?q=trouble").status_code == 200
    assert (
        editor_client.get(f"/admin/articles/article/{article.pk}/preview/").status_code
        == 200
    )
    response = editor_client.post(
        "/markdownx/markdownify/", {"content": PATHOLOGICAL[name]}
    )
    assert response.status_code == 200 and response.content.startswith(b"<p>")


@pytest.mark.parametrize("name", ["nested lists", "bracket bomb", "many headings"])
def test_the_admin_form_refuses_it_with_the_reason(
    name, editor_client, topic, question_type
):
    data = article_form(topic, question_type, body=PATHOLOGICAL[name])
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This body is too big or too deeply built to show" in html
    assert not Article.objects.exists()


def test_the_importer_refuses_it_and_imports_the_others(tmp_path):
    from tests.files.test_import_articles import GOOD, run, write

    bad = write(
        tmp_path, "bomb.md", GOOD.split("## Why")[0] + PATHOLOGICAL["bracket bomb"]
    )
    good = write(tmp_path, "good.md", GOOD)
    _, err, error = run(bad, good)
    assert "bomb.md: body: This body is too big or too deeply built to show" in err
    assert "Brackets are nested 5000 deep; the limit is 12." in err
    assert list(Article.objects.values_list("question", flat=True)) == [
        "What causes thunder?"
    ]


def test_a_generated_body_past_the_limits_is_an_error_not_a_draft(
    make_article, run_worker, settings, django_capture_on_commit_callbacks
):
    from suggestions.models import Suggestion

    settings.ANSWER_GENERATION_MAX_ATTEMPTS = 1
    with (
        mock.patch(
            "suggestions.generators.outline.GENERIC_OUTLINE",
            [("Overview", "x")] * 1000,  # a thousand headings
        ),
        mock.patch.dict("suggestions.generators.outline.OUTLINES", clear=True),
    ):
        suggestion, _ = Suggestion.objects.submit("What causes a huge outline?")
        with django_capture_on_commit_callbacks(execute=True):
            suggestion.approve()
        run_worker()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.APPROVED
    assert "The generated body cannot be shown" in suggestion.generation_error
    assert not Article.objects.filter(question="What causes a huge outline?").exists()


def test_dense_but_legal_bodies_still_render():
    """Under every limit, the parser runs: the limits only stop what no
    answer needs (measured: the densest such 40,000-character bodies render
    in at most about 65 ms, against 11 ms for plain text of that size)."""
    paragraph = ("_a_ " * 60 + "filler " * 700)[:4900]
    body = "\n\n".join([paragraph] * 8)
    assert complexity_problems(body) == []
    assert "<em>a</em>" in render_markdown(body)


def test_the_search_index_never_reads_a_long_run_without_spaces():
    # PostgreSQL's text parser is quadratic on one: 40,000 characters, 6 s.
    body = PATHOLOGICAL["underscores"] + " fine words " + "x" * 250
    indexed = Article(body=body).indexed_body()
    assert max(len(word) for word in indexed.split()) <= 100
    assert "fine words" in indexed
