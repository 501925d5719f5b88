"""The 500 handler: a database that is down is a 503 to come back to.

Django calls handler500 inside the `except` of the failed request, so the
exception is at hand. A database that cannot be reached, or that timed out,
gives a friendly 503 with Retry-After, rendered without the database; the
error itself is logged by Django as for any 5xx. The next request opens a new
connection, so the site recovers by itself when the database returns.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def server_error(request, template_name="500.html"):
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        return database_unavailable()
    return defaults.server_error(request, template_name)


def database_unavailable():
    html = render_to_string("503.html", {"SITE_NAME": settings.SITE_NAME})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
