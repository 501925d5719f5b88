"""`/healthz` for load balancers (issue 10, point 5)."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Ranking
from whatanswers.health import HEARTBEAT_KEY

pytestmark = pytest.mark.django_db


def health(client, query=""):
    response = client.get("/healthz" + query)
    return response, json.loads(response.content)


def test_healthy_with_a_worker_that_beats(client, run_worker):
    call_command("run_scheduler", "--once", stdout=StringIO())
    run_worker()  # runs the heartbeat the scheduler queued
    response, body = health(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "worker"}
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["worker"]["last_heartbeat_seconds_ago"] <= 5
    assert "no-cache" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"
    text = response.content.decode()
    for secret in ("SECRET", "password", "postgres://", "redis://"):
        assert secret not in text


def test_a_stale_worker_is_reported_and_fails_only_when_required(client):
    Ranking.objects.create(
        key=HEARTBEAT_KEY, value=[], computed_at=timezone.now() - timedelta(hours=1)
    )
    response, body = health(client)
    assert response.status_code == 200  # web nodes stay in the pool
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["last_heartbeat_seconds_ago"] >= 3600
    response, body = health(client, "?require=worker")
    assert response.status_code == 503 and body["status"] == "fail"


def test_a_failing_cache_is_a_503_without_its_message(client, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("redis://:secret@10.0.0.1 refused")

    monkeypatch.setattr(cache, "set", down)
    response, body = health(client)
    assert response.status_code == 503
    assert body["checks"]["cache"] == {
        "ok": False,
        "ms": body["checks"]["cache"]["ms"],
        "error": "ConnectionError",
    }
    assert "secret" not in response.content.decode()


def test_health_checks_are_never_counted_or_cached(client):
    for _ in range(3):
        client.get("/healthz")
    from articles.models import ArticleView

    assert not ArticleView.objects.exists()
