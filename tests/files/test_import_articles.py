import textwrap

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from topics.models import QuestionType, Topic

pytestmark = pytest.mark.django_db

GOOD = (
    """\
---
question: What causes thunder?
topic: Weather
question_type: What Causes
summary: Lightning heats the air so fast that it expands with a bang.
tags: [storms, sound]
key_facts:
  - Thunder is the sound made by lightning.
  - Sound travels about a kilometre every three seconds.
  - Thunder is rarely heard more than 15 km from the bolt.
sources:
  - title: Thunder
    url: https://en.wikipedia.org/wiki/Thunder
    publisher: Wikipedia
status: published
published_at: 2026-04-01T09:00:00Z
last_updated: 2026-04-04
ai_assisted: true
---

## Why it rumbles

Different parts of the bolt are at different distances.
"""
    + " ".join(
        f"Line {i} of the answer adds one more plain detail about the sound."
        for i in range(15)
    )
    + "\n"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run(*paths, create_missing=True):
    """Run the command; (stdout, stderr, error or None). The files' topics
    and types are created unless `create_missing` is False."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    flags = ["--create-missing"] if create_missing else []
    try:
        call_command(
            "import_articles", *flags, *map(str, paths), stdout=out, stderr=err
        )
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_a_file_that_is_not_ready_is_refused_as_published_and_kept_as_draft(
    tmp_path,
):
    outline = (
        GOOD.split("## Why it rumbles")[0] + "## Overview\n\n<!-- Editor: fill in -->\n"
    )
    _, err, error = run(write(tmp_path, "outline.md", outline))
    assert error is not None
    assert "outline.md: status: cannot be published" in err
    assert "The body has 1 word; it needs at least 150." in err
    assert "editor note or a placeholder" in err
    assert "These sections are empty: “Overview”." in err
    assert not Article.objects.exists()  # nothing of it saved
    as_draft = outline.replace("status: published", "status: draft")
    _, _, error = run(write(tmp_path, "outline.md", as_draft))
    assert error is None
    assert Article.objects.get().status == Article.Status.DRAFT


def test_a_good_file_creates_a_complete_article(tmp_path):
    out, _, error = run(write(tmp_path, "thunder.md", GOOD))
    assert error is None
    assert "1 created, 0 updated, 0 failed" in out
    article = Article.objects.get()
    assert article.slug == "what-causes-thunder"
    assert article.topic.name == "Weather"
    assert article.question_type.prefix == "what causes"
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at.isoformat() == "2026-04-01T09:00:00+00:00"
    assert article.last_updated.isoformat() == "2026-04-04"
    assert article.ai_assisted is True
    assert article.body.startswith("## Why it rumbles")
    assert sorted(article.tags.names()) == ["sound", "storms"]
    assert [f.text for f in article.key_facts.all()][1].startswith("Sound travels")
    assert article.sources.get().publisher == "Wikipedia"


def test_reimporting_a_slug_updates_instead_of_duplicating(tmp_path):
    path = write(tmp_path, "thunder.md", GOOD)
    run(path)
    path.write_text(GOOD.replace("kilometre", "km"), encoding="utf-8")
    out, _, error = run(path)
    assert error is None
    assert "0 created, 1 updated" in out
    article = Article.objects.get()
    assert article.key_facts.count() == 3
    assert "km every" in article.key_facts.all()[1].text
    assert Topic.objects.count() == 1 and QuestionType.objects.count() == 1


def test_type_is_detected_when_absent(tmp_path, question_type):
    run(write(tmp_path, "a.md", GOOD.replace("question_type: What Causes\n", "")))
    assert Article.objects.get().question_type == question_type


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("question: What causes thunder?\n", ""), "question"),
        (("published_at: 2026-04-01T09:00:00Z", "published_at: yesterday"),
         "published_at"),
        (("last_updated: 2026-04-04", "last_updated: 2026-13-45"), "last_updated"),
        (("https://en.wikipedia.org/wiki/Thunder", "javascript:alert(1)"),
         "sources[0].url"),
        (("tags: [storms, sound]", "tags: [storms, sound"), "front matter"),
        (("status: published", "status: live"), "status"),
        (("status: published", "status: trashed"), "status"),  # not by file
        (("question_type: What Causes\n", ""), "question_type"),
        (("ai_assisted: true", "ai_assisted: maybe"), "ai_assisted"),
        (("topic: Weather", "colour: blue\ntopic: Weather"), "colour"),
    ],
)  # fmt: skip
def test_a_bad_file_is_reported_by_name_and_field_and_saves_nothing(
    tmp_path, change, field
):
    bad = write(tmp_path, "bad.md", GOOD.replace(*change))
    good = write(tmp_path, "good.md", GOOD.replace("thunder", "lightning"))
    out, err, error = run(bad, good)
    assert error is not None, "a failed file must make the command fail"
    assert "1 created, 0 updated, 1 failed" in str(error)
    assert f"{bad}: {field}" in err
    assert [a.question for a in Article.objects.all()] == ["What causes lightning?"]


def test_a_failure_late_in_a_file_rolls_back_its_new_topic(tmp_path):
    bad = GOOD.replace("topic: Weather", "topic: Brand New").replace(
        "[storms, sound]", "[" + "x" * 101 + "]"
    )
    _, err, error = run(write(tmp_path, "bad.md", bad))
    assert error is not None and "tags[0]" in err
    assert not Topic.objects.filter(name="Brand New").exists()


def test_file_without_front_matter_is_reported(tmp_path):
    _, err, error = run(write(tmp_path, "plain.md", "# Just markdown\n"))
    assert error is not None
    assert "plain.md: front matter: the file must start with a '---' line" in err


def test_directories_import_every_markdown_file(tmp_path):
    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", GOOD.replace("thunder", "hail"))
    write(tmp_path, "notes.txt", "ignored")
    out, _, error = run(tmp_path)
    assert error is None and "Imported 2 files: 2 created" in out


def test_missing_path_is_a_clear_error(tmp_path):
    _, _, error = run(tmp_path / "nope")
    assert "no such file or directory" in str(error)


def test_if_empty_skips_a_database_with_answers(tmp_path, make_article):
    make_article()
    from io import StringIO

    out = StringIO()
    call_command(
        "import_articles", "--if-empty", str(write(tmp_path, "a.md", GOOD)), stdout=out
    )
    assert "nothing imported" in out.getvalue()
    assert Article.objects.count() == 1


def test_questions_that_slugify_alike_get_distinct_slugs(tmp_path):
    write(tmp_path, "a.md", GOOD)
    write(
        tmp_path, "b.md", GOOD.replace("What causes thunder?", "What causes thunder!")
    )
    out, _, error = run(tmp_path)
    assert error is None and "2 created" in out
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs == ["what-causes-thunder", "what-causes-thunder-2"]


def test_an_unknown_topic_names_the_closest_ones(tmp_path, make_topic):
    make_topic("Food & Cooking")
    make_topic("Weather")
    bad = GOOD.replace("topic: Weather", "topic: Food and Cooking")
    _, err, error = run(write(tmp_path, "food.md", bad), create_missing=False)
    assert error is not None
    assert "topic: Food and Cooking: no such topic; did you mean Food & Cooking?" in err
    assert not Article.objects.exists()


def test_a_created_topic_whose_address_is_taken_is_reported(tmp_path, make_topic):
    make_topic("Food & Cooking", slug="food-and-cooking")
    bad = GOOD.replace("topic: Weather", "topic: Food and Cooking!")
    _, err, error = run(write(tmp_path, "food.md", bad))
    assert error is not None
    assert "its address 'food-and-cooking' is already Food & Cooking's" in err


def test_exclusion_from_trending_and_old_addresses_round_trip(tmp_path):
    from articles.files.markdown_files import render_article

    text = GOOD.replace(
        "ai_assisted: true",
        "ai_assisted: true\nexclude_from_trending: true\n"
        "redirect_from: [old-thunder, older-thunder]",
    )
    run(write(tmp_path, "t.md", text))
    article = Article.objects.get()
    assert article.exclude_from_trending is True
    assert sorted(r.old_slug for r in article.redirects.all()) == [
        "old-thunder", "older-thunder",
    ]  # fmt: skip
    rendered = render_article(article)
    assert "exclude_from_trending: true" in rendered
    assert "- old-thunder\n- older-thunder" in rendered


def test_an_old_address_of_another_answer_is_refused(tmp_path, make_article):
    other = make_article("What causes rain?")
    text = GOOD.replace(
        "ai_assisted: true", f"ai_assisted: true\nredirect_from: [{other.slug}]"
    )
    _, err, error = run(write(tmp_path, "t.md", text))
    assert error is not None and "another answer's slug" in err
