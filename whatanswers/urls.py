from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from articles.editor_views import StaffImageUploadView, StaffMarkdownifyView

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("admin/", admin.site.urls),
    # The names are markdownx's own, so its widget finds the staff-only views.
    path(
        "markdownx/markdownify/",
        StaffMarkdownifyView.as_view(),
        name="markdownx_markdownify",
    ),
    path("markdownx/upload/", StaffImageUploadView.as_view(), name="markdownx_upload"),
    path("", include("articles.urls")),
    path("", include("topics.urls")),
    path("", include("suggestions.urls")),
    # Browsers ask for /favicon.ico even on pages (the admin) that name another.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True),
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
