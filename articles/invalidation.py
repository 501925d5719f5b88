"""What a change to an answer, its facts, tags, topic or type makes stale.

Every such save bumps the version tokens of the pages that show it
(articles.caching), recounts the browse counts it can move, and drops the
answer's stored related candidates when its ranking inputs changed. Tokens are
bumped at once (so the same request or test sees it) and again when the
transaction commits (so a page rendered from the old rows in between is not
kept).
"""

from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import TaggedItem

from topics.models import QuestionType, Topic

from . import after_commit, caching, rankings, trending
from .models import Article, KeyFact, Source
from .trending import CACHE_KEY as TRENDING_CACHE_KEY
from .trending import NEWEST_KEY


def bump_now_and_on_commit(*names):
    caching.bump(*names)
    transaction.on_commit(partial(caching.bump, *names))


def answer_changed(article, before=None, ranking_changed=True):
    """Make every page that shows `article` (as it is now or was) fresh."""
    before = before or {}
    live = Article.Status.PUBLISHED
    if article.pk and live not in (before.get("status"), article.status):
        # A draft edit shows on no public page: only its own address.
        bump_now_and_on_commit(f"answer:{article.pk}")
        return
    topics = {article.topic_id, before.get("topic_id")} - {None}
    types = {article.question_type_id, before.get("question_type_id")} - {None}
    names = [f"answer:{article.pk}", "latest"]
    names += [f"topic:{pk}" for pk in topics] + [f"type:{pk}" for pk in types]
    if _in_trending(article.pk):
        names.append("trending")
    visibility = ("status", "published_at", "topic_id", "question_type_id")
    moved = any(before.get(f, object()) != getattr(article, f) for f in visibility)
    if moved and rankings.refresh_counts(topic_ids=topics, type_ids=types):
        names.append("site")
    if moved or before.get("exclude_from_trending") != article.exclude_from_trending:
        trending.store_newest()
        names.append("trending")
    bump_now_and_on_commit(*names)
    if ranking_changed:
        rankings.forget_related(article.pk)
        _rank_after_commit(article.pk)


def _in_trending(article_id):
    """Could the article be listed under "Trending" (scored, or filling in)?"""
    stored = cache.get(TRENDING_CACHE_KEY)
    if stored is None or any(pk == article_id for pk, _ in stored["scores"]):
        return True
    return article_id in (cache.get(NEWEST_KEY) or [])


def _rank_after_commit(article_id):
    """Queue one ranking per answer per commit, however many of its rows
    (the answer, each tag) changed."""
    after_commit.gather(_enqueue_rankings, article_id)


def _enqueue_rankings(article_ids):
    from .tasks import refresh_related_for  # tasks import this module's peers

    for article_id in article_ids:
        refresh_related_for.enqueue(article_id)


@receiver(post_save, sender=Article, dispatch_uid="articles.invalidation.saved")
def _article_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_as_loaded", {})
    ranking_inputs = ("status", "published_at", "topic_id", "question_type_id")
    changed = not before or any(
        before.get(f) != getattr(instance, f) for f in ranking_inputs
    )
    answer_changed(instance, before, ranking_changed=changed)
    if not before or any(
        before.get(f) != getattr(instance, f) for f in ("question", "topic_id")
    ):
        _draw_card_after_commit(instance.pk)
    instance.remember_state()


def _draw_card_after_commit(article_id):
    from .tasks import make_share_image

    transaction.on_commit(partial(make_share_image.enqueue, article_id))


@receiver(post_delete, sender=Article, dispatch_uid="articles.invalidation.deleted")
def _article_deleted(sender, instance, **kwargs):
    before = {**getattr(instance, "_as_loaded", {}), "status": None}
    answer_changed(instance, before, ranking_changed=False)


@receiver(post_save, sender=KeyFact, dispatch_uid="articles.invalidation.fact")
@receiver(post_delete, sender=KeyFact, dispatch_uid="articles.invalidation.fact_d")
@receiver(post_save, sender=Source, dispatch_uid="articles.invalidation.source")
@receiver(post_delete, sender=Source, dispatch_uid="articles.invalidation.source_d")
def _inline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        bump_now_and_on_commit(f"answer:{instance.article_id}")


@receiver(post_save, sender=TaggedItem, dispatch_uid="articles.invalidation.tag")
@receiver(post_delete, sender=TaggedItem, dispatch_uid="articles.invalidation.tag_d")
def _tags_changed(sender, instance, raw=False, **kwargs):
    if raw or instance.content_type_id != _article_type_id():
        return
    article = Article.objects.filter(pk=instance.object_id).first()
    if article is not None:
        bump_now_and_on_commit(
            f"topic:{article.topic_id}", f"type:{article.question_type_id}"
        )
        rankings.forget_related(article.pk)
        _rank_after_commit(article.pk)


@receiver(post_save, sender=Topic, dispatch_uid="articles.invalidation.topic")
@receiver(post_delete, sender=Topic, dispatch_uid="articles.invalidation.topic_d")
def _topic_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        bump_now_and_on_commit(f"topic:{instance.pk}", "site", "latest")
    if not raw and kwargs.get("created") is False:
        from .tasks import make_topic_share_images

        # Its answers' cards show its name. The task redraws only the cards
        # that are out of date, so a save that kept the name draws nothing.
        transaction.on_commit(partial(make_topic_share_images.enqueue, instance.pk))


@receiver(post_save, sender=QuestionType, dispatch_uid="articles.invalidation.type")
@receiver(post_delete, sender=QuestionType, dispatch_uid="articles.invalidation.type_d")
def _type_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        bump_now_and_on_commit(f"type:{instance.pk}", "site", "latest")


def _article_type_id():
    return ContentType.objects.get_for_model(Article).pk
