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
