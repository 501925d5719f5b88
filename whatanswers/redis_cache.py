"""Django's Redis cache, with one shared redis-py client per connection pool,
failing open when Redis is unreachable.

Django's client builds a new `redis.Redis` for every cache call, and building
one sets up some 170 response callbacks: about a tenth of a millisecond per
call, several times per cached page. redis-py clients are thread-safe and
meant to be shared, so this keeps one per pool.

The cache only makes the site faster. With Redis down or not answering, the
plain cache calls behave as on an empty cache that keeps nothing (pages are
rendered from the database), the first failure is logged, and for
CACHE_RETRY_SECONDS no call waits for Redis again; `set_many` then reports
every key as failed, so callers that must know (articles.delivery.caching) do. The
counting calls that callers already guard (incr_expiring, incr_and_store,
pubsub) still raise.
"""

import functools
import logging
import time

import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def fails_open(default):
    """Run the cache call, or give `default` while Redis is unreachable."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._down_until:
                return default(args, kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                self._down_until = time.monotonic() + settings.CACHE_RETRY_SECONDS
                logger.error(
                    "Redis is unreachable (%s); serving without the cache for "
                    "%s s at a time.",
                    type(exc).__name__,
                    settings.CACHE_RETRY_SECONDS,
                )
                return default(args, kwargs)

        return wrapper

    return decorate


def _given_default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._incr_and_store_script = None
        self._down_until = 0.0

    @fails_open(_given_default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @fails_open(lambda args, kwargs: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @fails_open(lambda args, kwargs: None)
    def set(self, *args, **kwargs):
        return super().set(*args, **kwargs)

    @fails_open(lambda args, kwargs: list(args[0]) if args else [])
    def set_many(self, *args, **kwargs):
        return super().set_many(*args, **kwargs)

    @fails_open(lambda args, kwargs: False)
    def add(self, *args, **kwargs):
        return super().add(*args, **kwargs)

    @fails_open(lambda args, kwargs: False)
    def delete(self, *args, **kwargs):
        return super().delete(*args, **kwargs)

    @fails_open(lambda args, kwargs: None)
    def delete_many(self, *args, **kwargs):
        return super().delete_many(*args, **kwargs)

    @fails_open(lambda args, kwargs: False)
    def touch(self, *args, **kwargs):
        return super().touch(*args, **kwargs)

    @fails_open(lambda args, kwargs: False)
    def has_key(self, *args, **kwargs):
        return super().has_key(*args, **kwargs)

    _INCR_AND_STORE = """
    if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
    local n = redis.call('INCR', KEYS[1])
    redis.call('SET', ARGV[1] .. n, ARGV[2], 'EX', ARGV[3])
    return n
    """

    def incr_expiring(self, key, timeout):
        """Add one to `key` (created at 1, expiring in `timeout` seconds) and
        return the count, in one round trip; for rate limits."""
        client = self._cache.get_client(write=True)
        key = self.make_and_validate_key(key)
        with client.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, int(timeout), nx=True)
            count, _ = pipe.execute()
        return count

    @fails_open(lambda args, kwargs: None)
    def next_number(self, key, start):
        """The next number of counter `key` (created at `start` if missing),
        in one round trip; None while Redis is unreachable. For the page
        cache's version tokens (articles.delivery.caching)."""
        client = self._cache.get_client(write=True)
        key = self.make_and_validate_key(key)
        with client.pipeline() as pipe:
            pipe.set(key, int(start), nx=True)
            pipe.incr(key)
            return pipe.execute()[1]

    @fails_open(lambda args, kwargs: {})
    def add_and_get_many(self, mapping):
        """Add each key that is missing, kept with no expiry, and return
        {key: value} as they are now, in one round trip. For the page
        cache's version tokens: a first view of an answer meets dozens that
        were never made, one per answer it lists."""
        client = self._cache.get_client(write=True)
        keys = {self.make_and_validate_key(key): key for key in mapping}
        dumps, loads = self._cache._serializer.dumps, self._cache._serializer.loads
        with client.pipeline(transaction=False) as pipe:
            for made, key in keys.items():
                pipe.set(made, dumps(mapping[key]), nx=True)
            pipe.mget(list(keys))
            values = pipe.execute()[-1]
        return {
            key: loads(value)
            for key, value in zip(keys.values(), values, strict=True)
            if value is not None
        }

    @fails_open(lambda args, kwargs: None)
    def publish(self, channel, message):
        """Send `message` on `channel` (prefixed like a key); for
        articles.delivery.page_tokens."""
        client = self._cache.get_client(write=True)
        client.publish(self.make_and_validate_key(channel), message)

    def pubsub(self):
        """A new subscriber connection of its own (it blocks while it waits)."""
        return self._cache.get_client(write=True).pubsub()

    def incr_and_store(self, counter_key, prefix, value, timeout):
        """Take the next number of `counter_key` and store `value` under
        `prefix` + that number, in one round trip; -1 if the counter is
        missing (the caller seeds it). For articles.discovery.viewcounts."""
        client = self._cache.get_client(write=True)
        if self._incr_and_store_script is None:
            self._incr_and_store_script = client.register_script(self._INCR_AND_STORE)
        return self._incr_and_store_script(
            keys=[self.make_and_validate_key(counter_key)],
            args=[
                self.make_and_validate_key(prefix),
                self._cache._serializer.dumps(value),
                int(timeout),
            ],
            client=client,
        )
