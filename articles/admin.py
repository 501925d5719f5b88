from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from markdownx.admin import MarkdownxModelAdmin

from . import revisions
from .admin_forms import ArticleAdminForm
from .admin_history import RevisionHistoryMixin
from .admin_trash import TrashOnDeleteMixin
from .models import Article, InvalidTransition, KeyFact, Source, UnansweredSearch
from .search import matching_ids


class KeyFactInline(admin.TabularInline):
    model = KeyFact
    extra = 1
    fields = ["position", "text"]


class SourceInline(admin.TabularInline):
    model = Source
    extra = 1
    fields = ["position", "title", "url", "publisher"]


@admin.register(Article)
class ArticleAdmin(TrashOnDeleteMixin, RevisionHistoryMixin, MarkdownxModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "question",
        "status",
        "topic",
        "question_type",
        "last_updated",
        "published_at",
    ]
    list_filter = [
        "status",
        "topic",
        "question_type",
        "ai_assisted",
        "exclude_from_trending",
        "last_updated",
    ]
    list_select_related = ["topic", "question_type"]
    # The box searches the site's search index (get_search_results).
    search_fields = ["question"]
    search_help_text = _(
        "Finds answers in any state by words in their question, summary, key "
        "facts, tags or body, or by their exact slug."
    )
    date_hierarchy = "last_updated"
    prepopulated_fields = {"slug": ["question"]}
    inlines = [KeyFactInline, SourceInline]
    actions = ["publish_selected", "unpublish_selected", "trash_selected"]
    readonly_fields = ["created_at", "updated_at"]

    class Media:
        js = ["js/admin-unsaved.js"]

    fieldsets = [
        (None, {"fields": ["question", "slug", "topic", "question_type", "summary"]}),
        (None, {"fields": ["body", "tags", "edited_version"]}),
        (
            _("Publishing"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "last_updated",
                    "ai_assisted",
                    "exclude_from_trending",
                ]
            },
        ),
        (
            _("History"),
            {"fields": ["created_at", "updated_at"], "classes": ["collapse"]},
        ),
    ]

    def get_search_results(self, request, queryset, search_term):
        """Words through the search index, not LIKE over every body."""
        term = search_term.strip()
        if not term:
            return queryset, False
        ids = matching_ids(term)
        return queryset.filter(Q(pk__in=ids) | Q(slug=term[:255])), False

    def save_model(self, request, obj, form, change):
        """Save, and route a move to "published" through Article.publish().

        The form may set the status directly; publishing must still go through
        the model's state change so that its signal is sent exactly once.
        """
        publishing = (
            "status" in form.changed_data and obj.status == Article.Status.PUBLISHED
        )
        if publishing:
            obj.status = Article.Status.DRAFT
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        if publishing:
            obj.publish(by=request.user)
            request.published_now = True  # said in the revision's comment

    @admin.action(description=_("Publish selected answers"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._move(request, queryset, "publish", _("published"), _("Published"))

    @admin.action(description=_("Unpublish selected answers"), permissions=["change"])
    def unpublish_selected(self, request, queryset):
        self._move(request, queryset, "unpublish", _("unpublished"), _("Unpublished"))

    def _move(self, request, queryset, method, done, comment):
        moved = skipped = 0
        for article in queryset:
            try:
                # One revision per answer, so each can be restored alone.
                with revisions.recorded(comment, user=request.user):
                    getattr(article, method)(by=request.user)
                moved += 1
            except InvalidTransition:
                skipped += 1
        self.message_user(
            request,
            ngettext("%(n)d answer %(done)s.", "%(n)d answers %(done)s.", moved)
            % {"n": moved, "done": done},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d answer was skipped: it was already %(done)s.",
                    "%(n)d answers were skipped: they were already %(done)s.",
                    skipped,
                )
                % {"n": skipped, "done": done},
                messages.WARNING,
            )


@admin.register(UnansweredSearch)
class UnansweredSearchAdmin(admin.ModelAdmin):
    """What readers looked for and did not find, most searched first."""

    list_display = ["query", "count", "day", "write_link"]
    list_filter = ["day"]
    search_fields = ["query"]
    ordering = ["-count", "-day"]
    date_hierarchy = "day"

    def get_queryset(self, request):
        return super().get_queryset(request).unanswered()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("answer it"))
    def write_link(self, obj):
        add_url = reverse("admin:articles_article_add")
        return format_html(
            '<a href="{}?{}">{}</a>',
            add_url,
            urlencode({"question": obj.query}),
            _("write an answer"),
        )
