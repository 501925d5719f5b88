from django.conf import settings

from whatanswers.web.absolute import absolute_url


def site(request):
    """The site's name and the page's canonical address: SITE_URL and the
    path, no query string (a paginated page's view sets its own)."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL.rstrip("/"),
        "canonical_url": absolute_url(request.path),
    }
