"""Which published answers carry which tag, read in bounded slices.

The related ranking (articles.discovery.related) needs, for each tag of an
answer, the other answers that carry it in the same topic, type or both.
Reading every one of them grows with the site: a common tag has thousands.
So TagPosting keeps a row per (tag, published answer) with the answer's
topic, type and date, indexed so that "the newest PER_TAG answers under this
tag in this topic" is one short index range, however large the site is.

`sync()` keeps answers' rows in step when they, or their tags, change
(articles.changes) or are loaded in bulk (generate_answers). Two
sources answer the ranking's questions: `Postings` reads the database for
one answer, `LoadedPostings` holds the whole site in memory for ranking
every answer in one pass (articles.discovery.rankings.rank_all).
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import TaggedItem

from articles.core.models import Article
from articles.discovery.models import TagPosting

# Answers read per tag and section: the longest section keeps 20 candidates.
PER_TAG = 25


def sync(article_ids):
    """Make the rows of `article_ids` match their tags and state now."""
    article_ids = list(article_ids)
    with transaction.atomic():
        TagPosting.objects.filter(article_id__in=article_ids).delete()
        TagPosting.objects.bulk_create(_rows(article_ids))


def _rows(article_ids):
    answers = {
        pk: (topic, qtype, at)
        for pk, topic, qtype, at in Article.objects.filter(
            pk__in=article_ids,
            status=Article.Status.PUBLISHED,
            question_type__isnull=False,
        ).values_list("pk", "topic_id", "question_type_id", "published_at")
    }
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article),
        object_id__in=list(answers),
    ).values_list("object_id", "tag_id")
    return [
        TagPosting(
            tag_id=tag,
            article_id=pk,
            topic_id=answers[pk][0],
            question_type_id=answers[pk][1],
            published_at=answers[pk][2],
        )
        for pk, tag in tagged
    ]


def _section_filter(topic, qtype):
    return {
        key: value
        for key, value in (("topic_id", topic), ("question_type_id", qtype))
        if value is not None
    }


class Postings:
    """The ranking's questions, answered by the database (one answer)."""

    def __init__(self):
        self.now = timezone.now()

    def under(self, tag, topic=None, qtype=None):
        """[(id, topic, type, published_at)], newest first, at most PER_TAG."""
        return list(
            TagPosting.objects.filter(
                tag_id=tag, published_at__lte=self.now, **_section_filter(topic, qtype)
            )
            .order_by("-published_at", "-article_id")
            .values_list("article_id", "topic_id", "question_type_id", "published_at")[
                :PER_TAG
            ]
        )

    def tags_of(self, article_ids, among):
        """{id: {tag ids}}, only the tags in `among`."""
        found = defaultdict(set)
        rows = TagPosting.objects.filter(article_id__in=article_ids, tag_id__in=among)
        for pk, tag in rows.values_list("article_id", "tag_id"):
            found[pk].add(tag)
        return found

    def answers(self, article_ids):
        """[(id, topic, type, published_at)] of those published now."""
        return list(
            Article.objects.published()
            .filter(pk__in=article_ids, question_type__isnull=False)
            .values_list("pk", "topic_id", "question_type_id", "published_at")
        )

    def newest(self, limit, topic=None, qtype=None):
        return list(
            Article.objects.published()
            .filter(**_section_filter(topic, qtype))
            .order_by("-published_at", "-pk")
            .values_list("pk", "topic_id", "question_type_id", "published_at")[:limit]
        )


class LoadedPostings:
    """The same answers from memory: every posting read once, in order."""

    def __init__(self, newest_limit):
        self.now = timezone.now()
        self._under = defaultdict(list)
        self._tags = defaultdict(set)
        self._answers = {}
        self._newest = defaultdict(list)
        rows = (
            TagPosting.objects.filter(published_at__lte=self.now)
            .order_by("-published_at", "-article_id")
            .values_list(
                "article_id", "topic_id", "question_type_id", "published_at", "tag_id"
            )
        )
        # A named cursor on PostgreSQL: the rows stream instead of loading.
        chunk = 20000 if connection.vendor == "postgresql" else 2000
        for pk, topic, qtype, at, tag in rows.iterator(chunk_size=chunk):
            row = (pk, topic, qtype, at)
            self._tags[pk].add(tag)
            for key in ((tag, topic, None), (tag, None, qtype), (tag, topic, qtype)):
                kept = self._under[key]
                if len(kept) < PER_TAG:
                    kept.append(row)
        # Answers without tags still fill sections with the newest.
        answers = (
            Article.objects.published()
            .filter(question_type__isnull=False)
            .order_by("-published_at", "-pk")
            .values_list("pk", "topic_id", "question_type_id", "published_at")
        )
        for row in answers.iterator(chunk_size=chunk):
            pk, topic, qtype, _at = row
            self._answers[pk] = row
            for key in ((topic, None), (None, qtype), (topic, qtype)):
                kept = self._newest[key]
                if len(kept) < newest_limit:
                    kept.append(row)

    def ids(self):
        """Every published answer, newest first."""
        return list(self._answers)

    def own_tags(self, article_id):
        return self._tags.get(article_id, set())

    def under(self, tag, topic=None, qtype=None):
        return self._under.get((tag, topic, qtype), [])

    def tags_of(self, article_ids, among):
        return {pk: self._tags.get(pk, set()) & among for pk in article_ids}

    def answers(self, article_ids):
        return [self._answers[pk] for pk in article_ids if pk in self._answers]

    def newest(self, limit, topic=None, qtype=None):
        return self._newest.get((topic, qtype), [])[:limit]
