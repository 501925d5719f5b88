from django.conf import settings


def site(request):
    """The site's name and the page's canonical address (no query string)."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "canonical_url": request.build_absolute_uri(request.path),
    }
