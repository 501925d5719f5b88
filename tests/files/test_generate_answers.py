"""manage.py generate_answers: a realistic large site on demand."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from taggit.models import TaggedItem

from articles.discovery.search import bulk_index, search_articles
from articles.discovery.search_postgres import GIN_INDEXES_SQL, GIN_TABLES
from articles.models import Article, ArticleView, KeyFact, Source
from topics.models import QuestionType, Topic

pytestmark = pytest.mark.django_db


def generate(*args):
    out = StringIO()
    call_command("generate_answers", *map(str, args), stdout=out)
    return out.getvalue()


def snapshot():
    return [
        (a.question, a.slug, a.topic.slug, a.question_type.slug, a.summary, a.body)
        for a in Article.objects.select_related("topic", "question_type").order_by("pk")
    ]


def test_answers_have_realistic_variety():
    output = generate(120, "--views", 600, "--batch", 50)
    assert "120/120 answers" in output and "600/600 view rows" in output
    assert Article.objects.published().count() == 120
    assert Topic.objects.count() == 30 and QuestionType.objects.count() == 10
    facts = KeyFact.objects.values("article").annotate(n=Count("pk"))
    assert {row["n"] for row in facts} <= {4, 5, 6}
    sources = Source.objects.values("article").annotate(n=Count("pk"))
    assert {row["n"] for row in sources} <= {2, 3}
    tags = TaggedItem.objects.values("object_id").annotate(n=Count("pk"))
    assert {row["n"] for row in tags} <= {3, 4, 5, 6}
    words = [len(a.body.split()) for a in Article.objects.all()]
    assert min(words) >= 400 and max(words) <= 900
    assert ArticleView.objects.count() == 600
    # Stored counts are ready for the browse sections.
    assert sum(Topic.objects.values_list("published_count", flat=True)) == 120


def test_tags_follow_a_zipf_like_spread():
    generate(300)
    counts = sorted(
        TaggedItem.objects.values("tag")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True),
        reverse=True,
    )
    # The most used tag is far more common than the typical one.
    assert counts[0] >= 10 * counts[len(counts) // 2]


def test_same_seed_same_site_whatever_the_batch_size():
    generate(40, "--seed", 7, "--batch", 40)
    first = snapshot()
    Article.objects.all().delete()
    generate(40, "--seed", 7, "--batch", 9, "--force")
    assert [row[2:] for row in snapshot()] == [row[2:] for row in first]


def test_refuses_a_database_with_answers_unless_forced(make_article):
    make_article()
    with pytest.raises(CommandError, match="already holds 1 answers"):
        generate(5)
    assert Article.objects.count() == 1
    generate(5, "--force")
    assert Article.objects.count() == 6


def test_generated_answers_are_searchable():
    generate(30)
    article = Article.objects.order_by("pk")[3]
    word = article.question.split()[2]
    assert article in list(search_articles(word))


def test_generated_answers_have_no_go_live_effects_left_to_fire():
    from articles.editorial import publishing

    generate(30)
    assert publishing.announce_due() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_bulk_index_builds_the_vectors_modelsearch_builds(
    make_article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(
            "What causes frost on windows?",
            summary="Cold glass below the dew point.",
            key_facts=["Water vapour freezes.", "Glass loses heat fast."],
            tags=["winter", "physics"],
            body="## Why\n\nRadiative cooling at night.",
        )
    with connection.cursor() as cursor:
        query = (
            "SELECT lexeme, weights FROM modelsearch_indexentry, unnest(body) "
            "WHERE object_id = %s ORDER BY lexeme"
        )
        cursor.execute(query, [str(article.pk)])
        by_modelsearch = cursor.fetchall()
        bulk_index([article.pk])
        cursor.execute(query, [str(article.pk)])
        assert cursor.fetchall() == by_modelsearch
    assert len(by_modelsearch) > 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_search_indexes_keep_no_pending_list_after_a_bulk_load():
    """Searches read a GIN pending list in full: it stays off, and a bulk load
    that switched it on merges it and switches it off again."""

    def fastupdate():
        with connection.cursor() as cursor:
            cursor.execute(GIN_INDEXES_SQL, [list(GIN_TABLES)])
            names = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)",
                [names],
            )
            return dict(cursor.fetchall())

    before = fastupdate()
    assert len(before) >= 5  # modelsearch's three and ours on both tables
    assert all(options == ["fastupdate=off"] for options in before.values())
    generate(12)
    assert fastupdate() == before
