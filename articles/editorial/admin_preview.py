"""Previews in the answers admin: the staff preview, and the signed links for
reviewers without an account, which an editor can revoke (articles.editorial.preview).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from articles.core.models import Article
from articles.editorial import preview


def preview_links(article):
    """The Review panel's previews: staff's own, and the signed link of this
    version with a way to revoke every link given out so far."""
    return format_html(
        '<p><a href="{}">{}</a> · {} <input type="text" readonly value="{}" '
        'aria-label="{}" size="60"> <a href="{}">{}</a></p>'
        '<p class="help">{}</p>',
        reverse("admin:articles_article_preview", args=[article.pk]),
        _("Preview"),
        _("Preview link for a reviewer without an account (valid %(days)d days):")
        % {"days": preview.LINK_DAYS()},
        preview.signed_url(article),
        _("Signed preview link"),
        reverse("admin:articles_article_revoke_previews", args=[article.pk]),
        _("Revoke preview links…"),
        _(
            "A link shows this version only: after the next save, unpublish or "
            "move to the trash it has expired, and this panel shows a new one."
        ),
    )


class PreviewAdminMixin:
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/preview/",
                view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<int:object_id>/revoke-previews/",
                view(self.revoke_previews_view),
                name="articles_article_revoke_previews",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return preview.render_preview(request, article)

    def revoke_previews_view(self, request, object_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if request.method == "POST":
            preview.revoke_links(article)
            messages.success(
                request,
                _(
                    "The preview links of “%(q)s” are revoked: they now say the "
                    "link has expired. The Review panel has a new one."
                )
                % {"q": article},
            )
            return redirect("admin:articles_article_change", article.pk)
        return TemplateResponse(
            request,
            "admin/articles/article/revoke_previews.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "object": article,
                "title": _("Revoke preview links"),
            },
        )
