"""Previews: any answer as visitors would see it, before it is live.

Staff open it from the admin (`/admin/articles/article/<id>/preview/`, the
answer's "View on site" until it is live). A reviewer without an account gets
a signed link that works for PREVIEW_LINK_DAYS. A preview is the article page
itself (same view code and templates) with `noindex`, a banner, no caching
and no view counted.
"""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from whatanswers.absolute import absolute_url

from .models import Article

SALT = "articles.preview"


def LINK_DAYS():  # noqa: N802 - read at call time, so tests can change it
    return settings.PREVIEW_LINK_DAYS


def signed_url(article):
    token = signing.dumps(article.pk, salt=SALT, compress=True)
    return absolute_url(reverse("articles:preview", args=[token]))


def render_preview(request, article):
    from .views import render_article  # views import this module's neighbours

    if article.status == Article.Status.TRASHED:
        raise Http404("An answer in the trash has no preview.")
    response = render_article(request, article, preview=True)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def signed_preview(request, token):
    try:
        pk = signing.loads(token, salt=SALT, max_age=LINK_DAYS() * 24 * 3600)
    except signing.SignatureExpired as exc:
        raise Http404("This preview link has expired; ask for a new one.") from exc
    except signing.BadSignature as exc:
        raise Http404("This preview link is not valid.") from exc
    article = Article.objects.filter(pk=pk).first()
    if article is None:
        raise Http404
    return render_preview(request, article)
