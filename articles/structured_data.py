"""schema.org JSON-LD for an article page, safe to embed in a <script>."""

import json

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

# Escaped inside the JSON so that text such as "</script>" cannot end the block.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def article_json_ld(article, request):
    def url(path):
        return request.build_absolute_uri(path)

    site = {"@type": "Organization", "name": settings.SITE_NAME, "url": url("/")}
    page_url = url(article.get_absolute_url())
    data = [
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": article.question,
            "description": article.summary,
            "url": page_url,
            "mainEntityOfPage": page_url,
            # A preview of a draft has no publish time yet.
            "datePublished": (article.published_at or timezone.now()).isoformat(),
            "dateModified": article.last_updated.isoformat(),
            "author": site,
            "publisher": site,
            "articleSection": article.topic.name,
            "citation": [
                {"@type": "CreativeWork", "name": source.title, "url": source.url}
                for source in article.sources.all()
            ],
        },
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                crumb(1, "Home", url(reverse("articles:home"))),
                crumb(2, article.topic.name, url(article.topic.get_absolute_url())),
                crumb(3, article.question, page_url),
            ],
        },
    ]
    if article.reviewer_name and article.reviewed_at:
        data.append(
            {
                "@context": "https://schema.org",
                "@type": "WebPage",
                "@id": page_url,
                "url": page_url,
                "name": article.question,
                "reviewedBy": {"@type": "Person", "name": article.reviewer_name},
                "lastReviewed": timezone.localdate(article.reviewed_at).isoformat(),
            }
        )
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))


def crumb(position, name, item):
    return {"@type": "ListItem", "position": position, "name": name, "item": item}
