"""What must happen when an answer, its facts, tags, topic or type change.

This is the one place that lists it, top to bottom. `connect()` (called once
from ArticlesConfig.ready) ties each model signal to one handler here; the
packages below only offer the steps and never call each other back:
- delivery: bump the version tokens of every page that shows the change
  (at once, so the same request or test sees it, and again when the
  transaction commits, so a page rendered from the old rows in between is
  not kept);
- discovery: recount the browse counts it can move, refresh the newest and
  trending lists, re-rank the answer's related candidates after the commit,
  and refresh its search index entry after the commit;
- syndication: redraw the share card when its question or topic changed;
- editorial: fire the go-live effects once an answer is live
  (articles.editorial.publishing), which send `article_published`; the
  pages and counts that can now list it are refreshed here too.
"""

from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from taggit.models import TaggedItem

from articles.core import after_commit
from articles.core.models import Article, KeyFact, Source
from articles.core.signals import article_published
from articles.delivery import caching
from articles.discovery import postings, rankings, search, trending
from articles.discovery.tasks import refresh_related_for
from articles.editorial import publishing
from articles.syndication import sitemaps
from articles.syndication.tasks import make_share_image, make_topic_share_images
from topics.models import QuestionType, Topic

# What decides where an answer is listed and how it ranks.
VISIBILITY = ("status", "published_at", "topic_id", "question_type_id")


def connect():
    """Called once, from ArticlesConfig.ready()."""
    for signal, sender, handler in (
        (post_save, Article, answer_saved),
        (post_delete, Article, answer_deleted),
        (post_save, KeyFact, _inline_changed),
        (post_delete, KeyFact, _inline_changed),
        (post_save, Source, _inline_changed),
        (post_delete, Source, _inline_changed),
        (post_save, TaggedItem, _tags_changed),
        (post_delete, TaggedItem, _tags_changed),
        (post_save, Topic, _topic_changed),
        (post_delete, Topic, _topic_changed),
        (post_save, QuestionType, _type_changed),
        (post_delete, QuestionType, _type_changed),
    ):
        kind = "saved" if signal is post_save else "deleted"
        uid = f"articles.changes.{sender.__name__}.{kind}"
        signal.connect(handler, sender=sender, dispatch_uid=uid)
    article_published.connect(answer_went_live, dispatch_uid="articles.changes.live")
    caching.served_from_cache.connect(_count_view, dispatch_uid="articles.changes.view")


def answer_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    article = instance
    before = getattr(article, "_as_loaded", {})
    moved = not before or any(before.get(f) != getattr(article, f) for f in VISIBILITY)
    if moved:
        postings.sync([article.pk])
    live = Article.Status.PUBLISHED
    # Gone from public view: no page may show it again, not even stale.
    gone = before.get("status") == live and article.status != live
    hidden = article.exclude_from_trending and not before.get("exclude_from_trending")
    answer_changed(article, before, ranking_changed=moved, hard=gone or hidden)
    search.reindex_on_commit(article.pk)
    if not before or any(
        before.get(f) != getattr(article, f) for f in ("question", "topic_id")
    ):
        transaction.on_commit(partial(make_share_image.enqueue, article.pk))
    if article.status == Article.Status.PUBLISHED and article.announced_at is None:
        by = getattr(article, "_published_by", None)
        transaction.on_commit(
            partial(publishing.go_live_when_due, article.pk, article.published_at, by)
        )
    article.remember_state()  # the next save compares with this one


def answer_deleted(sender, instance, **kwargs):
    before = {**getattr(instance, "_as_loaded", {}), "status": None}
    answer_changed(instance, before, ranking_changed=False, hard=True)
    search.remove_on_commit(instance)


def answer_went_live(sender, article, immediate=False, **kwargs):
    """Visible from now on, whatever the last save saw: every page that can
    list it, the counts and the newest answers are refreshed. The publishing
    save itself (`immediate`) already queued its ranking."""
    answer_changed(article, before={"status": None}, ranking_changed=not immediate)


def answer_changed(article, before=None, ranking_changed=True, hard=False):
    """Make every page that shows `article` (as it is now or was) fresh;
    `hard` when no page may show what it was, not even while re-rendered."""
    before = before or {}
    live = Article.Status.PUBLISHED
    if article.pk and live not in (before.get("status"), article.status):
        # A draft edit shows on no public page: only its own address.
        bump_now_and_on_commit(f"answer:{article.pk}", hard=hard)
        return
    topics = {article.topic_id, before.get("topic_id")} - {None}
    types = {article.question_type_id, before.get("question_type_id")} - {None}
    # Answer pages that list it depend on its own token (pages.fragments);
    # the rest depend on the listings it is in.
    names = [f"answer:{article.pk}", "latest", sitemaps.section_token(article.pk)]
    names += [f"topic:{pk}" for pk in topics] + [f"type:{pk}" for pk in types]
    if trending.could_list(article.pk):
        names.append("trending")
    moved = any(before.get(f, object()) != getattr(article, f) for f in VISIBILITY)
    if moved:
        # The browse counts shown everywhere ("site") follow on the schedule
        # (refresh_rankings), or every publish would make every page stale.
        rankings.refresh_counts(topic_ids=topics, type_ids=types)
    if moved or before.get("exclude_from_trending") != article.exclude_from_trending:
        trending.store_newest()
        if trending.newest_shown():  # a young site: the newest fill the lists
            names += ["trending", "rail"]
    bump_now_and_on_commit(*names, hard=hard)
    if ranking_changed:
        _rerank(article.pk)


def _inline_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    bump_now_and_on_commit(f"answer:{instance.article_id}")
    if sender is KeyFact:
        search.reindex_on_commit(instance.article_id)


def _tags_changed(sender, instance, raw=False, **kwargs):
    if raw or instance.content_type_id != _article_type_id():
        return
    search.reindex_on_commit(instance.object_id)
    postings.sync([instance.object_id])
    article = Article.objects.filter(pk=instance.object_id).first()
    if article is not None:
        bump_now_and_on_commit(
            f"topic:{article.topic_id}", f"type:{article.question_type_id}"
        )
        _rerank(article.pk)


def _topic_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    bump_now_and_on_commit(
        f"topic:{instance.pk}",
        f"topic-row:{instance.pk}",
        "site",
        "browse",
        "latest",
    )
    if kwargs.get("created") is False:
        # Its answers' cards show its name. The task redraws only the cards
        # that are out of date, so a save that kept the name draws nothing.
        transaction.on_commit(partial(make_topic_share_images.enqueue, instance.pk))


def _type_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        bump_now_and_on_commit(
            f"type:{instance.pk}",
            f"type-row:{instance.pk}",
            "site",
            "browse",
            "latest",
        )


def _count_view(sender, request, of, **kwargs):
    """A page served from the cache still counts as a view of its answer."""
    trending.count_view(request, of)


def bump_now_and_on_commit(*names, hard=False):
    caching.bump(*names, hard=hard)
    transaction.on_commit(partial(caching.bump, *names, hard=hard))


def _rerank(article_id):
    """Queue one ranking per answer per commit, however many of its rows
    (the answer, each tag) changed. Its stored candidates serve until then:
    the page shows only those still in the section's topic and type."""
    after_commit.gather(_enqueue_rankings, article_id)


def _enqueue_rankings(article_ids):
    for article_id in article_ids:
        refresh_related_for.enqueue(article_id)


def _article_type_id():
    return ContentType.objects.get_for_model(Article).pk
