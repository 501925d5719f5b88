from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.functional import lazy
from django.views.generic import RedirectView

from articles.delivery.caching import public_page
from articles.editorial.editor_views import (
    StaffImageUploadView,
    StaffMarkdownifyView,
    serve_upload,
)
from articles.syndication.feeds import LatestAnswersFeed, TopicFeed
from articles.syndication.sitemaps import sitemap_index, sitemap_section
from whatanswers.health import healthz
from whatanswers.web.absolute import absolute_url

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME


@public_page(lambda request: [])
def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": absolute_url(reverse("sitemap"))},
        content_type="text/plain",
    )


@public_page(lambda request: [])
def opensearch(request):
    """Lets a browser add the site's search (linked from every page)."""
    return render(
        request,
        "opensearch.xml",
        {
            "icon": static("favicon.svg"),
            "search": reverse("articles:search"),
            "self": reverse("opensearch"),
        },
        content_type="application/opensearchdescription+xml",
    )


urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemaps/<slug:section>.xml", sitemap_section, name="sitemap_section"),
    path("robots.txt", robots_txt, name="robots"),
    path("healthz", healthz, name="healthz"),
    path("opensearch.xml", opensearch, name="opensearch"),
    path(
        "feeds/latest/",
        public_page(lambda request: ["latest"])(LatestAnswersFeed()),
        name="feed_latest",
    ),
    path(
        "feeds/topics/<slug:slug>/",
        public_page(lambda request, slug: ["latest", "site"])(TopicFeed()),
        name="feed_topic",
    ),
    # The names are markdownx's own, so its widget finds the staff-only views.
    path(
        "markdownx/markdownify/",
        StaffMarkdownifyView.as_view(),
        name="markdownx_markdownify",
    ),
    path("markdownx/upload/", StaffImageUploadView.as_view(), name="markdownx_upload"),
    # Uploaded images, in production too, with headers that keep them images.
    path("media/uploads/<path:path>", serve_upload, name="upload"),
    path("", include("articles.urls")),
    path("", include("topics.urls")),
    path("", include("suggestions.urls")),
    # Browsers ask for /favicon.ico even on pages (the admin) that name another.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True),
    ),
]
handler500 = "whatanswers.errors.server_error"
