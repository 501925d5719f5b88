"""The admin's answers list searches the site's search index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article

pytestmark = pytest.mark.django_db


def found(client, term):
    response = client.get("/admin/articles/article/", {"q": term})
    assert response.status_code == 200
    return {a.pk for a in response.context["cl"].result_list}


@pytest.fixture
def answers(make_article):
    return {
        "fact": make_article(
            "What causes frost?", key_facts=["Glass radiates heat to a clear sky."]
        ),
        "body": make_article(
            "What causes dew?", body="## Why\n\nCondensation on cool grass."
        ),
        "tag": make_article("What causes fog?", tags=["meteorology"]),
        "draft": make_article(
            "What causes hail?",
            summary="Updrafts carry drops up to freeze.",
            status=Article.Status.DRAFT,
        ),
    }


@pytest.mark.parametrize(
    ("term", "which"),
    [
        ("radiates", "fact"),  # only in a key fact
        ("condensation grass", "body"),  # only in the body
        ("meteorology", "tag"),
        ("updrafts", "draft"),  # drafts too
        ("frost", "fact"),  # the question
    ],
)
def test_a_word_anywhere_in_an_answer_finds_it(editor_client, answers, term, which):
    assert found(editor_client, term) == {answers[which].pk}


def test_the_exact_slug_finds_an_answer(editor_client, answers):
    assert found(editor_client, answers["tag"].slug) == {answers["tag"].pk}


def test_the_search_reads_the_index_not_the_bodies(editor_client, answers):
    with CaptureQueriesContext(connection) as queries:
        found(editor_client, "condensation")
    assert not any("LIKE" in q["sql"].upper() for q in queries.captured_queries)


@pytest.mark.parametrize("term", ['"', "AND OR NOT", "*", "%00", "é" * 300])
def test_hostile_search_terms_answer_200(editor_client, answers, term):
    assert found(editor_client, term) is not None


def test_a_nul_in_the_search_is_a_readable_400(editor_client, answers):
    # No page accepts NUL (whatanswers.request_limits); PostgreSQL cannot hold it.
    response = editor_client.get("/admin/articles/article/", {"q": "rain\x00"})
    assert response.status_code == 400
    assert b"holds a NUL character" in response.content
