from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.core.models import InvalidTransition
from articles.core.signals import article_published
from articles.editorial import publishing
from articles.models import Article
from topics.models import QuestionType, Topic

pytestmark = pytest.mark.django_db


def test_slug_is_derived_from_question_when_empty(make_article):
    article = make_article("What causes static shock?")
    assert article.slug == "what-causes-static-shock"


def test_derived_slugs_stay_unique(make_article):
    first = make_article("What causes rain?")
    second = make_article("What causes rain?")
    assert first.slug == "what-causes-rain"
    assert second.slug == "what-causes-rain-2"


def test_explicit_duplicate_slug_is_refused_by_the_database(make_article):
    make_article("What causes rain?", slug="rain")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article("What causes snow?", slug="rain")


def test_question_type_is_detected_by_longest_prefix(make_type, topic):
    what = make_type("What", prefix="what")
    what_causes = make_type("What Causes", prefix="What causes")
    article = Article.objects.create(
        question="What causes hiccups?", topic=topic, body="x"
    )
    assert article.question_type == what_causes
    other = Article.objects.create(question="What is rain?", topic=topic, body="x")
    assert other.question_type == what


def test_prefix_must_match_whole_words(make_type):
    make_type("Why Do", prefix="why do")
    assert QuestionType.objects.detect("Why does it rain?") is None
    assert QuestionType.objects.detect("  why DO cats purr?").name == "Why Do"


@pytest.mark.parametrize("status", ["review", "published"])
def test_undetectable_type_is_a_clear_validation_error(topic, status):
    article = Article(question="Where is Paris?", topic=topic, body="x", status=status)
    with pytest.raises(ValidationError) as excinfo:
        article.full_clean()
    assert "question_type" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        article.save()


def test_only_a_draft_may_wait_for_its_type(topic):
    draft = Article(question="Where is Paris?", topic=topic, body="x")
    draft.full_clean()  # a generated draft; the editor chooses later
    draft.save()
    assert draft.question_type is None
    from articles.editorial.trash import move_to_trash, restore_from_trash

    move_to_trash(draft)
    restore_from_trash(draft)


def test_published_excludes_drafts_and_scheduled_articles(make_article):
    live = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(days=1))
    assert list(Article.objects.published()) == [live]


def test_published_article_needs_a_publication_time(topic, question_type):
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            question="What causes x?",
            topic=topic,
            question_type=question_type,
            body="x",
            status=Article.Status.PUBLISHED,
        )


def test_topic_counts_agree_with_published_queryset(make_article, make_topic):
    other = make_topic()
    make_article()
    make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(days=1))
    make_article(topic=other, status=Article.Status.DRAFT)
    counts = {t.name: t.answer_count for t in Topic.objects.with_counts()}
    assert counts == {"Daily Life": 2, other.name: 0}
    assert counts["Daily Life"] == Article.objects.published().count()
    assert [t.name for t in Topic.objects.with_answers()] == ["Daily Life"]


def test_publish_sets_time_and_signals_once_after_commit(
    make_article, editor, django_capture_on_commit_callbacks
):
    article = make_article(status=Article.Status.DRAFT, ready=True)
    received = []

    def listener(sender, article, by, **kwargs):
        received.append((article.pk, by))

    article_published.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            publishing.publish(article, by=editor)
    finally:
        article_published.disconnect(listener)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    assert article.updated_by == editor
    assert received == [(article.pk, editor)]


def test_publishing_twice_is_refused(make_article):
    article = make_article()
    with pytest.raises(InvalidTransition, match="already published"):
        publishing.publish(article)


def test_unpublish_keeps_original_date(make_article):
    article = make_article()
    published_at = article.published_at
    publishing.unpublish(article)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at == published_at
    with pytest.raises(InvalidTransition):
        publishing.unpublish(article)
