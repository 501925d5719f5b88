"""Brute-force protection for the admin login, with Django's own signals.

Failed sign-ins are counted per client address and per username in the
cache. Past LOGIN_FAILURE_LIMIT within LOGIN_LOCKOUT_SECONDS, the login form
answers 429 with a lockout message, whatever the password, until the window
ends. A successful sign-in clears the username's count. With the cache down
the guard fails open (logged), like the other rate limits.
"""

import logging
import unicodedata

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import salted_hmac

from whatanswers.web.ratelimit import client_hash

logger = logging.getLogger(__name__)


def canonical(username):
    """The account a username means, as the lockout counts it.

    Django's login form strips the username and NFKC-normalises it before
    authenticating, so " editor2", "editor2\t" and a full-width "ｅditor2"
    all try the same account: each must meet the same count. Case is folded
    too, so that a count never depends on how a guess was capitalised."""
    if not isinstance(username, str):
        return ""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _keys(request, username):
    name = salted_hmac(
        "whatanswers.login", canonical(username), algorithm="sha256"
    ).hexdigest()
    return [
        f"login-failures:client:{client_hash(request)}",
        f"login-failures:user:{name}",
    ]


def _failures(request, username):
    try:
        return max((cache.get(key) or 0) for key in _keys(request, username))
    except Exception:
        logger.warning("Login failures not read: the cache failed", exc_info=True)
        return 0


@receiver(user_login_failed, dispatch_uid="whatanswers.login_guard.failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    window = settings.LOGIN_LOCKOUT_SECONDS
    for key in _keys(request, credentials.get("username")):
        try:
            if not cache.add(key, 1, timeout=window):
                cache.incr(key)
        except Exception:
            logger.warning("Login failure not counted: the cache failed", exc_info=True)


@receiver(user_logged_in, dispatch_uid="whatanswers.login_guard.succeeded")
def _forget_failures(sender, request=None, user=None, **kwargs):
    if request is not None and user is not None:
        try:
            cache.delete(_keys(request, user.get_username())[1])
        except Exception:
            logger.warning(
                "Login failures not cleared: the cache failed", exc_info=True
            )


class LoginGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = None

    def __call__(self, request):
        if self.login_path is None:
            self.login_path = reverse("admin:login")
        if (
            request.method == "POST"
            and request.path == self.login_path
            and _failures(request, request.POST.get("username"))
            >= settings.LOGIN_FAILURE_LIMIT
        ):
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            response = TemplateResponse(
                request,
                "rate_limited.html",
                {
                    "title": "Too many failed sign-ins",
                    "message": (
                        "There were too many failed sign-ins from your address or "
                        f"for this account. Try again in {minutes} minutes, or ask "
                        "an administrator to reset your password."
                    ),
                },
                status=429,
            )
            response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
            return response.render()
        return self.get_response(request)
