"""Rules for the answer's fields: dates a page can show, and a free slug."""

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


def validate_sane_date(value):
    """Refuse dates no page can show: near year 1 or 9999 an offset or a time
    zone overflows, and every query that loads the row would fail."""
    if value is not None and not 1900 <= value.year <= 2200:
        raise ValidationError(
            _("%(year)s is out of range: give a date between 1900 and 2200."),
            params={"year": value.year},
            code="out_of_range",
        )


def unique_slug(model, question, exclude_pk=None):
    """A slug made from the question, suffixed -2, -3, ... until it is free."""
    base = slugify(question)[:190].strip("-") or "answer"
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
