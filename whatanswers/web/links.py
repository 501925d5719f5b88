"""Addresses that are safe to print into an href."""

from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")


def web_url(value):
    """`value` if it is an http(s) address, else "" (no link is drawn).

    Every way in validates a source's scheme already; this is the last line,
    so that a `javascript:` or `data:` address put straight into the
    database is never printed into an href. Browsers ignore leading spaces
    and controls before a scheme, so the check does too."""
    url = str(value or "")
    scheme = urlsplit(url.lstrip("\x00\t\n\r\x0c ")).scheme.lower()
    return url if scheme in WEB_SCHEMES and url == url.strip() else ""
