"""`/healthz`: is this web node able to serve, and is the worker alive?

For load balancers and uptime checks. JSON, never cached, never counted, no
secrets (a failing check says which exception class, not its message).
- database: a `SELECT 1`;
- cache: a write and a read of a throwaway key;
- worker: the age of the last heartbeat (the `heartbeat` task, queued by
  run_scheduler every HEARTBEAT_SECONDS and run by db_worker).
It answers 503 when the database or the cache fails; a stale worker is
reported but fails the check only with `?require=worker`, so a load balancer
does not take web nodes out because the background worker stopped.
"""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.tasks import task
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles.models import Ranking

HEARTBEAT_KEY = "worker:heartbeat"


@task()
def heartbeat():
    """The worker's sign of life, read by /healthz."""
    Ranking.objects.update_or_create(
        key=HEARTBEAT_KEY, defaults={"value": [], "computed_at": timezone.now()}
    )
    return "alive"


def _timed(check):
    started = time.perf_counter()
    try:
        details = check() or {}
        ok = details.pop("ok", True)
    except Exception as exc:  # the class only: messages can hold secrets
        ok, details = False, {"error": type(exc).__name__}
    return {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1), **details}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": ok}


def _worker():
    row = Ranking.objects.filter(key=HEARTBEAT_KEY).values("computed_at").first()
    if row is None:
        return {"ok": False, "last_heartbeat_seconds_ago": None}
    age = (timezone.now() - row["computed_at"]).total_seconds()
    return {
        "ok": age <= settings.HEALTH_WORKER_MAX_AGE,
        "last_heartbeat_seconds_ago": round(age),
    }


@require_GET
@never_cache
def healthz(request):
    checks = {"database": _timed(_database), "cache": _timed(_cache)}
    checks["worker"] = (
        _timed(_worker) if checks["database"]["ok"] else {"ok": False, "skipped": True}
    )
    required = ["database", "cache"]
    if request.GET.get("require") == "worker":
        required.append("worker")
    healthy = all(checks[name]["ok"] for name in required)
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks},
        status=200 if healthy else 503,
    )
