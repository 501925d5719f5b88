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
from django.db.models import Max
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from articles.core.models import Article, KeyFact, Source
from articles.editorial.models import RevisionOrigin


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


# A revision's time is taken when its request starts; publishing "now" sets
# the publish time a moment later.
SAME_REQUEST = timedelta(minutes=1)


def record_go_live(article):
    """Give an answer that went live by the clock a revision "Published (as
    scheduled)"; called once per go-live by articles.editorial.publishing. True if it
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
