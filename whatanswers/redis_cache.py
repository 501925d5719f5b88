"""Django's Redis cache, with one shared redis-py client per connection pool.

Django's client builds a new `redis.Redis` for every cache call, and building
one sets up some 170 response callbacks: about a tenth of a millisecond per
call, several times per cached page. redis-py clients are thread-safe and
meant to be shared, so this keeps one per pool.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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

    def publish(self, channel, message):
        """Send `message` on `channel` (prefixed like a key); for
        articles.page_tokens."""
        client = self._cache.get_client(write=True)
        client.publish(self.make_and_validate_key(channel), message)

    def pubsub(self):
        """A new subscriber connection of its own (it blocks while it waits)."""
        return self._cache.get_client(write=True).pubsub()

    def incr_and_store(self, counter_key, prefix, value, timeout):
        """Take the next number of `counter_key` and store `value` under
        `prefix` + that number, in one round trip; -1 if the counter is
        missing (the caller seeds it). For articles.viewcounts."""
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
