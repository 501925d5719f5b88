"""Each web process's copy of the page version tokens, kept right by Redis.

A cache hit should cost next to nothing, yet a change must make every page
that shows it fresh at once, in every process. So `caching.bump` publishes the
names it bumps on a Redis channel, and every process listens in a thread and
forgets its copies of those tokens; the next request reads them from the cache
again. The copies are trusted only while the listener is subscribed. During
start-up or after a lost connection, Redis itself is not trusted either
(`caching.trusted`) and pages are rendered from the database. A cache with no
channels (local memory, where every process has its own cache anyway) keeps
no copies: every token is read from it.

A copy is learnt only if no message arrived between the start of its read and
its storing, so a bump that races a read can never leave a stale copy.

The listener is healthy while Redis has answered it within TRUST_SECONDS (it
pings four times a second). Past that it is `silent`: its copies are not
trusted, since news may be waiting unread, but the tokens in Redis still are,
once no lost bump waits. Silence is most often a busy process whose listener
thread did not get to run, and turning the cache off then would make the
process busier still; a Redis that really hangs fails the request's own reads.
When the listener hears again it is unconfirmed until lost bumps are settled. Being
subscribed is not enough to trust the shared cache either: bumps may have
been lost while it was away (articles.delivery.cache_repair), so after every
(re)subscription the mirror waits, `unconfirmed`, until a request has
settled them and called `confirm`.
"""

import logging
import os
import threading
import time

from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

CHANNEL = "page-tokens"
# The listener pings Redis this often, and trusts its copies only while Redis
# answered within TRUST_SECONDS: a hanging Redis is noticed within a second.
PING_SECONDS = 0.25
TRUST_SECONDS = 1.0
# Silence this long means a dead link: connect again. Shorter silences (a
# busy process) only make the copies untrusted until lost bumps are settled.
DEAD_SECONDS = 5.0
RECONNECT_SECONDS = 0.5

# What `TokenMirror.status()` says.
LOCAL = "local"  # a cache without channels: one process, nothing to miss
LIVE = "live"  # subscribed, healthy, confirmed: copies and cache trusted
UNCONFIRMED = "unconfirmed"  # subscribed and healthy; lost bumps not settled
SILENT = "silent"  # subscribed, not heard from lately: no copies, Redis checked
DOWN = "down"  # starting or reconnecting: trust nothing


class TokenMirror:
    def __init__(self):
        self._lock = threading.Lock()
        self._tokens = {}
        self._generation = 0
        self._live = False
        self._subscribed = False
        self._heard = 0.0  # when Redis last answered the listener (monotonic)
        self._channels = False
        self._pid = None
        self._session = 0  # which listener may change `_live`

    # Reading ------------------------------------------------------------

    def status(self):
        if self._pid != os.getpid():
            self._start()
        if not self._channels:
            return LOCAL
        if not self._subscribed:
            return DOWN
        if time.monotonic() - self._heard >= TRUST_SECONDS:
            return SILENT
        return LIVE if self._live else UNCONFIRMED

    def session(self):
        return self._session

    def confirm(self, session):
        """Lost bumps are settled: trust the cache again (unless the listener
        was replaced or lost Redis meanwhile)."""
        with self._lock:
            if session == self._session and self._subscribed:
                self._generation += 1
                self._tokens.clear()
                self._live = True

    def distrust(self):
        """A bump failed here: trust nothing until it is settled."""
        with self._lock:
            self._generation += 1
            self._tokens.clear()
            self._live = False

    def get(self, names):
        """{name: token} from the copies, or None unless all are known."""
        if self.status() != LIVE:
            return None
        tokens = self._tokens
        try:
            return {name: tokens[name] for name in names}
        except KeyError:
            return None

    def generation(self):
        return self._generation

    def learn(self, tokens, generation):
        """Keep tokens read from the cache since `generation` was taken."""
        with self._lock:
            if self._live and generation == self._generation:
                self._tokens.update(tokens)

    def forget(self, names):
        with self._lock:
            self._generation += 1
            for name in names:
                self._tokens.pop(name, None)

    def reset(self):
        """Drop everything and stop listening (the cache setting changed)."""
        with self._lock:
            self._pid = None
            self._session += 1
            self._generation += 1
            self._tokens, self._live, self._subscribed = {}, False, False

    def _set_subscribed(self, subscribed, session):
        """Subscribed or not; either way unconfirmed, with no copies."""
        with self._lock:
            if session != self._session:
                return False  # a listener that was replaced
            self._generation += 1
            self._tokens.clear()
            self._live = False
            self._subscribed = subscribed
            self._heard = time.monotonic()
            return True

    def _set_live(self, live, session):
        """For tests: as after a (re)subscription confirmed, or a lost link."""
        if self._set_subscribed(live, session) and live:
            self.confirm(session)

    # Listening ----------------------------------------------------------

    def _start(self):
        """Start the listener once per process (gunicorn forks after import)."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._session += 1
            self._generation += 1
            self._tokens, self._live, self._subscribed = {}, False, False
            session = self._session
            pubsub = getattr(cache, "pubsub", None)
            self._channels = pubsub is not None
        if pubsub is None:
            return  # no channels: tokens are always read from the cache
        thread = threading.Thread(
            target=self._listen,
            args=(pubsub, session),
            name="page-tokens",
            daemon=True,
        )
        thread.start()

    def _listen(self, make_pubsub, session):
        while session == self._session:
            try:
                self._follow(make_pubsub(), session)
            except Exception as exc:
                if self._subscribed:  # once per outage, not every retry
                    logger.warning(
                        "Page token listener lost Redis (%s); pages are served "
                        "uncached until it is back.",
                        exc,
                    )
                else:
                    logger.debug("Page token listener: Redis still away (%s)", exc)
            if not self._set_subscribed(False, session):
                return
            time.sleep(RECONNECT_SECONDS)

    def _follow(self, pubsub, session):
        channel = cache.make_and_validate_key(CHANNEL)
        with pubsub:
            pubsub.subscribe(channel)
            heard = pinged = time.monotonic()
            while session == self._session:
                message = pubsub.get_message(timeout=PING_SECONDS / 2)
                now = time.monotonic()
                if message is not None:
                    if now - heard > TRUST_SECONDS:
                        # Silent for a while (Redis slow, this thread starved):
                        # news may have been missed, so settle before trusting.
                        self.distrust()
                        logger.info(
                            "Page token listener heard nothing for %.1f s; "
                            "confirming the cache again.",
                            now - heard,
                        )
                    heard = self._heard = now  # a pong counts too
                    kind = message["type"]
                    if kind == "subscribe":
                        self._set_subscribed(True, session)
                    elif kind == "message":
                        self.forget(message["data"].decode().split("\n"))
                if now - heard > DEAD_SECONDS:
                    raise ConnectionError(f"no answer from Redis in {DEAD_SECONDS} s")
                if now - pinged >= PING_SECONDS:
                    pubsub.ping()
                    pinged = now


mirror = TokenMirror()


@receiver(setting_changed)
def _cache_setting_changed(setting, **kwargs):
    if setting == "CACHES":
        mirror.reset()


def announce(names):
    """Tell every process (this one at once) that `names` have new tokens."""
    mirror.forget(names)
    publish = getattr(cache, "publish", None)
    if publish is not None:
        publish(CHANNEL, "\n".join(names))
