"""Discovery's rows: stored results of whole-corpus work, which pages read by
key (computed by articles.discovery.tasks, read by articles.discovery.rankings),
and what visitors did: views and searches, counted without personal data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Ranking(models.Model):
    """A named ranking, such as the trending list, stored as JSON."""

    key = models.CharField(max_length=100, primary_key=True)
    value = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("stored ranking")
        verbose_name_plural = _("stored rankings")

    def __str__(self):
        return self.key


class TagFrequency(models.Model):
    """How many published answers carry a tag: the rarity weights' input."""

    tag = models.OneToOneField(
        "taggit.Tag", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    answers = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tag frequency")
        verbose_name_plural = _("tag frequencies")

    def __str__(self):
        return f"{self.tag_id}: {self.answers}"


class RelatedAnswers(models.Model):
    """An answer's related candidates, best first, per related section.

    Pages drop candidates that are no longer published; new answers join
    others' lists when the scheduled task ranks those again.
    """

    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    candidates = models.JSONField(default=dict)
    computed_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("related answers")
        verbose_name_plural = _("related answers")

    def __str__(self):
        return f"related to {self.article_id}"


class TagPosting(models.Model):
    """A published answer under one of its tags, with what ranking filters on.

    The related ranking reads, per tag, the newest few answers in a topic, a
    type or both, from these indexes: bounded reads however many answers
    share the tag (articles.discovery.postings keeps the rows in step).
    """

    tag = models.ForeignKey(
        "taggit.Tag", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        "topics.Topic", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    question_type = models.ForeignKey(
        "topics.QuestionType",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    published_at = models.DateTimeField()

    class Meta:
        verbose_name = _("tag posting")
        verbose_name_plural = _("tag postings")
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "article"], name="one_posting_per_tag_article"
            )
        ]
        indexes = [
            models.Index(
                fields=["tag", "topic", "-published_at", "-article"],
                name="posting_tag_topic_idx",
            ),
            models.Index(
                fields=["tag", "question_type", "-published_at", "-article"],
                name="posting_tag_type_idx",
            ),
            models.Index(
                fields=["tag", "topic", "question_type", "-published_at", "-article"],
                name="posting_tag_pair_idx",
            ),
        ]

    def __str__(self):
        return f"{self.article_id} under {self.tag_id}"


class ViewFlush(models.Model):
    """How far the buffered page views have been written to ArticleView.

    One row. It is updated in the same transaction as the counts it covers,
    so a flush that fails or runs twice never loses or doubles a view.
    """

    flushed_through = models.BigIntegerField(default=0)
    gap_slot = models.BigIntegerField(null=True, blank=True)

    def __str__(self):
        return f"views flushed through slot {self.flushed_through}"


class TrendPoints(models.Model):
    """An answer's trending score, kept up to date as views are flushed.

    `points` is the score scaled to a shared epoch (the "trend_epoch"
    Ranking): each view adds 2^((its day's noon − epoch) / half-life), so
    answers compare by points alone and the top of the list is read from an
    index. A daily rebuild moves the epoch and drops views that left the
    window (articles.discovery.trend_points).
    """

    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    points = models.FloatField(default=0.0, db_index=True)

    def __str__(self):
        return f"{self.article_id}: {self.points}"


class ArticleView(models.Model):
    """Counted page views of one article on one day."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="views"
    )
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily views")
        verbose_name_plural = _("daily views")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "day"], name="one_view_row_per_article_day"
            )
        ]
        indexes = [models.Index(fields=["day"], name="articleview_day_idx")]

    def __str__(self):
        return f"{self.article_id} on {self.day}: {self.count}"


class SearchRecordQuerySet(models.QuerySet):
    def unanswered(self):
        return self.filter(result_count=0)


class SearchRecord(models.Model):
    """How often a normalised query was searched on a day; no personal data."""

    query = models.CharField(_("query"), max_length=200)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("searches"), default=0)
    result_count = models.PositiveIntegerField(_("results"), default=0)

    objects = SearchRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-count"]
        verbose_name = _("search")
        verbose_name_plural = _("searches")
        constraints = [
            models.UniqueConstraint(
                fields=["query", "day"], name="one_search_row_per_query_day"
            )
        ]
        indexes = [
            models.Index(
                fields=["result_count", "-count"], name="search_unanswered_idx"
            )
        ]

    def __str__(self):
        return self.query


class UnansweredSearch(SearchRecord):
    """Searches that found nothing: the questions readers miss most."""

    class Meta:
        proxy = True
        verbose_name = _("search with no results")
        verbose_name_plural = _("searches with no results")
