"""What visitors did and knew: views and searches (counted without personal
data), and the addresses answers had before their slug changed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class SlugRedirect(models.Model):
    """An address a published answer had before its slug changed."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("slug redirect")
        verbose_name_plural = _("slug redirects")

    def __str__(self):
        return f"/q/{self.old_slug}/ → {self.article_id}"
