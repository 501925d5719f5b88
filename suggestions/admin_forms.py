"""Forms behind the moderation actions that need more than a click."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from .models import Suggestion


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the suggestion's history."),
    )


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("Why reopen it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the suggestion's history."),
    )


class DuplicateForm(forms.Form):
    answer = forms.CharField(
        label=_("Published answer"),
        required=False,
        help_text=_("Its address (/q/…/) or slug."),
    )
    suggestion = forms.IntegerField(
        label=_("Or another suggestion"),
        required=False,
        min_value=1,
        help_text=_("Its number, as shown in the list."),
    )
    note = forms.CharField(label=_("Note"), required=False)

    def clean_answer(self):
        value = self.cleaned_data["answer"].strip()
        if not value:
            return None
        match = re.search(r"/q/([-\w]+)", value)
        slug = match.group(1) if match else value.strip("/")
        article = Article.objects.published().filter(slug=slug).first()
        if article is None:
            raise forms.ValidationError(_("No published answer has that address."))
        return article

    def clean_suggestion(self):
        pk = self.cleaned_data["suggestion"]
        if pk is None:
            return None
        suggestion = Suggestion.objects.filter(pk=pk).first()
        if suggestion is None:
            raise forms.ValidationError(
                _("There is no suggestion %(pk)s.") % {"pk": pk}
            )
        return suggestion

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if (data.get("answer") is None) == (data.get("suggestion") is None):
            raise forms.ValidationError(
                _("Name either a published answer or another suggestion.")
            )
        return data
