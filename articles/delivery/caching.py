"""Whole public pages in the Django cache, made fresh by versioned keys.

Every cached page lists what it shows as dependencies ("answer:12",
"topic:3", "trending", ...), each with the version token it had when the
page was rendered. A change bumps the tokens of what it touches
(articles.changes); a cached page whose tokens no longer all match is
rendered again. Nothing is ever cleared wholesale. A hit runs no SQL, and
when this process holds the page and current copies of its tokens
(articles.delivery.page_tokens), it reads nothing from the shared cache
either.

Only anonymous GETs without a session are served from or stored in the cache;
logged-in staff always get fresh pages.

No stampede: when a page is stale (a token moved, or it expired), the first
request to see it claims its rendering (RENDERING_PREFIX) and renders it
again; for up to PAGE_STALE_SECONDS the others are served the old copy
("X-Page-Cache: stale"). Not after a hard bump: an unpublished, trashed or
deleted answer never shows again (HARD_PREFIX).

A change always wins over the cache:
- Tokens are numbers from one counter in the cache (SEQUENCE_KEY), so they
  tell when they were made. A miss reads the counter before rendering; a
  page is stored only if none of its tokens is newer, so a bump made while
  the page was being rendered (from the rows before the change) stops the
  store.
- A bump that the cache did not take is kept in the database
  (articles.delivery.cache_repair) and this process stops trusting the
  cache. With Redis, no process serves or stores a cached page unless its
  token listener is subscribed and every lost bump has been settled
  (`trusted()`); until then pages are rendered from the database.
"""

import hashlib
import re
import threading
import time
import uuid
from collections import OrderedDict
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.dispatch import Signal
from django.http import HttpResponse
from django.http.response import ResponseHeaders
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from articles.delivery import cache_repair, page_tokens

PAGE_PREFIX = "page:v3:"
VERSION_PREFIX = "ver2:"
SEQUENCE_KEY = VERSION_PREFIX + "sequence"
# The token number of a dependency's last hard bump (an answer unpublished,
# trashed or deleted): a page stored before it is never served, not even
# stale; and who is rendering a stale page again (RENDERING_PREFIX + key).
HARD_PREFIX = "hard1:"
RENDERING_PREFIX = "rendering1:"
# The only query a cached page may have; any other is rendered, not kept, so
# the variants of one path stay as few as its pages.
CACHED_QUERY = re.compile(r"(page=[1-9][0-9]{0,5})?")


# Sent when a page that counts a view of `of` (an answer's id) is served from
# the cache, which renders nothing; articles.changes has discovery count it.
served_from_cache = Signal(use_caching=True)


def new_token():
    """A token of this request only: it never matches a stored page, and it
    is no number, so nothing is stored under it either."""
    return uuid.uuid4().hex[:16]


def _sequence():
    """The token counter's next value; None when the cache failed. A lost
    counter starts again from the clock in microseconds, so it never goes
    back below the tokens made before it was lost."""
    start = time.time_ns() // 1000
    next_number = getattr(cache, "next_number", None)
    if next_number is not None:
        return next_number(SEQUENCE_KEY, start)  # Redis: one round trip
    cache.add(SEQUENCE_KEY, start, None)
    try:
        return cache.incr(SEQUENCE_KEY)
    except ValueError:  # lost in between, or a cache that keeps nothing
        return None


def _write_tokens(names, hard=False):
    """New tokens for `names` in the cache; True only if it took them all."""
    number = _sequence()
    if number is None:
        return False
    tokens = {VERSION_PREFIX + n: number for n in names}
    if hard:
        tokens.update({HARD_PREFIX + n: number for n in names})
    failed = cache.set_many(tokens, None)
    if failed:
        return False
    page_tokens.announce(names)
    return True


def bump(*names, hard=False):
    """Give each dependency a new version: pages showing it are now stale.

    A stale page may still be served for up to PAGE_STALE_SECONDS while one
    request renders it again, unless the bump is `hard`: what it removes
    (an unpublished answer) must not be seen again."""
    if not names:
        return
    if not _write_tokens(names, hard):
        page_tokens.mirror.distrust()  # drops every copy, these included
        cache_repair.record(names)


def trusted():
    """May this request use the shared cache? Always with a cache that is
    this process's own; with Redis only while the token listener is
    subscribed and no bump lost in an outage is waiting
    (articles.delivery.cache_repair)."""
    status = page_tokens.mirror.status()
    if status in (page_tokens.LIVE, page_tokens.LOCAL):
        return True
    if status == page_tokens.SILENT:
        # Read from Redis, not from the copies, once no lost bump waits: one
        # small query, where refusing the cache would render every page.
        return cache_repair.settle(partial(_write_tokens, hard=True))
    if status == page_tokens.UNCONFIRMED:
        session = page_tokens.mirror.session()
        # Hard: what a lost bump was about is not known any more.
        if cache_repair.settle(partial(_write_tokens, hard=True)):
            page_tokens.mirror.confirm(session)
            return page_tokens.mirror.status() == page_tokens.LIVE
    return False


def _storable(tokens, started):
    """Were all `tokens` made before `started` (the counter when rendering
    began)? Negative tokens were created for a lost one, not by a change."""
    return started is not None and all(
        isinstance(t, int) and t <= started for t in tokens.values()
    )


def versions(names):
    """{name: current token}. A token that the cache lost is created anew, so
    a page stored before the loss can never look fresh.

    This process's copies (articles.delivery.page_tokens) answer when they can."""
    known = page_tokens.mirror.get(names)
    if known is not None:
        return known
    if not trusted():
        # Redis may hold tokens from before a lost bump: nothing built on
        # them (a page, a fragment, a kept topic row) may be used now.
        return {name: new_token() for name in names}
    generation = page_tokens.mirror.generation()
    keys = [VERSION_PREFIX + n for n in names]
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        number = _sequence()
        if number is not None:
            # Unique and never made by a change: pages rendered meanwhile
            # may still be stored under it (see _storable).
            found.update(_add_tokens({key: -number for key in missing}))
    tokens = {k.removeprefix(VERSION_PREFIX): v for k, v in found.items()}
    page_tokens.mirror.learn(tokens, generation)
    for name in names:
        # A cache that cannot keep a token (Redis down): a token of this
        # request only, so nothing stored can look fresh.
        tokens.setdefault(name, new_token())
    return tokens


def _add_tokens(tokens):
    """Add the tokens that are missing; {key: token} as the cache holds them."""
    add_and_get_many = getattr(cache, "add_and_get_many", None)
    if add_and_get_many is not None:
        return add_and_get_many(tokens)  # Redis: one round trip
    for key, token in tokens.items():
        cache.add(key, token, None)
    return cache.get_many(list(tokens))


def depends_on(response, *names, counts_view_of=None, gone_at=None):
    """Mark `response` as a public page that shows `names`.

    `counts_view_of` is the answer id whose views a cached copy still counts.
    `gone_at` is when the page stops being true (an answer's unpublish
    time): no copy is served after it, not even stale.
    """
    response.page_dependencies = names
    response.page_counts_view_of = counts_view_of
    response.page_gone_at = gone_at
    return response


def public_page(get_names):
    """Decorate a view whose dependencies come from `get_names(request, **kw)`."""

    def decorator(view):
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                depends_on(response, *get_names(request, **kwargs))
            return response

        return wrapper

    return decorator


class PageCacheMiddleware:
    """Serve and store anonymous visitors' public pages.

    It comes first, so a hit runs no other middleware: the stored page
    carries every header the others added (security, CSP, ETag). Session,
    CSRF and auth never run on a hit, and GZip sits inside, so the compressed
    body is what is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL

    def __call__(self, request):
        if not self._cacheable_request(request):
            response = self.get_response(request)
            if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
                patch_cache_control(response, private=True)
            return response
        if not trusted():
            return self.get_response(request)  # from the database, not kept
        gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
        # A page is kept locally only under a host that get_host() accepted
        # when it was rendered or fetched, so the local look-up may use the
        # raw request line and skip validating and hashing it.
        local_key = (
            request.scheme,
            request.META.get("HTTP_HOST", ""),
            request.path,
            request.META.get("QUERY_STRING", ""),
            gzip,
        )
        hit = self._local_hit(local_key)
        if hit is None:
            key = self._key(request, gzip)
            hit, started, rendering = self._shared_hit(key, local_key)
        if hit is not None:
            response = self._replay(request, hit)
            if "stale" in hit:
                response[CACHE_HEADER] = "stale"
            return response
        try:
            response = self.get_response(request)
            self._store(key, local_key, response, started)
        finally:
            if rendering:  # stored or not, the next request may render it
                cache.delete(RENDERING_PREFIX + key)
        return response

    def _cacheable_request(self, request):
        return (
            request.method == "GET"
            and settings.PAGE_CACHE_SECONDS > 0
            and not request.path_info.startswith(self.static_prefix)
            and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            and CACHED_QUERY.fullmatch(request.META.get("QUERY_STRING", ""))
        )

    @staticmethod
    def _key(request, gzip):
        raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
        return f"{PAGE_PREFIX}{digest}:{int(gzip)}"

    # Pages this process served lately: a hit on one of them reads nothing
    # from the shared cache when this process's token copies are current.
    _local = OrderedDict()
    _lock = threading.Lock()

    def _local_hit(self, local_key):
        entry = self._local.get(local_key)
        if entry is None or time.time() >= entry["expires"]:
            return None
        if versions(entry["deps"]) != entry["deps"]:
            with self._lock:
                self._local.pop(local_key, None)
            return None
        return entry

    def _shared_hit(self, key, local_key):
        """(the page, None, False) on a hit; else (None, the token counter
        now, read in the same round trip before the page is rendered, and
        whether this request holds the page's rendering lock). A stale page
        comes back as a hit while another request renders it
        (`_serve_stale`)."""
        found = cache.get_many([key, SEQUENCE_KEY])
        entry, started = found.get(key), found.get(SEQUENCE_KEY)
        if started is None:
            started = _sequence()  # any later bump takes a greater number
        if entry is None:
            return None, started, False
        current = versions(entry["deps"])
        if current == entry["deps"] and time.time() < entry["expires"]:
            return self._keep(local_key, entry), None, False
        if not self._may_serve_stale(entry, current):
            return None, started, False
        if cache.add(RENDERING_PREFIX + key, 1, settings.PAGE_STALE_SECONDS):
            return None, started, True  # this request renders it again
        headers = ResponseHeaders(entry["headers"])._store  # as _keep does
        return {**entry, "header_store": headers, "stale": True}, None, False

    @staticmethod
    def _may_serve_stale(entry, current):
        """Stale only by edits and publishes (soft bumps) or by age, not by
        an unpublish, a trash or a delete, nor by a cache that lost tokens."""
        if settings.PAGE_STALE_SECONDS <= 0 or entry.get("final"):
            return False  # past its answer's unpublish time
        stored = entry["deps"]
        changed = [name for name, token in stored.items() if current[name] != token]
        if not all(isinstance(current[name], int) for name in changed):
            return False  # a token of this request only: the cache is not sure
        if not changed:
            return True  # only too old
        hard = cache.get_many([HARD_PREFIX + name for name in changed])
        return not any(
            hard.get(HARD_PREFIX + name, 0) > stored[name] for name in changed
        )

    def _keep(self, key, entry):
        # Headers are checked once here, not on every hit (see _replay).
        entry = {**entry, "header_store": ResponseHeaders(entry["headers"])._store}
        with self._lock:
            self._local[key] = entry
            self._local.move_to_end(key)
            while len(self._local) > settings.PAGE_CACHE_LOCAL_ENTRIES:
                self._local.popitem(last=False)
        return entry

    @staticmethod
    def _replay(request, entry):
        response = HttpResponse(entry["content"])
        # Copying the stored, already validated headers skips encoding and
        # checking a dozen of them again on every hit: a fifth of its cost.
        # (Django's own ResponseHeaders storage; a test checks every header.)
        response.headers._store = entry["header_store"].copy()
        if entry["counts"] is not None:
            served_from_cache.send(
                PageCacheMiddleware, request=request, of=entry["counts"]
            )
        if "HTTP_IF_NONE_MATCH" in request.META or (
            "HTTP_IF_MODIFIED_SINCE" in request.META
        ):
            return get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=parse_http_date_safe(response.get("Last-Modified")),
                response=response,
            )
        return response

    def _store(self, key, local_key, response, started):
        names = getattr(response, "page_dependencies", None)
        if (
            names is None
            or response.status_code != 200
            or response.streaming
            or response.cookies  # a CSRF token or session was handed out
        ):
            if response.cookies:
                patch_cache_control(response, private=True)
            return
        deps = versions(names)
        if not _storable(deps, started):
            return  # changed while it was rendered, or the cache failed
        mark_public(response)
        expires = time.time() + settings.PAGE_CACHE_SECONDS
        gone_at = getattr(response, "page_gone_at", None)
        # A copy that expires when its answer goes may not be served stale.
        final = gone_at is not None and gone_at.timestamp() <= expires
        if final:
            expires = gone_at.timestamp()
        entry = {
            "deps": deps,
            "content": response.content,
            # A replayed copy says so, at no cost per hit (make bench counts it).
            "headers": {**dict(response.items()), CACHE_HEADER: "hit"},
            "counts": getattr(response, "page_counts_view_of", None),
            "expires": expires,
            "final": final,
        }
        # Kept past its expiry for as long as it may be served stale.
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS + settings.PAGE_STALE_SECONDS)
        self._keep(local_key, entry)
        response[CACHE_HEADER] = "miss"


PUBLIC_VARY = "Accept-Encoding, Cookie"
# "hit" on a page served from the cache, "miss" on one rendered and kept.
CACHE_HEADER = "X-Page-Cache"


def mark_public(response):
    """Cache-Control and an ETag that browsers and CDNs can use."""
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_BROWSER_MAX_AGE,
        s_maxage=settings.PAGE_SHARED_MAX_AGE,
    )
    # The same for every stored copy, whatever the view happened to touch
    # for its first requester: caches downstream then keep one set of
    # variants, and never hand a session's page to a visitor or back.
    response["Vary"] = PUBLIC_VARY
    if not response.has_header("ETag"):
        digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        response["ETag"] = f'"{digest}"'


_rows = {}


def row_by_version(model, pk, token):
    """A small, rarely changed row (a topic, a type), kept in this process
    while its version token stays the same: the answer page then needs no
    join for it. Callers only read the instance."""
    kept = _rows.get((model, pk))
    if kept is not None and kept[0] == token:
        return kept[1]
    instance = model.objects.get(pk=pk)
    _rows[model, pk] = (token, instance)
    return instance
