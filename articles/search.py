"""Site search over published answers, with modelsearch.

modelsearch gives SQLite FTS5 locally and PostgreSQL full-text search in
production behind the same API. The index is refreshed once a save has
committed, so an answer's inlines and tags (saved after the answer itself in
the admin) are indexed with it.
"""

import threading
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from modelsearch import index
from taggit.models import TaggedItem

from topics.models import normalise_question

from .counters import increment
from .models import Article, KeyFact, SearchRecord

MAX_QUERY_LENGTH = 200


def search_articles(query):
    """Published answers matching `query`, best first (a lazy, sliceable result).

    Only the words are searched: quotes, brackets and upper-case AND/OR/NOT
    would otherwise reach SQLite FTS5 as query syntax.
    """
    return (
        Article.objects.published()
        .select_related("topic", "question_type")
        .search(normalise_question(query))
    )


def record_search(query, result_count, day=None):
    """Count one search of the normalised query (no personal data is kept)."""
    normalised = normalise_question(query)[:MAX_QUERY_LENGTH]
    if normalised:
        increment(
            SearchRecord,
            {"query": normalised, "day": day or timezone.localdate()},
            result_count=result_count,
        )


_pending = threading.local()


def reindex_on_commit(article_id):
    """Refresh the article's index entry once the current transaction commits,
    reading the answer afresh then (a deleted answer is skipped).

    A save of an answer with its facts and tags asks many times; the answer
    is still indexed once per commit, with everything it then holds.
    """
    pending = _pending_ids()
    pending.add(article_id)
    transaction.on_commit(_reindex_pending)


def _pending_ids():
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    return _pending.ids


def _reindex_pending():
    pending = _pending_ids()
    ids = sorted(pending)
    pending.clear()
    for article in Article.get_indexed_objects().filter(pk__in=ids):
        index.insert_or_update_object(article)


@receiver(post_save, sender=Article, dispatch_uid="articles.search.article_saved")
def _article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_on_commit(instance.pk)


@receiver(post_delete, sender=Article, dispatch_uid="articles.search.article_deleted")
def _article_deleted(sender, instance, **kwargs):
    transaction.on_commit(partial(index.remove_object, instance))


@receiver(post_save, sender=KeyFact, dispatch_uid="articles.search.fact_saved")
@receiver(post_delete, sender=KeyFact, dispatch_uid="articles.search.fact_deleted")
def _fact_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_on_commit(instance.article_id)


@receiver(post_save, sender=TaggedItem, dispatch_uid="articles.search.tag_saved")
@receiver(post_delete, sender=TaggedItem, dispatch_uid="articles.search.tag_deleted")
def _tags_changed(sender, instance, raw=False, **kwargs):
    article_type = ContentType.objects.get_for_model(Article)
    if not raw and instance.content_type_id == article_type.id:
        reindex_on_commit(instance.object_id)
