from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from topics.models import normalise_question

from .notifications import notify_duplicate
from .signals import suggestion_approved


class InvalidTransition(Exception):
    """A moderation move that the suggestion's current state does not allow."""


class SuggestionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Suggestion.OPEN)

    def submit(self, question, email="", client_hash=""):
        """Record one visitor's request; returns (suggestion, answering article).

        An open suggestion with the same normalised question is counted again
        instead of duplicated. A question that a published answer already
        covers is counted on a suggestion marked duplicate of that answer.
        """
        normalised = normalise_question(question)
        article = published_answer_for(normalised)
        if article is None:
            lookup = {"status__in": Suggestion.OPEN}
            defaults = {"status": Suggestion.Status.NEW}
        else:
            lookup = defaults = {
                "status": Suggestion.Status.DUPLICATE,
                "duplicate_of_article": article,
            }
        suggestion = self._count(normalised, lookup, defaults, question, client_hash)
        if email:
            suggestion.add_requester(email)
        return suggestion, article

    def _count(self, normalised, lookup, defaults, question, client_hash):
        """+1 on the matching suggestion, or create it; safe under concurrency.

        The partial unique constraint on open questions makes a racing second
        insert fail; that request is then counted on the winner's row. Only
        the insert of the suggestion and its first event needs a transaction
        (the +1 is one atomic UPDATE), which keeps the POST to a few round
        trips.
        """
        for _attempt in range(5):
            match = self.filter(normalised=normalised, **lookup).order_by("pk")
            pk = match.values_list("pk", flat=True).first()
            if pk is not None:
                self.filter(pk=pk).update(
                    request_count=F("request_count") + 1,
                    updated_at=timezone.now(),
                )
                return self.get(pk=pk)
            try:
                with transaction.atomic():
                    return self._create(question, normalised, client_hash, **defaults)
            except IntegrityError:
                continue
        raise IntegrityError(f"Could not record a request for {normalised!r}.")

    def _create(self, question, normalised, client_hash, **fields):
        suggestion = self.create(
            question=question,
            normalised=normalised,
            client_hash=client_hash,
            **fields,
        )
        suggestion.events.create(
            from_status="", to_status=suggestion.status, note="Suggested by a visitor."
        )
        return suggestion


def published_answer_for(normalised):
    """The published article whose question normalises to `normalised`."""
    if not normalised:
        return None
    return (
        Article.objects.published()
        .filter(normalised_question=normalised[:200])
        .only("pk", "question", "slug")  # not the body: a suggestion links it
        .order_by("-published_at")
        .first()
    )


class Suggestion(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Duplicate")
        DRAFTED = "drafted", _("Drafted")
        PUBLISHED = "published", _("Published")

    # Still waiting for an answer: new requests for the same question count here.
    OPEN = [Status.NEW, Status.APPROVED, Status.DRAFTED]

    question = models.CharField(_("question"), max_length=200)
    normalised = models.CharField(
        _("normalised question"), max_length=200, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.NEW
    )
    request_count = models.PositiveIntegerField(_("requests"), default=1)
    client_hash = models.CharField(
        _("client hash"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("A keyed hash of the first requester's address, never the IP."),
    )
    # Counted in the background (suggestions.tasks.count_similar): the search
    # would cost the suggest POST more than everything else it does.
    similar_count = models.PositiveSmallIntegerField(
        _("similar answers"), null=True, default=None, editable=False
    )
    # Where the question would sit, guessed with similar_count (the
    # editorial dashboard's demand grid): the type by its opening words, the
    # topic from the most similar published answers.
    topic_guess = models.ForeignKey(
        "topics.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("likely topic"),
    )
    type_guess = models.ForeignKey(
        "topics.QuestionType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("likely question type"),
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("draft answer"),
    )
    duplicate_of_article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duplicate of answer"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of suggestion"),
    )
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    generation_error = models.TextField(_("generation error"), blank=True)
    generation_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-request_count", "-created_at"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["normalised"],
                condition=models.Q(status__in=["new", "approved", "drafted"]),
                name="one_open_suggestion_per_question",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "-request_count"], name="suggestion_queue_idx"
            ),
            models.Index(fields=["normalised"], name="suggestion_normalised_idx"),
            models.Index(
                fields=["id"],
                condition=models.Q(similar_count__isnull=True),
                name="suggestion_uncounted_idx",
            ),
        ]

    def __str__(self):
        return self.question

    def add_requester(self, email):
        """Remember one more requester's email, once per address."""
        self.requesters.get_or_create(email=email.strip().lower())

    def approve(self, by=None, note=""):
        self._move(self.Status.APPROVED, by, note, allowed=[self.Status.NEW])
        # suggestions.receivers queues its generation (tasks import this module).
        transaction.on_commit(
            lambda: suggestion_approved.send(sender=Suggestion, suggestion=self)
        )

    def reject(self, reason, by=None):
        if not (reason or "").strip():
            raise InvalidTransition("A reason is required to reject a suggestion.")
        self.rejection_reason = reason.strip()
        self._move(
            self.Status.REJECTED,
            by,
            reason,
            allowed=[self.Status.NEW],
            fields=["rejection_reason"],
        )

    def mark_duplicate(self, by=None, article=None, of=None, note=""):
        """Duplicate of a published answer or of another suggestion.

        A duplicate of a suggestion hands its requests and requesters to it,
        so nobody who asked is forgotten.
        """
        if (article is None) == (of is None):
            raise InvalidTransition("Name exactly one answer or one suggestion.")
        if of is not None and of.pk == self.pk:
            raise InvalidTransition("A suggestion cannot duplicate itself.")
        with transaction.atomic():
            self.duplicate_of_article, self.duplicate_of = article, of
            self._move(
                self.Status.DUPLICATE,
                by,
                note,
                allowed=[self.Status.NEW],
                fields=["duplicate_of_article", "duplicate_of"],
            )
            if article is not None:
                transaction.on_commit(lambda: notify_duplicate(self, article))
            if of is not None:
                Suggestion.objects.filter(pk=of.pk).update(
                    request_count=F("request_count") + self.request_count
                )
                for requester in self.requesters.all():
                    of.add_requester(requester.email)

    def reopen(self, note, by=None):
        """A rejection reconsidered: back to new, with the reason kept in the
        history and a note saying why."""
        if not (note or "").strip():
            raise InvalidTransition("A note is required to reopen a suggestion.")
        self.rejection_reason = ""
        self._move(
            self.Status.NEW,
            by,
            f"Reopened: {note.strip()}",
            allowed=[self.Status.REJECTED],
            fields=["rejection_reason"],
        )

    def mark_drafted(self, article, by=None):
        self.article = article
        self.generation_error = ""
        self._move(
            self.Status.DRAFTED,
            by,
            f"Draft answer #{article.pk}",
            allowed=[self.Status.APPROVED],
            fields=["article", "generation_error"],
        )

    def mark_published(self, by=None):
        self._move(self.Status.PUBLISHED, by, "", allowed=[self.Status.DRAFTED])

    def record_generation_error(self, error):
        """Keep the suggestion approved and say what went wrong."""
        Suggestion.objects.filter(pk=self.pk).update(
            generation_error=error, generation_attempts=F("generation_attempts") + 1
        )
        self.refresh_from_db(fields=["generation_error", "generation_attempts"])
        self.events.create(
            from_status=self.status,
            to_status=self.status,
            note=f"Generation failed: {error}",
        )

    def _move(self, to, by, note, allowed, fields=()):
        """Change status if the stored state allows it, and record the event.

        Only the named fields are written: visitors may be adding requests to
        this row at the same moment, and their counts must not be overwritten.
        """
        with transaction.atomic():
            current = (
                Suggestion.objects.select_for_update()
                .values_list("status", flat=True)
                .get(pk=self.pk)
            )
            if current not in allowed:
                raise InvalidTransition(
                    f"A {self.Status(current).label.lower()} suggestion cannot be "
                    f"moved to {self.Status(to).label.lower()}."
                )
            self.status = to
            self.save(update_fields=["status", "updated_at", *fields])
            self.events.create(
                actor=by, from_status=current, to_status=to, note=note or ""
            )


class Requester(models.Model):
    """Someone who asked for this answer and wants to hear when it is live."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="requesters"
    )
    email = models.EmailField(_("email"))
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("requester")
        verbose_name_plural = _("requesters")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "email"], name="one_requester_per_email"
            )
        ]

    def __str__(self):
        return self.email


class SuggestionEvent(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"
