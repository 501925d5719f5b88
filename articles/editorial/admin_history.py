"""An answer's revisions in the admin: history, compare, restore.

`RevisionHistoryMixin` makes every save of the change form a revision (by
the editor, with Django's change message as its comment), and replaces the
admin's History page with the list of revisions, where an editor compares any
two and restores one.
"""

import reversion
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from reversion.models import Version

from articles.editorial import restoring, revisions


class RevisionHistoryMixin:
    object_history_template = "admin/articles/article/revisions.html"

    # Saving --------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with revisions.recorded(_("Changed"), user=request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    # Both run after the inlines and tags are saved: the moment to record.
    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._record(request, obj, entry.get_change_message() or _("Created"))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._record(request, obj, entry.get_change_message() or _("Saved"))
        return entry

    @staticmethod
    def _record(request, obj, text):
        if reversion.is_active():
            revisions.include(obj)
            if getattr(request, "published_now", False):
                text = f"{_('Published')}. {text}"
            reversion.set_comment(text)

    # Pages ---------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/history/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:object_id>/history/<int:version_id>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def _article(self, request, object_id, change=False):
        # The admin's own history URL takes any text as the id.
        try:
            pk = int(unquote(str(object_id)))
        except ValueError:
            raise Http404(_("No such answer.")) from None
        article = get_object_or_404(self.model, pk=pk)
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def _version(self, article, version_id):
        try:
            return revisions.versions_of(article).get(pk=version_id)
        except (Version.DoesNotExist, ValueError, TypeError):
            raise Http404(_("No such revision of this answer.")) from None

    def _context(self, request, article, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": article,
            "title": title,
            "has_change_permission": self.has_change_permission(request, article),
            "in_trash": article.status == article.Status.TRASHED,
        }

    def history_view(self, request, object_id, extra_context=None):
        article = self._article(request, object_id)
        versions = list(revisions.versions_of(article))
        context = {
            **self._context(request, article, _("Revisions: %s") % article),
            "versions": versions,
            "newest": versions[0] if versions else None,
            "older": versions[1] if len(versions) > 1 else None,
        }
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        article = self._article(request, object_id)
        old = self._version(article, request.GET.get("from"))
        new = self._version(article, request.GET.get("to"))
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self._context(request, article, _("Compare revisions: %s") % article),
            "old": old,
            "new": new,
            "rows": revisions.compare(revisions.snapshot(old), revisions.snapshot(new)),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        article = self._article(request, object_id, change=True)
        version = self._version(article, version_id)
        if article.status == article.Status.TRASHED:
            # Restoring a revision would bring the answer out of the trash
            # by a side door, past the trash's own checks.
            messages.error(
                request,
                _(
                    "“%(q)s” is in the trash, so its history is read-only: "
                    "restore it from the trash first, then restore a revision."
                )
                % {"q": article},
            )
            return redirect(
                reverse("admin:articles_article_history", args=[article.pk])
            )
        live = article.status == article.Status.PUBLISHED
        if request.method == "POST":
            keep_live = live and request.POST.get("keep_live") == "on"
            restored = restoring.restore(
                article, version, request.user, keep_live=keep_live
            )
            note = _("Restored revision %(n)s.") % {"n": version.revision_id}
            if restored.not_ready:
                note += " " + _(
                    "It cannot stay published: %(why)s It is now a draft."
                ) % {"why": " ".join(restored.not_ready)}
            elif live and not keep_live:
                note += " " + _("The answer is now a draft; publish it when ready.")
            messages.success(request, note)
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        current = revisions.versions_of(article).first()
        context = {
            **self._context(request, article, _("Restore a revision: %s") % article),
            "version": version,
            "live": live,
            "rows": revisions.compare(
                revisions.snapshot(current), revisions.snapshot(version)
            )
            if current
            else [],
        }
        return TemplateResponse(request, "admin/articles/article/restore.html", context)
