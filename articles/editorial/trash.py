"""A trash, not a shredder: deleting an answer moves it here.

A trashed answer has the status "In trash": every public page, the search,
the sitemap and the feeds show published answers only, so it disappears from
all of them at once, while its facts, sources, tags, old addresses and view
counts stay. An editor restores it as it was; only a superuser deletes it for
good, from the trash.
"""

from django.db import transaction
from django.utils import timezone

from articles.core.models import Article, InvalidTransition
from articles.editorial import readiness, revisions


def move_to_trash(article, by=None):
    article = _fresh(article)
    if article.status == Article.Status.TRASHED:
        raise InvalidTransition(f"“{article}” is already in the trash.")
    _move(article, by, "Moved to the trash", Article.Status.TRASHED,
          before=article.status, trashed_at=timezone.now())  # fmt: skip


def restore_from_trash(article, by=None):
    """Back to the state it was trashed from: live again if it was live, and
    still may be (ready, and `by` may publish). Returns why it came back as a
    draft instead ([] when it came back as it was)."""
    article = _fresh(article)
    if article.status != Article.Status.TRASHED:
        raise InvalidTransition(f"“{article}” is not in the trash.")
    status = article.status_before_trash or Article.Status.DRAFT
    held = []
    if status == Article.Status.PUBLISHED:
        if by is not None and not by.has_perm("articles.publish_answer"):
            held.append("Only an editor can put it back live.")
        held += readiness.article_problems(article)
        if held:
            status = Article.Status.DRAFT
    _move(article, by, "Restored from the trash", status, before="", trashed_at=None)
    return held


def _move(article, by, comment, status, before, trashed_at):
    """One atomic save of the new state, recorded as a revision."""
    with transaction.atomic(), revisions.recorded(comment, user=by):
        article.status = status
        article.status_before_trash = before
        article.trashed_at = trashed_at
        article.updated_by = by
        article.save(
            update_fields=[
                "status", "status_before_trash", "trashed_at", "updated_by",
                "updated_at",
            ]
        )  # fmt: skip
        revisions.include(article)


def _fresh(article):
    """The row as it is now, as an Article (the trash's list uses a proxy)."""
    return Article.objects.get(pk=article.pk)
