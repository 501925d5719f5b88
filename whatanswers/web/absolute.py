"""Absolute addresses for what leaves the site: canonical links, JSON-LD,
feeds, sitemaps, emails. They are built from `SITE_URL`, never from the
request's Host header, which a client chooses (and which differs behind a
proxy or on a preview host)."""

from django.conf import settings


def absolute_url(path):
    """`/q/x/` → `https://example.com/q/x/`; an absolute URL is left alone."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def site_domain():
    """The host part of SITE_URL, e.g. for tag URIs."""
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
