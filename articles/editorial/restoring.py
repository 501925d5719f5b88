"""Restoring an old revision of an answer: the old content comes back as a
new revision, and what stays live must be as ready as any published answer."""

from django.db import transaction

from articles.core.models import Article, KeyFact, Source
from articles.editorial import publishing, readiness, revisions

# What a restore puts back; the status is the editor's choice (see restore).
RESTORED_FIELDS = [
    "question", "slug", "topic_id", "question_type_id", "summary", "body",
    "last_updated", "ai_assisted", "exclude_from_trending",
]  # fmt: skip


def restore(article, version, user, keep_live=False):
    """Put `version` back as a new revision ("Restored revision N").

    An answer that is live stays live only with `keep_live`; otherwise it is
    restored as a draft. A draft is never published by a restore.
    """
    old = revisions.snapshot(version)
    number = version.revision_id
    with (
        transaction.atomic(),
        revisions.recorded(f"Restored revision {number}", user=user),
    ):
        article = Article.objects.select_for_update().get(pk=article.pk)
        for field in RESTORED_FIELDS:
            # A field the old version predates keeps its current value.
            setattr(article, field, old["_fields"].get(field, getattr(article, field)))
        taken = Article.objects.filter(slug=article.slug).exclude(pk=article.pk)
        if taken.exists():
            # Another answer has that address now: keep this one's.
            article.slug = Article.objects.values_list("slug", flat=True).get(
                pk=article.pk
            )
        article.updated_by = user
        live = article.status == Article.Status.PUBLISHED
        article.save()
        if live and not keep_live:
            publishing.unpublish(article, by=user)
        article.key_facts.all().delete()
        for fact in old["_facts"]:
            KeyFact.objects.create(
                article=article, text=fact["text"], position=fact["position"]
            )
        article.sources.all().delete()
        for source in old["_sources"]:
            Source.objects.create(
                article=article,
                title=source["title"],
                url=source["url"],
                publisher=source["publisher"],
                position=source["position"],
            )
        article.tags.set(old["_tags"])
        # What stays live must be ready, as for any other way of publishing.
        article.not_ready = []
        if live and keep_live:
            article.not_ready = readiness.article_problems(article)
            if article.not_ready:
                publishing.unpublish(article, by=user)
        revisions.include(article)
    return article
