"""The editorial workflow in the answers admin (articles.editorial.publishing).

`WorkflowAdminMixin` gives the answers list its states (Draft, In review,
Scheduled, Published) with a filter, and the actions of the workflow, on the
list and on each answer's page: submit for review, publish, send back with a
comment, mark reviewed again, unpublish. Writers (no `publish_answer`) submit;
editors review and publish. The change form refuses to publish what is not
ready, naming every problem at its field.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles.core.models import Article, InvalidTransition
from articles.editorial import publishing, readiness, revisions
from articles.editorial.admin_preview import preview_links

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


class StateFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft")),
            ("review", _("Waiting for review")),
            ("scheduled", _("Scheduled")),
            ("published", _("Published")),
        ]

    def queryset(self, request, queryset):
        now, live = timezone.now(), Article.Status.PUBLISHED
        return {
            "draft": lambda: queryset.filter(status=Article.Status.DRAFT),
            "review": lambda: queryset.filter(status=Article.Status.IN_REVIEW),
            "scheduled": lambda: queryset.filter(status=live, published_at__gt=now),
            "published": lambda: queryset.filter(status=live, published_at__lte=now),
        }.get(self.value(), lambda: queryset)()


class ReviewDueFilter(admin.SimpleListFilter):
    title = gettext_lazy("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", _("Due for another review"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return publishing.due_for_review(queryset)
        return queryset


class SuggestedFilter(admin.SimpleListFilter):
    """Answers drafted for a visitor's suggestion (the reverse relation: the
    articles app never imports suggestions)."""

    title = gettext_lazy("suggested by visitors")
    parameter_name = "suggested"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Drafted, not yet live")),
            ("any", _("Any")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(suggestions__status="drafted").distinct()
        if self.value() == "any":
            return queryset.filter(suggestions__isnull=False).distinct()
        return queryset


class ReadyInlineFormSet(BaseInlineFormSet):
    """Key facts and sources: publishing needs `minimum` of them, counted as
    submitted (rows left empty or marked for deletion do not count)."""

    minimum_setting = None

    def clean(self):
        super().clean()
        if self.instance.status != Article.Status.PUBLISHED:
            return
        # Extra rows left empty have no cleaned data; deleted rows go.
        kept = sum(
            1
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data["DELETE"]
        )
        minimum = getattr(settings, self.minimum_setting)
        if kept < minimum:
            raise forms.ValidationError(
                _("To publish, give at least %(min)d (there are %(n)d).")
                % {"min": minimum, "n": kept},
                code="not_ready",
            )


class KeyFactFormSet(ReadyInlineFormSet):
    minimum_setting = "PUBLISH_MIN_KEY_FACTS"


class SourceFormSet(ReadyInlineFormSet):
    minimum_setting = "PUBLISH_MIN_SOURCES"


class WorkflowAdminMixin:
    def get_list_display(self, request):
        return [
            "question",
            "state",
            "topic",
            "question_type",
            "last_updated",
            "reviewed",
        ]

    @admin.display(description=gettext_lazy("state"), ordering="status")
    def state(self, obj):
        return publishing.state_label(obj)

    @admin.display(description=gettext_lazy("reviewed"), ordering="reviewed_at")
    def reviewed(self, obj):
        if not obj.reviewed_at:
            return "—"
        return _("%(date)s by %(name)s") % {
            "date": timezone.localtime(obj.reviewed_at).date().isoformat(),
            "name": obj.reviewer_name,
        }

    # Permissions -----------------------------------------------------------

    def has_publish_permission(self, request):
        return request.user.has_perm(publishing.PUBLISH_PERMISSION)

    def has_change_permission(self, request, obj=None):
        """Writers may change drafts; what is published or scheduled is the
        editors' (a writer's edit would go live unreviewed)."""
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and obj.status == Article.Status.PUBLISHED:
            return self.has_publish_permission(request)
        return allowed

    def view_on_site(self, obj):
        """A live answer's page; the preview for anything else. (After a
        refused save `obj` holds the form's input, so the slug visitors see
        is used, never the one being edited.)"""
        if obj.is_live() and obj.published_slug:
            return reverse("articles:detail", args=[obj.published_slug])
        return reverse("admin:articles_article_preview", args=[obj.pk])

    # The change form -------------------------------------------------------

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        """Save as the answer stood; a move to "published" or "in review" is
        made by save_related once the facts and sources are saved, through
        the workflow's own steps (so checks, reviewer and emails follow)."""
        target, before = obj.status, getattr(obj, "_as_loaded", {}).get("status")
        request.workflow_move = None
        if target != before and target in (
            Article.Status.PUBLISHED,
            Article.Status.IN_REVIEW,
        ):
            request.workflow_move = target
            obj.status = before or Article.Status.DRAFT
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article, by = form.instance, request.user
        if request.workflow_move == Article.Status.PUBLISHED:
            publishing.publish(article, by=by)  # the form checked readiness and rights
            request.published_now = True  # said in the revision's comment
        elif request.workflow_move == Article.Status.IN_REVIEW:
            if article.status == Article.Status.PUBLISHED:
                publishing.unpublish(article, by=by)
            publishing.submit_for_review(article, by)

    @admin.display(description=gettext_lazy("review"))
    def review_panel(self, obj):
        """State, reviewer, the reviewer's note, readiness and previews."""
        if obj is None or obj.pk is None:
            return _("Save the answer to see its state and preview it.")
        rows = [(_("State"), publishing.state_label(obj))]
        if obj.reviewed_at:
            rows.append((_("Reviewed"), self.reviewed(obj)))
        if obj.submitted_at:
            rows.append((_("Submitted for review"), _("%(date)s by %(name)s") % {
                "date": publishing.local(obj.submitted_at),
                "name": obj.submitted_by or "—",
            }))  # fmt: skip
        if obj.review_note:
            rows.append((_("Review note"), obj.review_note))
        problems = readiness.article_problems(obj)
        rows.append(
            (_("Ready to publish"), " ".join(problems) if problems else _("Yes"))
        )
        table = format_html_join("", "<p><strong>{}:</strong> {}</p>", rows)
        return format_html("{}{}", table, preview_links(obj))

    # Actions ---------------------------------------------------------------

    @admin.action(
        description=gettext_lazy("Submit for review"),
        permissions=["change"],
        location=BOTH,
    )
    def submit_selected(self, request, queryset):
        self._each(
            request, queryset, publishing.submit_for_review, _("Submitted for review")
        )

    @admin.action(
        description=gettext_lazy("Publish (as reviewer)"),
        permissions=["publish"],
        location=BOTH,
    )
    def publish_selected(self, request, queryset):
        self._each(
            request, queryset, publishing.publish, _("Published"), by_keyword=True
        )

    @admin.action(
        description=gettext_lazy("Mark reviewed again (no change)"),
        permissions=["publish"],
        location=BOTH,
    )
    def mark_reviewed_selected(self, request, queryset):
        self._each(request, queryset, publishing.mark_reviewed, _("Reviewed again"))

    @admin.action(
        description=gettext_lazy("Unpublish"), permissions=["publish"], location=BOTH
    )
    def unpublish_selected(self, request, queryset):
        self._each(
            request, queryset, publishing.unpublish, _("Unpublished"), by_keyword=True
        )

    @admin.action(
        description=gettext_lazy("Send back with a comment…"),
        permissions=["publish"],
        location=BOTH,
    )
    def send_back_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:100])
        return redirect(reverse("admin:articles_article_send_back") + f"?ids={ids}")

    def _each(self, request, queryset, step, comment, by_keyword=False):
        """Apply one workflow step to each answer, in its own transaction and
        revision, and say per answer what happened."""
        done = []
        for article in queryset:
            try:
                with (
                    transaction.atomic(),
                    revisions.recorded(comment, user=request.user),
                ):
                    if by_keyword:
                        step(article, by=request.user)
                    else:
                        step(article, request.user)
                    revisions.include(article)
                done.append(article)
            except publishing.NotReady as exc:
                self.message_user(
                    request,
                    _("“%(q)s” was not published: %(why)s")
                    % {"q": article, "why": " ".join(exc.reasons)},
                    messages.ERROR,
                )
            except InvalidTransition as exc:
                self.message_user(request, str(exc), messages.WARNING)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(what)s: %(names)s.", "%(what)s (%(n)d): %(names)s.", len(done)
                )
                % {
                    "what": comment,
                    "n": len(done),
                    "names": ", ".join(f"“{a}”" for a in done[:10])
                    + ("…" if len(done) > 10 else ""),
                },
                messages.SUCCESS,
            )

    # Pages -----------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "send-back/",
                view(self.send_back_view),
                name="articles_article_send_back",
            ),
            *super().get_urls(),
        ]

    def send_back_view(self, request):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()][
            :100
        ]
        articles = list(
            Article.objects.filter(pk__in=ids, status=Article.Status.IN_REVIEW)
        )
        form = SendBackForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and articles and form.is_valid():
            for article in articles:
                with (
                    transaction.atomic(),
                    revisions.recorded(
                        _("Sent back: %(c)s") % {"c": form.cleaned_data["comment"]},
                        user=request.user,
                    ),
                ):
                    publishing.send_back(
                        article, request.user, form.cleaned_data["comment"]
                    )
                    revisions.include(article)
            self.message_user(
                request,
                ngettext(
                    "Sent %(n)d answer back.", "Sent %(n)d answers back.", len(articles)
                )
                % {"n": len(articles)},
                messages.SUCCESS,
            )
            if len(articles) == 1:
                return redirect("admin:articles_article_change", articles[0].pk)
            return redirect("admin:articles_article_changelist")
        return TemplateResponse(
            request,
            "admin/articles/article/send_back.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Send back with a comment"),
                "articles": articles,
                "form": form,
            },
        )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What needs to change"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=5000,
        help_text=gettext_lazy(
            "Emailed to the person who submitted it and shown on the answer."
        ),
    )
