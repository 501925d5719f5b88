"""The answer's change form: it refuses a save based on an out-of-date copy.

The form carries the `updated_at` of the answer as the editor opened it. If
someone saved the answer since, the save is refused with who saved, when and
what they changed (the diff of the revisions), and the editor's input stays
in the form, with the token moved on, so that they can merge and save again.
The check holds the answer's row locked until the save commits, so that of
two saves sent at the same moment one is refused, never silently lost.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from articles.core.models import NO_MATCHING_TYPE, Article
from articles.editorial import publishing, readiness, revisions


def token(moment):
    return moment.isoformat() if moment else ""


class ArticleAdminForm(forms.ModelForm):
    # The admin builds the form's Meta from ArticleAdmin's fieldsets.
    edited_version = forms.CharField(widget=forms.HiddenInput, required=False)
    user = None  # set by the admin (WorkflowAdminMixin.get_form)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict_rows = None
        if "status" in self.fields:
            # The trash has its own way in and out; only editors publish.
            hidden = {Article.Status.TRASHED}
            if self.user is not None and not publishing.can_publish(self.user):
                hidden.add(Article.Status.PUBLISHED)
            self.fields["status"].choices = [
                choice for choice in self.fields["status"].choices
                if choice[0] not in hidden
            ]  # fmt: skip
            self.fields["status"].help_text = _(
                "Published with a publish time ahead means scheduled. Key facts "
                "and sources are checked below when you publish."
            )
        if self.instance.pk:
            self.fields["edited_version"].initial = token(self.instance.updated_at)

    def clean(self):
        cleaned = super().clean()
        self._check_publishing(cleaned)
        if not self.instance.pk:
            return cleaned
        sent = self.data.get(self.add_prefix("edited_version"), "")
        rows = Article.objects.filter(pk=self.instance.pk)
        if transaction.get_connection(rows.db).in_atomic_block:
            # The admin validates and saves in one transaction: with the row
            # locked from this check to the commit, a second save of the same
            # opened form waits, then sees the first one's time and is refused.
            rows = rows.select_for_update()
        saved = rows.values("updated_at", "updated_by").first()
        if not sent or saved is None or sent == token(saved["updated_at"]):
            return cleaned
        # Saving again after this merges onto what is saved now.
        self.data = self.data.copy()
        self.data[self.add_prefix("edited_version")] = token(saved["updated_at"])
        self.conflict_rows = self._changes_since(parse_datetime(sent))
        changed = [field for field, differs, _lines in self.conflict_rows if differs]
        raise forms.ValidationError(
            _(
                "Not saved: %(who)s saved this answer at %(when)s, after you "
                "opened it%(what)s. Your changes are still in the form: check "
                "theirs below, merge, and save again."
            )
            % {
                "who": self._who(saved["updated_by"]),
                "when": formats.date_format(
                    timezone.localtime(saved["updated_at"]), "DATETIME_FORMAT"
                ),
                "what": (": " + ", ".join(changed)) if changed else "",
            },
            code="stale",
        )

    def _post_clean(self):
        super()._post_clean()
        # The model lets a generated draft wait for its type; an editor
        # saving the form is asked to choose one, never given a guess.
        if (
            "question_type" in self.fields
            and self.instance.question_type_id is None
            and not self.has_error("question_type")
        ):
            self.add_error("question_type", NO_MATCHING_TYPE)

    def _check_publishing(self, cleaned):
        """Refuse to publish (or keep live) what is not ready, naming each
        problem at its field; the inlines count their own rows
        (admin_workflow.ReadyInlineFormSet)."""
        published_at, unpublish_at = (
            cleaned.get("published_at"),
            cleaned.get("unpublish_at"),
        )
        if unpublish_at and published_at and unpublish_at <= published_at:
            self.add_error(
                "unpublish_at",
                _("The unpublish time must come after the publish time."),
            )
        if cleaned.get("status") != Article.Status.PUBLISHED:
            return
        if self.instance.status != Article.Status.PUBLISHED:  # publishing now
            for reason in publishing.refusals(self.instance, self.user, problems=[]):
                self.add_error("status", reason)
        if not (cleaned.get("summary") or "").strip():
            self.add_error("summary", _("To publish, write a summary."))
        if "body" in cleaned:
            for problem in readiness.body_problems(cleaned["body"]):
                self.add_error("body", problem)

    @staticmethod
    def _who(user_id):
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None:
            return _("someone (or a background task)")
        return user.get_full_name() or user.get_username()

    def _changes_since(self, opened_at):
        versions = list(revisions.versions_of(self.instance)[:50])
        if not versions or opened_at is None:
            return []
        based_on = next(
            (v for v in versions if v.revision.date_created <= opened_at), versions[-1]
        )
        if based_on == versions[0]:
            return []
        return revisions.compare(
            revisions.snapshot(based_on), revisions.snapshot(versions[0])
        )
