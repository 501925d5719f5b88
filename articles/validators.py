from django.core.exceptions import ValidationError
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
