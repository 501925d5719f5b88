import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def published_answers_filter():
    """Which of `articles` count as published answers.

    topics never imports articles (DESIGN.md), so this mirrors
    `ArticleQuerySet.published()` over the reverse relation; a test keeps the
    two in step.
    """
    return models.Q(articles__status="published", articles__published_at__lte=Now())


class TaxonomyQuerySet(models.QuerySet):
    def with_counts(self, **article_lookups):
        """Annotate `answer_count`, the number of published answers.

        `article_lookups` narrow what is counted, e.g. `topic=some_topic`.
        """
        narrowed = models.Q(
            **{f"articles__{key}": value for key, value in article_lookups.items()}
        )
        # Aggregating drops Meta.ordering, so it is restated.
        return self.annotate(
            answer_count=models.Count(
                "articles", filter=published_answers_filter() & narrowed
            )
        ).order_by(*self.model._meta.ordering)

    def with_answers(self, **article_lookups):
        """Only entries with at least one published answer, with counts."""
        return self.with_counts(**article_lookups).filter(answer_count__gt=0)

    def browsable(self):
        """Entries with published answers, by the stored count (no aggregate).

        `published_count` is kept current by articles (articles.discovery.rankings), so
        pages read it instead of counting every answer on each request.
        """
        return self.filter(published_count__gt=0).annotate(
            answer_count=models.F("published_count")
        )


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers are listed first.")
    )
    published_count = models.PositiveIntegerField(default=0, editable=False)

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("topics:topic", args=[self.slug])


# The usual other openings of the common types, given to a type created
# with one of these prefixes (by the importer) and to existing ones (migration
# topics.0003). "how do i" makes "How do I cook rice?" a "How To" question.
STANDARD_VARIANTS = {
    "why do": "why does, why is, why are, why did, why can, why can't",
    "how does": "how do, how is, how are, how can",
    "what is": "what are, what's, what was, what were",
    "what causes": "what caused, what makes",
    "how to": "how do i, how do you, how can i, how should i",
}


class QuestionTypeQuerySet(TaxonomyQuerySet):
    def standard_variants(self, prefix):
        """STANDARD_VARIANTS of `prefix` that no type uses yet, comma-separated."""
        used = {p for qt in self.all() for p in qt.prefixes()}
        variants = STANDARD_VARIANTS.get(normalise_question(prefix), "").split(",")
        return ", ".join(v.strip() for v in variants if v.strip() not in used)

    def detect(self, question):
        """The type one of whose prefixes opens `question`; the longest
        matching prefix wins. Returns None when no prefix matches."""
        return self.detector()(question)

    def detector(self):
        """detect() for many questions, with the types read once."""
        prefixes = sorted(
            ((p, qt) for qt in self.all() for p in qt.prefixes()),
            key=lambda item: -len(item[0]),
        )

        def detect(question):
            words = normalise_question(question)
            for prefix, qtype in prefixes:  # longest first
                if re.match(rf"{re.escape(prefix)}\b", words):
                    return qtype
            return None

        return detect


def normalise_question(text):
    """Lower-case words separated by single spaces, punctuation dropped."""
    return " ".join(re.findall(r"[\w']+", text.lower()))


class QuestionType(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    prefix = models.CharField(
        _("prefix"),
        max_length=80,
        unique=True,
        help_text=_(
            "The opening words that identify this type, e.g. “what causes”. "
            "The longest matching prefix wins."
        ),
    )
    extra_prefixes = models.CharField(
        _("other prefixes"),
        max_length=300,
        blank=True,
        help_text=_(
            "More opening words of this type, separated by commas, e.g. "
            "“why does, why is, why are”."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers are listed first.")
    )
    published_count = models.PositiveIntegerField(default=0, editable=False)

    objects = QuestionTypeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("question type")
        verbose_name_plural = _("question types")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Stored normalised so that detection compares like with like.
        self.prefix = normalise_question(self.prefix)
        self.extra_prefixes = ", ".join(self.prefixes()[1:])
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("topics:type", args=[self.slug])

    def clean(self):
        """No opening words may belong to two types: detection would guess."""
        others = QuestionType.objects.exclude(pk=self.pk)
        taken = {p: qt for qt in others for p in qt.prefixes()}
        clashes = [f"“{p}” ({taken[p]})" for p in self.prefixes() if p in taken]
        if clashes:
            raise ValidationError(
                _("Already the prefix of another type: %(list)s.")
                % {"list": ", ".join(clashes)}
            )

    def prefixes(self):
        """The main prefix first, then the others, normalised, no repeats."""
        found = [normalise_question(self.prefix)]
        for part in self.extra_prefixes.split(","):
            prefix = normalise_question(part)
            if prefix and prefix not in found:
                found.append(prefix)
        return [p for p in found if p]


class TopicTypeCount(models.Model):
    """Published answers of one type within one topic, stored for the browse
    chips and the paginators of topic × type pages."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    question_type = models.ForeignKey(
        QuestionType, on_delete=models.CASCADE, related_name="+"
    )
    published_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "question_type"], name="one_count_per_topic_type"
            )
        ]

    def __str__(self):
        return f"{self.topic_id} × {self.question_type_id}: {self.published_count}"
