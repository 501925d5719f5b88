from functools import reduce
from operator import or_

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Q, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles.discovery.similar import keywords, similar_articles

from .admin_forms import DuplicateForm, RejectForm, ReopenForm
from .models import InvalidTransition, Requester, Suggestion, SuggestionEvent
from .tasks import enqueue_generation

NONE_ITEM = mark_safe("<li>—</li>")


class RequesterInline(admin.TabularInline):
    """Requesters' emails: shown only to those with view_requester (moderators)."""

    model = Requester
    fields = ["email", "created_at", "notified_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = SuggestionEvent
    verbose_name_plural = _("history")
    fields = ["created_at", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = [
        "question",
        "status",
        "request_count",
        "created_at",
        "similar_count",
    ]
    list_filter = ["status", "topic_guess", "type_guess", "created_at"]
    search_fields = ["question"]
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ["approve_selected", "reject_selected", "mark_duplicate_selected",
               "reopen_selected", "regenerate_selected"]  # fmt: skip
    inlines = [RequesterInline, EventInline]
    fields = [
        "question",
        "status",
        "request_count",
        "created_at",
        "draft_link",
        "duplicate_of_article",
        "duplicate_of",
        "rejection_reason",
        "generation_error",
        "likely_duplicates",
    ]
    readonly_fields = fields

    def get_ordering(self, request):
        # Open suggestions first, most requested first.
        open_first = Case(
            When(status__in=Suggestion.OPEN, then=Value(0)), default=Value(1)
        )
        return [open_first.asc(), "-request_count", "-created_at"]

    def has_add_permission(self, request):
        return False  # suggestions come from visitors

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Everything is read-only: moves go through the actions, so a stale
        # form can never overwrite the live request count.
        extra_context = {
            **(extra_context or {}),
            "moderation_buttons": [
                ("approve_selected", _("Approve")),
                ("reject_selected", _("Reject…")),
                ("mark_duplicate_selected", _("Mark as duplicate…")),
            ],
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/duplicate/",
                self.admin_site.admin_view(self.duplicate_view),
                name="suggestions_suggestion_duplicate",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("draft answer"))
    def draft_link(self, obj):
        if obj.article_id is None:
            return "—"
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article)

    @admin.display(description=_("likely duplicates"))
    def likely_duplicates(self, obj):
        duplicate_url = reverse("admin:suggestions_suggestion_duplicate", args=[obj.pk])
        articles = format_html_join(
            "",
            '<li>{} · <a href="{}?answer={}">mark as duplicate of this answer</a></li>',
            (
                (a.question, duplicate_url, a.slug)
                for a in similar_articles(obj.question)
            ),
        )
        suggestions = format_html_join(
            "",
            '<li>#{} {} ({}) · <a href="{}?suggestion={}">mark as duplicate</a></li>',
            (
                (s.pk, s.question, s.get_status_display(), duplicate_url, s.pk)
                for s in similar_suggestions(obj)
            ),
        )
        if not articles and not suggestions:
            return _("None found.")
        return format_html(
            "<p>Answers:</p><ul>{}</ul><p>Suggestions:</p><ul>{}</ul>",
            articles or NONE_ITEM,
            suggestions or NONE_ITEM,
        )

    @admin.action(description=_("Approve and generate a draft"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._each(
            request, queryset, lambda s: s.approve(by=request.user), _("approved")
        )

    @admin.action(description=_("Reject…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._with_text(
            request, queryset, RejectForm, "reason",
            lambda s, reason: s.reject(reason, by=request.user),
            _("rejected"), "reject_selected", _("Reject suggestions"),
        )  # fmt: skip

    @admin.action(
        description=_("Reopen a rejected suggestion…"), permissions=["change"]
    )
    def reopen_selected(self, request, queryset):
        return self._with_text(
            request, queryset, ReopenForm, "note",
            lambda s, note: s.reopen(note, by=request.user),
            _("reopened"), "reopen_selected", _("Reopen suggestions"),
        )  # fmt: skip

    def _with_text(
        self, request, queryset, form_class, field, move, done, action, title
    ):
        """A move that needs a reason or a note: ask for it, then apply it."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            text = form.cleaned_data[field]
            self._each(request, queryset, lambda s: move(s, text), done)
            return None
        return self._intermediate(request, queryset, form, action, title)

    @admin.action(description=_("Mark as duplicate…"), permissions=["change"])
    def mark_duplicate_selected(self, request, queryset):
        form = DuplicateForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._mark_duplicates(request, queryset, form.cleaned_data)
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            "mark_duplicate_selected",
            _("Mark suggestions as duplicates"),
        )

    @admin.action(description=_("Generate the draft again"), permissions=["change"])
    def regenerate_selected(self, request, queryset):
        approved = queryset.filter(status=Suggestion.Status.APPROVED)
        for suggestion in approved:
            Suggestion.objects.filter(pk=suggestion.pk).update(generation_attempts=0)
            enqueue_generation(suggestion.pk)
        self.message_user(
            request,
            _("%(n)d queued for generation; only approved suggestions can be.")
            % {"n": len(approved)},
            messages.SUCCESS,
        )

    def duplicate_view(self, request, pk):
        """One suggestion, a target prefilled from the likely-duplicates links."""
        suggestion = get_object_or_404(Suggestion, pk=pk)
        if not self.has_change_permission(request, suggestion):
            raise PermissionDenied
        if request.method == "POST":
            form = DuplicateForm(request.POST)
            if form.is_valid():
                queryset = Suggestion.objects.filter(pk=pk)
                self._mark_duplicates(request, queryset, form.cleaned_data)
                return redirect("admin:suggestions_suggestion_change", pk)
        else:
            form = DuplicateForm(initial=request.GET.dict())
        queryset = Suggestion.objects.filter(pk=pk)
        return self._intermediate(request, queryset, form, None, _("Mark as duplicate"))

    def _mark_duplicates(self, request, queryset, data):
        self._each(
            request,
            queryset,
            lambda s: s.mark_duplicate(
                by=request.user,
                article=data["answer"],
                of=data["suggestion"],
                note=data["note"],
            ),
            _("marked as duplicates"),
        )

    def _intermediate(self, request, queryset, form, action, title):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "suggestions": queryset,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/suggestions/suggestion/action_form.html", context
        )

    def _each(self, request, queryset, move, done):
        moved, refused = 0, []
        for suggestion in queryset:
            try:
                move(suggestion)
                moved += 1
            except InvalidTransition as exc:
                refused.append(f"“{suggestion}”: {exc}")
        self.message_user(
            request, _("%(n)d %(done)s.") % {"n": moved, "done": done}, messages.SUCCESS
        )
        for message in refused:
            self.message_user(request, message, messages.WARNING)


def similar_suggestions(suggestion, limit=5):
    words = keywords(suggestion.question)
    if not words:
        return []
    matches = reduce(or_, (Q(question__icontains=w) for w in words))
    return list(
        Suggestion.objects.exclude(pk=suggestion.pk)
        .exclude(status=Suggestion.Status.REJECTED)
        .filter(matches)
        .order_by("-request_count")[:limit]
    )
