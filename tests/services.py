"""Which local services the tests can use.

Elsewhere a test that needs Redis skips with a reason when it is not running;
under CI=true it runs regardless, so a missing service fails loudly.
"""

import os
import socket

import pytest


def redis_reachable(host="127.0.0.1", port=6379):
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(
    os.environ.get("CI") != "true" and not redis_reachable(),
    reason="needs Redis on 127.0.0.1:6379 (start redis-server)",
)
