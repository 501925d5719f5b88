import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing

TIMESTAMP_SALT = "whatanswers.suggestions.rendered"
MIN_LENGTH, MAX_LENGTH = 10, 200


def clean_question_text(text):
    """Control characters out, whitespace folded, a closing "?" added."""
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    text = " ".join(text.split())
    if text and not text.endswith("?"):
        text += "?"
    return text


def sign_render_time():
    return signing.dumps(time.time(), salt=TIMESTAMP_SALT)


class QuestionField(forms.CharField):
    """Cleans the text before validation, so stray control characters (even
    NUL, which Django's own validator would reject) are dropped, not refused."""

    def to_python(self, value):
        return clean_question_text(super().to_python(value))


class SuggestionForm(forms.Form):
    question = QuestionField(
        label="Your question",
        max_length=MAX_LENGTH,
        help_text=f"One question, {MIN_LENGTH} to {MAX_LENGTH} characters, "
        "e.g. “What causes hiccups?”",
        error_messages={
            "max_length": f"Please keep it to {MAX_LENGTH} characters "
            "(this is %(show_value)d)."
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        help_text="We'll email you once, when the answer is published. Nothing else.",
    )
    # Bots fill every field; people never see this one (hidden by CSS).
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    rendered = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Keep the first render time across re-displays, so correcting a
        # mistake does not restart the clock.
        previous = self.data.get("rendered") if self.is_bound else None
        fresh = previous and isinstance(_render_time(previous), float)
        self.initial["rendered"] = previous if fresh else sign_render_time()

    def clean_question(self):
        text = self.cleaned_data["question"]
        if len(text) < MIN_LENGTH:
            raise forms.ValidationError(
                f"Please write at least {MIN_LENGTH} characters, so we know "
                "what you are asking."
            )
        if len(text) > MAX_LENGTH:
            raise forms.ValidationError(
                f"Please keep it to {MAX_LENGTH} characters (this is {len(text)})."
            )
        if not any(ch.isalpha() for ch in text):
            raise forms.ValidationError("A question needs some words.")
        return text

    def clean(self):
        if _render_time(self.data.get("rendered", "")) is EXPIRED:
            raise forms.ValidationError(
                "This page was open for a long time. Please check your question "
                "and send it again."
            )
        return super().clean()

    def looks_automated(self):
        """True for a filled honeypot or a form sent back too fast or forged."""
        if self.data.get("website"):
            return True
        rendered = _render_time(self.data.get("rendered", ""))
        if rendered is None:
            return True
        if rendered is EXPIRED:
            return False  # a person who left the tab open: clean() says so
        return time.time() - rendered < settings.SUGGEST_MIN_FILL_SECONDS


EXPIRED = object()
MAX_FORM_AGE = 24 * 60 * 60


def _render_time(value):
    """When the form was rendered; EXPIRED after a day; None if forged."""
    try:
        return signing.loads(value, salt=TIMESTAMP_SALT, max_age=MAX_FORM_AGE)
    except signing.SignatureExpired:
        return EXPIRED
    except signing.BadSignature:
        return None
