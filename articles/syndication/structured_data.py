"""schema.org JSON-LD, safe to embed in a <script>.

Every address is absolute and built from SITE_URL (whatanswers.web.absolute).
What Google reads for an Article and a BreadcrumbList is listed in
tests/test_structured_data.py, which checks each property is here.
"""

import json
from datetime import datetime, time

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.syndication import share_images
from whatanswers.web.absolute import absolute_url
from whatanswers.web.links import web_url

# Escaped inside the JSON so that text such as "</script>" cannot end the block.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def to_script(data):
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))


def editorial_datetime(article):
    """The "Last updated" date as a moment with a zone, never before the
    answer went live: the publish time on the day it was published, else
    the start of that day in the site's time zone."""
    published = article.published_at or timezone.now()
    if article.last_updated <= timezone.localdate(published):
        return published
    return timezone.make_aware(datetime.combine(article.last_updated, time.min))


def organization():
    return {
        "@type": "Organization",
        "@id": absolute_url("/#organization"),
        "name": settings.SITE_NAME,
        "url": absolute_url("/"),
        "logo": {
            "@type": "ImageObject",
            "url": absolute_url(static(share_images.LOGO)),
            "width": 512,
            "height": 512,
        },
    }


def article_json_ld(article):
    page_url = absolute_url(article.get_absolute_url())
    published = article.published_at or timezone.now()  # a draft's preview
    data = [
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": article.question[:110],  # Google shows at most 110
            "description": article.summary,
            "url": page_url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
            "image": [
                {
                    "@type": "ImageObject",
                    "url": absolute_url(share_images.image_url(article)),
                    "width": share_images.WIDTH,
                    "height": share_images.HEIGHT,
                }
            ],
            "datePublished": timezone.localtime(published).isoformat(),
            "dateModified": timezone.localtime(editorial_datetime(article)).isoformat(),
            "inLanguage": "en",
            "author": {
                "@type": "Organization",
                "name": settings.SITE_NAME,
                "url": absolute_url("/"),
            },
            "publisher": organization(),
            "articleSection": article.topic.name,
            "citation": [
                {
                    "@type": "CreativeWork",
                    "name": source.title,
                    "url": web_url(source.url),
                }
                for source in article.sources.all()
                if web_url(source.url)
            ],
        },
        breadcrumbs(
            ("Home", reverse("articles:home")),
            (article.topic.name, article.topic.get_absolute_url()),
            (article.question, article.get_absolute_url()),
        ),
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
                "lastReviewed": timezone.localtime(article.reviewed_at).isoformat(),
            }
        )
    return to_script(data)


def breadcrumbs(*trail):
    """A BreadcrumbList from (name, path) pairs, the page itself last."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute_url(path),
            }
            for position, (name, path) in enumerate(trail, 1)
        ],
    }


def breadcrumbs_json_ld(*trail):
    return to_script(breadcrumbs(*trail))


def home_json_ld():
    """The home page: the site (with its search) and who publishes it."""
    search_url = absolute_url(reverse("articles:search"))
    return to_script(
        [
            {
                "@context": "https://schema.org",
                "@type": "WebSite",
                "@id": absolute_url("/#website"),
                "name": settings.SITE_NAME,
                "url": absolute_url("/"),
                "inLanguage": "en",
                "publisher": {"@id": absolute_url("/#organization")},
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {
                        "@type": "EntryPoint",
                        "urlTemplate": f"{search_url}?q={{search_term_string}}",
                    },
                    "query-input": "required name=search_term_string",
                },
            },
            {"@context": "https://schema.org", **organization()},
        ]
    )
