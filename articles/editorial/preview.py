"""Previews: any answer as visitors would see it, before it is live.

Staff open it from the admin (`/admin/articles/article/<id>/preview/`, the
answer's "View on site" until it is live). A reviewer without an account gets
a signed link that works for PREVIEW_LINK_DAYS. A preview is the article page
itself (same view code and templates) with `noindex`, a banner, no caching
and no view counted.

A signed link shows one version of the answer, never a later one: it signs
the answer's id, its `updated_at` and its `preview_key`. Any save (an edit,
an unpublish, a move to the trash) moves `updated_at` on, and revoking the
links gives the answer a new key; either way the old link answers 410 and
the Review panel shows a new one.
"""

import uuid

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from articles.core.models import Article
from articles.pages.views import render_article
from whatanswers.web.absolute import absolute_url

SALT = "articles.preview.v2"


def LINK_DAYS():  # noqa: N802 - read at call time, so tests can change it
    return settings.PREVIEW_LINK_DAYS


def _version(article):
    moment = article.updated_at
    return [article.pk, moment.isoformat() if moment else "", article.preview_key]


def signed_url(article):
    token = signing.dumps(_version(article), salt=SALT, compress=True)
    return absolute_url(reverse("articles:preview", args=[token]))


def revoke_links(article):
    """Every link given out for `article` stops working; returns the new key.
    An update, not a save: revoking is no edit (no revision, no new version)."""
    article.preview_key = uuid.uuid4().hex
    Article.objects.filter(pk=article.pk).update(preview_key=article.preview_key)
    return article.preview_key


def render_preview(request, article):
    if article.status == Article.Status.TRASHED:
        raise Http404("An answer in the trash has no preview.")
    response = render_article(request, article, preview=True)
    return _private(response)


def _private(response):
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _expired(request):
    context = {"days": LINK_DAYS()}
    return _private(
        render(request, "articles/preview_expired.html", context, status=410)
    )


def signed_preview(request, token):
    try:
        signed = signing.loads(token, salt=SALT, max_age=LINK_DAYS() * 24 * 3600)
    except signing.SignatureExpired:
        return _expired(request)
    except signing.BadSignature as exc:
        raise Http404("This preview link is not valid.") from exc
    if not (isinstance(signed, list) and len(signed) == 3):
        raise Http404("This preview link is not valid.")
    article = Article.objects.filter(pk=signed[0]).first()
    if article is None:
        raise Http404
    if signed != _version(article) or article.status == Article.Status.TRASHED:
        return _expired(request)  # edited, unpublished, trashed or revoked
    return render_preview(request, article)
