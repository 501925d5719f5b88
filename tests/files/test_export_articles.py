from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, SlugRedirect
from topics.models import QuestionType, Topic

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "demo"


def export(directory):
    call_command("export_articles", str(directory), stdout=StringIO())
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.md"))}


def empty_database():
    Article.objects.all().delete()
    Topic.objects.all().delete()
    QuestionType.objects.all().delete()


def test_export_import_export_is_byte_identical(tmp_path, make_article):
    call_command("import_articles", str(DEMO), create_missing=True, stdout=StringIO())
    make_article(
        "What causes a draft with “quotes”: and colons?",
        status=Article.Status.DRAFT,
        summary="Line one\nline two: with a colon.",
        body="Windows line endings\r\nstay stable.\r\n",
        key_facts=["- looks like a list", "#hash"],
        tags=["Zeta", "alpha"],
        exclude_from_trending=True,
    )
    make_article(
        "Where do swifts sleep?",  # no type's prefix matches: a draft waits
        status=Article.Status.DRAFT,
        question_type=None,
    )
    moved = Article.objects.get(slug="how-does-a-rainbow-form")
    SlugRedirect.objects.create(article=moved, old_slug="why-rainbows")
    SlugRedirect.objects.create(article=moved, old_slug="rainbow-forming")
    Article.objects.filter(pk=moved.pk).update(
        reviewer_name="Grace Hopper", reviewed_at="2026-05-01T10:00:00Z"
    )
    first = export(tmp_path / "first")
    rainbow = first["how-does-a-rainbow-form.md"]
    assert (
        b"reviewed_by: Grace Hopper\nreviewed_at: '2026-05-01T10:00:00+00:00'"
        in rainbow
    )
    assert b"question_type" not in first["where-do-swifts-sleep.md"]
    assert b"exclude_from_trending: true" in b"".join(first.values())
    assert b"- rainbow-forming\n- why-rainbows" in first["how-does-a-rainbow-form.md"]
    assert len(first) == Article.objects.count() == 26

    empty_database()
    call_command(
        "import_articles",
        str(tmp_path / "first"),
        create_missing=True,
        stdout=StringIO(),
    )
    second = export(tmp_path / "second")
    assert second == first


def test_export_writes_the_import_format(tmp_path, make_article):
    make_article("What causes rain?", key_facts=["Clouds"], tags=["weather"])
    text = tmp_path / "out" / "what-causes-rain.md"
    export(tmp_path / "out")
    content = text.read_text()
    assert content.startswith(
        "---\nquestion: What causes rain?\nslug: what-causes-rain\n"
    )
    assert "topic: Daily Life\nquestion_type: What Causes\n" in content
    assert "key_facts:\n- Clouds\n" in content
    assert "status: published\n" in content
