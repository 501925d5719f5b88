"""The framework's ceiling, for `make bench`: a bare Django view under the
same gunicorn, returning a constant page of a requested size.

    gunicorn whatanswers.bench_bare:application

No database, no templates, no middleware: what Django itself costs.
"""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-bare-view-not-a-secret",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

_pages = {}


def constant(request):
    size = min(int(request.GET.get("size", "1000")), 10_000_000)
    if size not in _pages:
        _pages[size] = b"x" * size
    return HttpResponse(_pages[size], content_type="text/html; charset=utf-8")


urlpatterns = [path("", constant)]
application = get_wsgi_application()
