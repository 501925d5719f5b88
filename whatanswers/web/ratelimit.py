"""Who is asking, and how often: client addresses, keyed hashes, rate limits
(the suggest form, "Already answered?", search)."""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


def client_address(request):
    """The visitor's address, from the trusted proxy header when one is set.

    A proxy appends the address it saw, so the last entry is the one that
    the visitor cannot forge.
    """
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_hash(request):
    """A keyed hash (HMAC with the secret key) of the address; never the IP."""
    return salted_hmac(
        "whatanswers.suggestions.client", client_address(request), algorithm="sha256"
    ).hexdigest()


def allow(bucket, request, limit, window):
    """Count one hit; False once `limit` hits fall in the current window.

    Fixed windows in the cache: atomic with Redis and with local memory, and
    shared by every app server that shares the cache. With the cache down it
    fails open (the error is logged): a visitor is never refused for that.
    """
    try:
        return _count(bucket, request, limit, window)
    except Exception:
        logger.warning(
            "Rate limit %r not counted: the cache failed", bucket, exc_info=True
        )
        return True


def retry_after(window):
    """Seconds until the current fixed window ends."""
    return int(window - time.time() % window) + 1


def _count(bucket, request, limit, window):
    slot = int(time.time() // window)
    key = f"ratelimit:{bucket}:{client_hash(request)}:{slot}"
    counter = getattr(cache, "incr_expiring", None)  # Redis: one round trip
    if counter is not None:
        return counter(key, window + 1) <= limit
    cache.add(key, 0, timeout=window + 1)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        hits = 1
    return hits <= limit
