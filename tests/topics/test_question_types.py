"""Question types with several prefixes (issue 9, point 5)."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command

from topics.models import QuestionType

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def standard_types(make_type):
    return {
        prefix: make_type(
            name,
            prefix=prefix,
            extra_prefixes=QuestionType.objects.standard_variants(prefix),
        )
        for name, prefix in [
            ("Why Do", "why do"),
            ("How Does", "how does"),
            ("What Is", "what is"),
            ("What Causes", "what causes"),
            ("How To", "how to"),
        ]
    }


@pytest.mark.parametrize(
    ("question", "prefix"),
    [
        ("Why does sourdough bread taste sour?", "why do"),
        ("Why is the sky blue?", "why do"),
        ("Why are flamingos pink?", "why do"),
        ("Why do cats purr?", "why do"),
        ("How do magnets work?", "how does"),
        ("How do I cook rice?", "how to"),  # the longer "how do i" wins
        ("How to fold a shirt?", "how to"),
        ("What are index funds?", "what is"),
        ("What's a VPN?", "what is"),
        ("What causes VMO weakness?", "what causes"),
        ("What makes bread rise?", "what causes"),
    ],
)
def test_several_prefixes_and_the_longest_wins(standard_types, question, prefix):
    assert QuestionType.objects.detect(question) == standard_types[prefix]


def test_nothing_matches_when_no_prefix_opens_the_question(standard_types):
    assert QuestionType.objects.detect("Where is the moon?") is None
    assert QuestionType.objects.detect("Whyever not?") is None  # whole words only


def test_a_prefix_cannot_belong_to_two_types(standard_types, make_type):
    clash = QuestionType(name="Why Is", slug="why-is", prefix="why is")
    with pytest.raises(ValidationError, match="“why is” \\(Why Do\\)"):
        clash.full_clean()


def test_the_admin_asks_for_a_type_when_none_matches(
    editor_client, topic, standard_types
):
    from tests.editorial.test_admin import article_form

    data = article_form(topic, standard_types["why do"], question="Where is the moon?")
    data["question_type"] = ""
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "No question type" in response.content.decode()
    data["question"] = "Why does sourdough bread taste sour?"
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302
    from articles.models import Article

    assert Article.objects.get().question_type == standard_types["why do"]


def test_the_migration_gives_existing_types_their_other_openings(make_type):
    why = make_type("Why Do", prefix="why do")
    how = make_type("How Do", prefix="how do")  # a site's own type keeps its words
    does = make_type("How Does", prefix="how does")
    migration = importlib.import_module("topics.migrations.0003_several_prefixes")
    migration.add_variants(global_apps, None)
    why.refresh_from_db(), does.refresh_from_db(), how.refresh_from_db()
    assert why.prefixes()[:3] == ["why do", "why does", "why is"]
    assert "how do" not in does.prefixes() and "how can" in does.prefixes()
    assert how.prefixes() == ["how do"]


def test_the_demo_and_the_seed_question_get_their_types(db):
    call_command("import_articles", "--create-missing", str(ROOT / "demo"), verbosity=0)
    assert (
        QuestionType.objects.detect("What causes VMO weakness?").name == "What Causes"
    )
    assert QuestionType.objects.detect("Why does sourdough bread taste sour?").name == (
        "Why Do"
    )
    assert QuestionType.objects.detect("How do I cook rice?").name == "How To"


def test_an_imported_type_name_that_is_another_types_prefix_resolves_to_it(
    standard_types, tmp_path
):
    from tests.files.test_import_articles import GOOD, run, write

    text = GOOD.replace(
        "question_type: What Causes", "question_type: Why Does"
    ).replace("What causes thunder?", "Why does thunder rumble?")
    _, err, error = run(write(tmp_path, "t.md", text))
    assert error is None, err
    from articles.models import Article

    assert Article.objects.get().question_type == standard_types["why do"]
    assert QuestionType.objects.count() == 5  # no near-duplicate type
