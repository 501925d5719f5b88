"""Requests no view can use get a 4xx page before any view sees them.

- A query string longer than MAX_QUERY_STRING: 414.
- A NUL in the query string (PostgreSQL cannot store or compare it, and no
  page needs it): 400.
- A body declared in a charset that is unknown, or not ASCII-compatible
  (UTF-16, UTF-32): 400. Django would otherwise fail while decoding the
  form (the CSRF check reads it first) and answer 500.

Last in MIDDLEWARE, so the response still carries every security header.
"""

import codecs
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.template.response import TemplateResponse

ASCII_COMPATIBLE_PROBE = b"a=1&b=2"


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem is None:
            return self.get_response(request)
        status, message = problem
        response = TemplateResponse(
            request, "400.html", {"message": message, "status": status}, status=status
        )
        return response.render()

    @staticmethod
    def problem(request):
        query = request.META.get("QUERY_STRING", "")
        if len(query) > settings.MAX_QUERY_STRING:
            return 414, (
                f"That address is {len(query):,} characters long; the site reads "
                f"at most {settings.MAX_QUERY_STRING:,}."
            )
        if b"\x00" in unquote_to_bytes(query):
            return 400, "That address holds a NUL character, which no page accepts."
        charset = (
            request.content_params.get("charset") if request.content_type else None
        )
        if charset and not _ascii_compatible(charset):
            return 400, (
                f"The form was sent as {charset[:40]!r}; the site reads UTF-8 forms."
            )
        return None


def _ascii_compatible(charset):
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        return False
    try:
        return ASCII_COMPATIBLE_PROBE.decode(codec.name) == "a=1&b=2"
    except (UnicodeDecodeError, ValueError):
        return False
