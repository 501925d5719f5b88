"""The trash in the admin: deleting an answer moves it there (articles.editorial.trash).

`TrashOnDeleteMixin` turns the answers list's deletes into moves to the
trash, in an editor's words; `TrashAdmin` lists the trash, where editors
restore answers and only superusers delete them for good.
"""

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.core.models import Article, InvalidTransition
from articles.editorial.models import TrashedArticle
from articles.editorial.trash import move_to_trash, restore_from_trash


class TrashOnDeleteMixin:
    delete_confirmation_template = "admin/articles/article/trash_confirmation.html"

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(status=Article.Status.TRASHED)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # replaced by a move to the trash
        return actions

    def get_deleted_objects(self, objs, request):
        """Only the answer itself: nothing else is deleted, and nothing of the
        site's inner workings is worth naming."""
        return [str(obj) for obj in objs], {}, set(), []

    def delete_model(self, request, obj):
        move_to_trash(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            move_to_trash(article, by=request.user)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(
            request,
            _("“%(answer)s” is in the trash. Restore it from there if you need it.")
            % {"answer": obj_display},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))

    @admin.action(
        description=_("Move selected answers to the trash"), permissions=["delete"]
    )
    def trash_selected(self, request, queryset):
        count = len(queryset)
        self.delete_queryset(request, queryset)
        self.message_user(
            request,
            ngettext(
                "%(n)d answer moved to the trash.",
                "%(n)d answers moved to the trash.",
                count,
            )
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(TrashedArticle)
class TrashAdmin(admin.ModelAdmin):
    list_display = ["question", "trashed_at", "status_before_trash", "topic"]
    list_select_related = ["topic"]
    search_fields = ["question"]
    ordering = ["-trashed_at"]
    actions = ["restore_selected", "delete_selected"]
    delete_confirmation_template = "admin/articles/article/purge_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/articles/article/purge_selected_confirmation.html"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Article.Status.TRASHED)

    # Editors see and restore the trash with their answer permissions; only
    # superusers delete for good.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_article")

    def has_change_permission(self, request, obj=None):
        return False  # nothing is edited in the trash: restore it first

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_restore_permission(self, request):
        return request.user.has_perm("articles.change_article")

    def get_deleted_objects(self, objs, request):
        lines = [
            _("%(answer)s, with its key facts, sources, tags, old addresses, view "
              "counts and every revision") % {"answer": obj}
            for obj in objs
        ]  # fmt: skip
        return lines, {}, set(), []

    @admin.action(description=_("Restore selected answers"), permissions=["restore"])
    def restore_selected(self, request, queryset):
        restored = 0
        for article in queryset:
            try:
                held = restore_from_trash(article, by=request.user)
                restored += 1
            except InvalidTransition:
                continue
            if held:
                self.message_user(
                    request,
                    _("“%(q)s” came back as a draft: %(why)s")
                    % {"q": article, "why": " ".join(held)},
                    messages.WARNING,
                )
        self.message_user(
            request,
            ngettext(
                "%(n)d answer restored, as it was before it was trashed.",
                "%(n)d answers restored, as they were before they were trashed.",
                restored,
            )
            % {"n": restored},
            messages.SUCCESS,
        )
