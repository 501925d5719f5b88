from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from markdownx.admin import MarkdownxModelAdmin

from articles.core.models import Article, KeyFact, Source
from articles.discovery.models import UnansweredSearch
from articles.discovery.search import matching_ids
from articles.editorial.admin_forms import ArticleAdminForm
from articles.editorial.admin_history import RevisionHistoryMixin
from articles.editorial.admin_preview import PreviewAdminMixin
from articles.editorial.admin_trash import TrashOnDeleteMixin
from articles.editorial.admin_workflow import (
    KeyFactFormSet,
    ReviewDueFilter,
    SourceFormSet,
    StateFilter,
    SuggestedFilter,
    WorkflowAdminMixin,
)


class KeyFactInline(admin.TabularInline):
    model = KeyFact
    formset = KeyFactFormSet
    extra = 1
    fields = ["position", "text"]


class SourceInline(admin.TabularInline):
    model = Source
    formset = SourceFormSet
    extra = 1
    fields = ["position", "title", "url", "publisher"]


@admin.register(Article)
class ArticleAdmin(
    WorkflowAdminMixin,
    PreviewAdminMixin,
    TrashOnDeleteMixin,
    RevisionHistoryMixin,
    MarkdownxModelAdmin,
):
    form = ArticleAdminForm
    # list_display: WorkflowAdminMixin.get_list_display
    list_filter = [
        StateFilter,
        ReviewDueFilter,
        SuggestedFilter,
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
    actions = [
        "submit_selected",
        "publish_selected",
        "send_back_selected",
        "mark_reviewed_selected",
        "unpublish_selected",
        "trash_selected",
    ]
    readonly_fields = ["review_panel", "created_at", "updated_at"]

    class Media:
        js = ["js/admin-unsaved.js"]
        css = {"all": ["css/admin-editor.css"]}

    fieldsets = [
        (None, {"fields": ["question", "slug", "topic", "question_type", "summary"]}),
        (None, {"fields": ["body", "tags", "edited_version"]}),
        (
            _("Publishing"),
            {
                "fields": [
                    "review_panel",
                    "status",
                    "published_at",
                    "unpublish_at",
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
