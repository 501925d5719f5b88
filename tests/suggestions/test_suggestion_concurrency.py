"""Suggestions under real concurrency. SQLite serialises writers, so these
run on PostgreSQL only (CI always runs them there)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import signing
from django.db import connection
from django.test import Client

from suggestions.forms import TIMESTAMP_SALT
from suggestions.models import Suggestion

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: set DATABASE_URL=postgres://...",
    ),
    pytest.mark.django_db(transaction=True),
]


def suggest(question, address, barrier=None):
    """One visitor's POST, in its own thread with its own connection."""
    try:
        client = Client()
        data = {
            "question": question,
            "email": f"{address}@example.com",
            "rendered": signing.dumps(time.time() - 10, salt=TIMESTAMP_SALT),
        }
        if barrier is not None:
            barrier.wait()
        return client.post("/suggest/", data, REMOTE_ADDR=address).status_code
    finally:
        connection.close()


def test_fifty_visitors_asking_the_same_question_make_one_suggestion(topic):
    barrier = threading.Barrier(50)
    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(
            pool.map(
                lambda i: suggest(
                    "What causes hiccups at night?", f"10.0.1.{i}", barrier
                ),
                range(50),
            )
        )
    assert codes == [302] * 50
    suggestion = Suggestion.objects.get()
    assert suggestion.request_count == 50
    assert suggestion.requesters.count() == 50


def test_two_hundred_distinct_questions_are_all_stored(topic):
    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(
            pool.map(
                lambda i: suggest(
                    f"What causes phenomenon number {i}?", f"10.0.{i // 200}.{i % 200}"
                ),
                range(200),
            )
        )
    assert codes == [302] * 200
    assert Suggestion.objects.count() == 200
    assert set(Suggestion.objects.values_list("request_count", flat=True)) == {1}
