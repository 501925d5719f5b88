"""Every version of an answer, with its key facts, sources and tags.

django-reversion stores the versions. Every way an answer changes (an admin
save, a bulk action, an import, the answer generator) runs in `recorded()`,
which notes who (a user, or a command or task by name) and why. An editor can
compare any two versions (`compare`) and restore one (`restore`); a restore
is itself a new version, and it never publishes by itself.
"""

import difflib
from contextlib import contextmanager
from datetime import timedelta

import reversion
from django.db import transaction
from django.db.models import Max
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from . import readiness
from .models import Article, KeyFact, RevisionOrigin, Source


def register():
    """Called once from AppConfig.ready()."""
    if reversion.is_registered(Article):
        return
    reversion.register(Article, follow=["key_facts", "sources", "tagged_items"])
    reversion.register(KeyFact)
    reversion.register(Source)
    reversion.register(TaggedItem, follow=["tag"])
    reversion.register(Tag)


@contextmanager
def recorded(comment, user=None, origin=None):
    """Save what changes inside as one revision (atomic), by `user` or by
    `origin` (a command or task name). Nested, it adds to the outer one."""
    if reversion.is_active():
        yield
        return
    with reversion.create_revision():
        reversion.set_comment(comment)
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        if origin:
            reversion.add_meta(RevisionOrigin, name=origin)
        yield


def include(article):
    """Add `article` as it is now, with its facts, sources and tags, to the
    revision being recorded. Call it after the last change: related rows
    saved without signals (bulk inserts, tag sets) are only found this way."""
    if reversion.is_active():
        reversion.add_to_revision(article)


def versions_of(article):
    """The answer's versions, newest first."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision", "revision__user", "revision__origin")
        .order_by("-revision__date_created", "-pk")
    )


def snapshot(version):
    """What an editor compares: the answer as it was in `version`."""
    data = version.field_dict
    article_id = str(version.object_id)
    related = list(version.revision.version_set.select_related("content_type"))

    def of(model, key=None):
        rows = [v.field_dict for v in related if v.content_type.model_class() is model]
        if key:
            rows = [r for r in rows if str(r[key]) == article_id]
        return rows

    tag_names = {str(row["id"]): row["name"] for row in of(Tag)}
    tags = sorted(
        tag_names.get(str(row["tag_id"]), "?")
        for row in of(TaggedItem, "object_id")
        if row["content_type_id"] == version.content_type_id
    )
    facts = sorted(of(KeyFact, "article_id"), key=lambda r: (r["position"], r["id"]))
    sources = sorted(of(Source, "article_id"), key=lambda r: (r["position"], r["id"]))
    return {
        "question": data["question"],
        "summary": data["summary"],
        "body": data["body"],
        "key facts": [f["text"] for f in facts],
        "sources": [_source_line(s) for s in sources],
        "tags": tags,
        "topic": _name_of(Article.topic.field, data["topic_id"]),
        "type": _name_of(Article.question_type.field, data["question_type_id"]),
        "status": data["status"],
        "_facts": facts,
        "_sources": sources,
        "_tags": tags,
        "_fields": data,
    }


def _source_line(source):
    line = f"{source['title']} — {source['url']}"
    return f"{line} ({source['publisher']})" if source["publisher"] else line


def _name_of(field, pk):
    if pk is None:
        return ""
    found = field.related_model.objects.filter(pk=pk).first()
    return found.name if found else f"(deleted #{pk})"


COMPARED = [
    "question", "summary", "body", "key facts", "sources",
    "tags", "topic", "type", "status",
]  # fmt: skip


def compare(old, new):
    """[(field, changed, diff lines)] between two snapshots; each diff line
    is (kind, text) with kind one of " ", "-", "+"."""
    rows = []
    for field in COMPARED:
        before, after = old[field], new[field]
        before_lines = before if isinstance(before, list) else before.splitlines()
        after_lines = after if isinstance(after, list) else after.splitlines()
        lines = [
            (line[0], line[2:])
            for line in difflib.ndiff(before_lines, after_lines)
            if line[:1] in " -+"
        ]
        rows.append((field, before != after, lines))
    return rows


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
    old = snapshot(version)
    number = version.revision_id
    with transaction.atomic(), recorded(f"Restored revision {number}", user=user):
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
            article.unpublish(by=user)
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
                article.unpublish(by=user)
        include(article)
    return article


# A revision's time is taken when its request starts; publishing "now" sets
# the publish time a moment later.
SAME_REQUEST = timedelta(minutes=1)


def record_go_live(article):
    """Give an answer that went live by the clock a revision "Published (as
    scheduled)"; called once per go-live by articles.publishing. True if it
    recorded one.

    An answer published at once already has its "Published" revision from
    that moment; one whose newest revision is older than its publish time
    (by more than the length of a request) went live by the clock alone.
    """
    newest = Version.objects.get_for_object(article).aggregate(
        at=Max("revision__date_created")
    )["at"]
    if newest is not None and newest >= article.published_at - SAME_REQUEST:
        return False
    with recorded("Published (as scheduled)", origin="scheduler"):
        include(article)
    return True
