"""The worker outlives outages and kills (issue 10, point 4).

The process tests run the real `manage.py run_worker` in a subprocess on the
test's PostgreSQL database (SQLite's test database lives in this process),
and kill it or cut its connection through a proxy of the test's own.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from suggestions.models import Suggestion
from suggestions.tasks import generate_draft
from tests.chat_server import ChatServer
from tests.suggestions.test_answer_generation import GOOD_ANSWER
from tests.tcp_proxy import TcpProxy
from whatanswers.health import heartbeat
from whatanswers.task_recovery import reclaim_stale_tasks, requeue_lost_generations

ROOT = Path(__file__).resolve().parents[2]

needs_postgres = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL (DATABASE_URL=postgres://...): the worker runs apart",
)


def approved(question="What causes sneezing?"):
    suggestion, _ = Suggestion.objects.submit(question)
    Suggestion.objects.filter(pk=suggestion.pk).update(status="approved")
    generate_draft.enqueue(suggestion.pk)
    return suggestion


def task_of(suggestion):
    return DBTaskResult.objects.get(
        task_path=generate_draft.module_path, args_kwargs__args=[suggestion.pk]
    )


# Recovery itself, in this process -------------------------------------------


@pytest.mark.django_db
def test_a_task_left_running_is_requeued_then_failed_after_three_claims(settings):
    settings.TASK_STALE_SECONDS = 60
    suggestion = approved()
    task = task_of(suggestion)
    long_ago = timezone.now() - timedelta(minutes=5)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=["dead"]
    )
    assert reclaim_stale_tasks() == 1
    assert task_of(suggestion).status == TaskResultStatus.READY
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=["a", "b", "c"]
    )
    assert reclaim_stale_tasks() == 0
    assert task_of(suggestion).status == TaskResultStatus.FAILED
    fresh = approved("What causes yawning?")
    DBTaskResult.objects.filter(pk=task_of(fresh).pk).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=["alive"]
    )
    reclaim_stale_tasks()
    assert task_of(fresh).status == TaskResultStatus.RUNNING  # still within time


@pytest.mark.django_db
def test_a_generation_that_ended_without_a_draft_is_queued_again(settings):
    settings.TASK_STALE_SECONDS = 60
    suggestion = approved()
    DBTaskResult.objects.filter(pk=task_of(suggestion).pk).update(
        status=TaskResultStatus.FAILED  # two SIGTERMs: failed, no retry queued
    )
    Suggestion.objects.filter(pk=suggestion.pk).update(
        updated_at=timezone.now() - timedelta(minutes=5)
    )
    assert requeue_lost_generations() == 1
    assert (
        DBTaskResult.objects.filter(
            task_path=generate_draft.module_path, status=TaskResultStatus.READY
        ).count()
        == 1
    )
    assert requeue_lost_generations() == 0  # queued now: not twice


# The real worker, in its own process ------------------------------------------


def worker_process(database_port, **env):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@127.0.0.1:{database_port}/{db['NAME']}"
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DATABASE_CONNECT_TIMEOUT": "2", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_no_half_draft_and_the_task_runs_again(
    make_topic, make_type, settings
):
    make_topic()
    make_type("What Causes", prefix="what causes")
    with ChatServer() as llm:
        llm.reply, llm.delay = GOOD_ANSWER, 30  # a generation that takes its time
        env = {
            "ANSWER_GENERATOR": "suggestions.generators.openai_compatible."
            "OpenAICompatibleGenerator",
            "ANSWER_LLM_BASE_URL": llm.base_url,
            "ANSWER_LLM_MODEL": "m",
            "ANSWER_LLM_TIMEOUT": "60",
            "TASK_STALE_SECONDS": "1",
        }
        suggestion = approved()
        worker = worker_process(connection.settings_dict["PORT"] or 5432, **env)
        try:
            assert wait_for(lambda: llm.requests, 30), "the worker never asked the LLM"
            assert task_of(suggestion).status == TaskResultStatus.RUNNING
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        finally:
            worker.kill()
        assert not Article.objects.exists()  # nothing half-made
        assert task_of(suggestion).status == TaskResultStatus.RUNNING  # orphaned
        llm.delay = 0
        time.sleep(
            1.5
        )  # past TASK_STALE_SECONDS (run_scheduler also checks every minute)
        worker = worker_process(connection.settings_dict["PORT"] or 5432, **env)
        try:  # the new worker reclaims it (stale after 1 s) and runs it
            drafted = wait_for(
                lambda: Suggestion.objects.get(pk=suggestion.pk).status == "drafted", 40
            )
        finally:
            worker.kill()
            output = worker.communicate(timeout=10)[0]
    assert drafted, output
    assert "requeued: its worker stopped" in output
    assert Article.objects.count() == 1
    assert task_of(suggestion).worker_ids and len(task_of(suggestion).worker_ids) == 2


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_out_a_database_outage_and_carries_on():
    def done(result):
        return (
            DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
        )

    with TcpProxy(int(connection.settings_dict["PORT"] or 5432)) as proxy:
        worker = worker_process(proxy.port)
        try:
            first = heartbeat.enqueue()
            assert wait_for(lambda: done(first), 30)
            proxy.cut()
            time.sleep(4)  # the worker meets the outage, more than once
            assert worker.poll() is None, "the worker exited"
            proxy.restore()
            second = heartbeat.enqueue()
            assert wait_for(lambda: done(second), 45), "the worker did not come back"
            assert worker.poll() is None
        finally:
            worker.kill()
            output = worker.communicate(timeout=10)[0]
    assert "the database is unreachable" in output
