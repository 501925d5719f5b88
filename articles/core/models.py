import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField
from modelsearch import index
from modelsearch.queryset import SearchableQuerySetMixin
from taggit.managers import TaggableManager

from articles.core.markdown import render_markdown, validate_renderable
from articles.core.validators import unique_slug, validate_sane_date
from topics.models import QuestionType, Topic, normalise_question

LONG_RUN = re.compile(r"\S{100}")


def staff_member(verbose_name=None):
    """Who did something to an answer; kept as nobody if the account goes."""
    extra = {"verbose_name": verbose_name} if verbose_name else {}
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        **extra,
    )


NO_MATCHING_TYPE = _(
    "No question type's prefix matches this question. "
    "Choose a type, or add one with a matching prefix."
)


class InvalidTransition(Exception):
    """A state change that the article's current state does not allow."""


# What an answer card reads (articles.pages.cards), and what filters lists.
CARD_FIELDS = (
    "id", "slug", "question", "summary", "topic_id", "question_type_id",
    "published_at", "exclude_from_trending",
    "topic__id", "topic__name", "topic__slug",
    "question_type__id", "question_type__name", "question_type__slug",
)  # fmt: skip


class ArticleQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def published(self):
        """What visitors may see: published, and not scheduled for later."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        )

    def for_listing(self):
        """Published answers with what a listing row shows, newest first."""
        return (
            self.published()
            .select_related("topic", "question_type")
            .order_by("-published_at", "-pk")
        )

    def cards(self):
        """for_listing() reading only what a card shows (articles.pages.cards):
        no body, which is most of a row."""
        return self.for_listing().only(*CARD_FIELDS)


class Article(index.Indexed, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "review", _("In review")  # articles.editorial.publishing
        PUBLISHED = "published", _("Published")
        TRASHED = "trashed", _("In trash")  # articles.editorial.trash

    question = models.CharField(
        _("question"), max_length=200, help_text=_("The page title, as a question.")
    )
    # The question as normalise_question() gives it, to find "already
    # answered?" matches by key.
    normalised_question = models.CharField(
        max_length=200, blank=True, editable=False, db_index=True
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "The end of the address. Left empty, it is made from the question."
        ),
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("topic"),
    )
    # Null only on drafts: a generated draft whose question no type's prefix
    # matches waits for an editor to choose (publishing requires one).
    question_type = models.ForeignKey(
        QuestionType,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("question type"),
        null=True,
        blank=True,
        help_text=_("Left empty, it is detected from the question's opening words."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=400,
        blank=True,
        help_text=_(
            "A one-to-two-sentence answer, used for snippets and the meta description."
        ),
    )
    body = MarkdownxField(
        _("body"),
        help_text=_("Markdown, with a live preview below."),
        validators=[validate_renderable],
    )
    tags = TaggableManager(_("tags"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("published at"),
        validators=[validate_sane_date],
        null=True,
        blank=True,
        help_text=_("A future time schedules the answer; it stays hidden until then."),
    )
    last_updated = models.DateField(
        _("last updated"),
        validators=[validate_sane_date],
        default=timezone.localdate,
        help_text=_("The editorial date shown on the page as “Last updated”."),
    )
    ai_assisted = models.BooleanField(
        _("AI-assisted"),
        default=False,
        help_text=_("Shows a line saying the answer was AI-assisted and reviewed."),
    )
    exclude_from_trending = models.BooleanField(
        _("exclude from trending"),
        default=False,
        help_text=_("Never list this answer under “Trending”."),
    )
    published_slug = models.SlugField(
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("The slug visitors last saw; a change leaves a redirect."),
    )
    unpublish_at = models.DateTimeField(
        _("unpublish at"),
        validators=[validate_sane_date],
        null=True,
        blank=True,
        help_text=_("Optional: the answer goes back to draft at this time."),
    )
    # When the go-live effects (suggestion closed, requesters emailed, caches
    # refreshed) fired for the current publication; articles.editorial.publishing.
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = staff_member(_("submitted by"))
    submitted_at = models.DateTimeField(
        _("submitted for review"), null=True, blank=True, editable=False
    )
    reviewed_by = staff_member(_("reviewed by"))
    # The name as shown on the page when the review was made: the article
    # page reads it without a join, and it survives the account.
    reviewer_name = models.CharField(
        _("reviewer"), max_length=150, blank=True, editable=False
    )
    reviewed_at = models.DateTimeField(
        _("reviewed"), null=True, blank=True, editable=False
    )
    review_note = models.TextField(
        _("review note"),
        blank=True,
        editable=False,
        help_text=_("The reviewer's comment when the answer was sent back."),
    )
    trashed_at = models.DateTimeField(
        _("moved to trash"), null=True, blank=True, editable=False
    )
    status_before_trash = models.CharField(max_length=10, blank=True, editable=False)
    # Part of every signed preview link (articles.editorial.preview): a new
    # key revokes the links given out so far.
    preview_key = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = staff_member()
    updated_by = staff_member()

    objects = ArticleQuerySet.as_manager()

    # Kept in sync by articles.discovery.search, once the whole save (inlines
    # and tags included) has committed, rather than by modelsearch's own queue.
    search_auto_update = False
    search_fields = [
        index.SearchField("question", boost=5),
        index.SearchField("summary", boost=3),
        index.RelatedFields("key_facts", [index.SearchField("text", boost=2)]),
        index.RelatedFields("tags", [index.SearchField("name", boost=2)]),
        index.SearchField("indexed_body"),
        index.FilterField("status"),
        index.FilterField("published_at"),
    ]

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        permissions = [
            ("publish_answer", _("Can review and publish answers")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | models.Q(published_at__isnull=False),
                name="published_article_has_published_at",
            ),
        ]
        # Each listing's filter and order (newest first, then -pk), so that a
        # page of any listing, deep pages included, is read from one index.
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id"],
                name="article_published_idx",
            ),
            models.Index(
                fields=["topic", "status", "-published_at", "-id"],
                name="article_topic_idx",
            ),
            models.Index(
                fields=["question_type", "status", "-published_at", "-id"],
                name="article_type_idx",
            ),
            models.Index(
                fields=["topic", "question_type", "status", "-published_at", "-id"],
                name="article_topic_type_idx",
            ),
            # What articles.editorial.publishing looks for on every pass: answers whose
            # go-live effects are still to fire, and timed unpublishing.
            models.Index(
                fields=["published_at"],
                condition=models.Q(status="published", announced_at__isnull=True),
                name="article_to_announce_idx",
            ),
            models.Index(
                fields=["unpublish_at"],
                condition=models.Q(unpublish_at__isnull=False),
                name="article_to_unpublish_idx",
            ),
        ]

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        if not self._fill_question_type() and self.needs_type():
            raise ValidationError(NO_MATCHING_TYPE)
        if not self.slug:
            self.slug = unique_slug(Article, self.question, exclude_pk=self.pk)
        self.normalised_question = normalise_question(self.question)[:200]
        if kwargs.get("update_fields") is not None:
            kwargs = _with_update_field(kwargs, "normalised_question")
        if self.announced_at and not self.is_live():
            # Unpublished or moved ahead: what fired will fire again when it
            # is next live (articles.editorial.publishing), and anything pending is off.
            self.announced_at = None
            kwargs = _with_update_field(kwargs, "announced_at")
        with transaction.atomic():
            went_live = self._take_live_slug()
            if went_live:
                kwargs = _with_update_field(kwargs, "published_slug")
            super().save(*args, **kwargs)
            if went_live:  # only then can the addresses visitors know change
                self._keep_old_address_alive()

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def is_live(self, now=None):
        """Published, and its publish time has come."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.remember_state()
        return instance

    def remember_state(self):
        """Note what decides where the answer shows, so a save can tell what
        it moved (articles.changes)."""
        self._as_loaded = {
            name: self.__dict__[name]
            for name in (
                "question",
                "status",
                "published_at",
                "topic_id",
                "question_type_id",
                "exclude_from_trending",
            )
            if name in self.__dict__
        }

    def clean(self):
        # Only a draft may wait for its type (the admin's form always asks).
        typed = self._fill_question_type()
        if self.question and not typed and self.needs_type():
            raise ValidationError({"question_type": NO_MATCHING_TYPE})
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            # A form that publishes without a date means "now"; the database
            # constraint would refuse a published answer without one.
            self.published_at = timezone.now()

    def needs_type(self):
        """In review or published: a draft (or a trashed one) may wait."""
        return self.status in (self.Status.IN_REVIEW, self.Status.PUBLISHED)

    def _take_live_slug(self):
        """Remember the slug visitors see from now on; True if it changed."""
        if self.status != self.Status.PUBLISHED or self.slug == self.published_slug:
            return False
        self._previous_slug, self.published_slug = self.published_slug, self.slug
        return True

    def _keep_old_address_alive(self):
        """A published answer keeps answering at the addresses it had.

        Recorded when a new slug goes live (at publish time), never while a
        draft is edited. Redirects point at the article, so chains collapse.
        """
        SlugRedirect.objects.filter(old_slug=self.slug).delete()
        if self._previous_slug:
            SlugRedirect.objects.update_or_create(
                old_slug=self._previous_slug, defaults={"article": self}
            )

    def _fill_question_type(self):
        """Detect the type from the question if none was chosen; False if none fits."""
        if self.question_type_id is None:
            detected = QuestionType.objects.detect(self.question)
            if detected is None:
                return False
            self.question_type = detected
        return True

    def indexed_body(self):
        """The body as the search index reads it. Runs of 100 characters
        without a space are broken: PostgreSQL's text parser takes quadratic
        time on them (one 40,000-character run: 6 s)."""
        return LONG_RUN.sub(r"\g<0> ", self.body or "")

    @property
    def body_html(self):
        """The sanitised body, cached per saved version of the answer."""
        if self.updated_at is None:
            return render_markdown(self.body)
        key = f"articles:body:v1:{self.pk}:{self.updated_at.timestamp()}"
        return cache.get_or_set(key, lambda: render_markdown(self.body), 24 * 3600)

    @property
    def tagged_items(self):
        """The answer's tag links; its revisions follow them
        (articles.editorial.revisions)."""
        from django.contrib.contenttypes.models import ContentType
        from taggit.models import TaggedItem

        return TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=self.pk,
        )


def _with_update_field(kwargs, name):
    """save() kwargs that also write `name` when only some fields are saved."""
    fields = kwargs.get("update_fields")
    if fields is not None:
        kwargs = {**kwargs, "update_fields": {*fields, name}}
    return kwargs


class KeyFact(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="key_facts"
    )
    text = models.CharField(_("text"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("key fact")
        verbose_name_plural = _("key facts")

    def __str__(self):
        return self.text


class Source(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="sources"
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("http or https only."),
    )
    publisher = models.CharField(_("publisher"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title


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
