"""Tasks a dead worker left behind are run again.

A worker killed with SIGKILL (or a lost machine) leaves its task RUNNING for
ever. `reclaim_stale_tasks` puts a task that has been RUNNING for longer than
TASK_STALE_SECONDS back in the queue, up to TASK_MAX_CLAIMS claims in all;
past that it is marked failed. Tasks are idempotent (their docstrings say so)
and the answer generator saves a draft in one transaction, so a task cut off
half-way leaves nothing half-made and can simply run again.

A generation that ended without a draft and without a retry queued (a worker
stopped with two SIGTERMs marks its task FAILED) is queued again by
`requeue_lost_generations`.

run_scheduler calls both every minute; run_worker reclaims when it starts.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from suggestions.models import Suggestion
from suggestions.tasks import enqueue_generation, generate_draft

logger = logging.getLogger(__name__)


def reclaim_stale_tasks(now=None):
    """Requeue (or fail, past TASK_MAX_CLAIMS) tasks RUNNING for too long;
    returns how many were requeued."""
    now = now or timezone.now()
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        started_at__lt=now - timedelta(seconds=settings.TASK_STALE_SECONDS),
    )
    requeued = 0
    # Each move is a conditional UPDATE: two schedulers cannot both move it.
    for task in stale.only("pk", "worker_ids", "task_path")[:500]:
        if len(task.worker_ids) >= settings.TASK_MAX_CLAIMS:
            DBTaskResult.objects.filter(
                pk=task.pk, status=TaskResultStatus.RUNNING
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="whatanswers.task_recovery.WorkerLost",
                traceback=f"Its worker stopped {len(task.worker_ids)} times.",
            )
            logger.error(
                "Task %s failed: its worker died %s times",
                task.pk,
                len(task.worker_ids),
            )
            continue
        requeued += DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING
        ).update(status=TaskResultStatus.READY)
        logger.warning(
            "Task %s (%s) requeued: its worker stopped", task.pk, task.task_path
        )
    return requeued


def requeue_lost_generations(now=None):
    """Approved suggestions whose generation ended with no draft and nothing
    queued: generate again. Returns how many were queued."""
    now = now or timezone.now()
    quiet_since = now - timedelta(seconds=settings.TASK_STALE_SECONDS)
    waiting = list(
        Suggestion.objects.filter(
            status=Suggestion.Status.APPROVED,
            updated_at__lt=quiet_since,
            generation_attempts__lt=settings.ANSWER_GENERATION_MAX_ATTEMPTS,
        ).values_list("pk", flat=True)[:200]
    )
    if not waiting:
        return 0
    pending = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING),
        task_path=generate_draft.module_path,
    ).values_list("args_kwargs", flat=True)
    queued_for = {(ak or {}).get("args", [None])[0] for ak in pending}
    lost = [pk for pk in waiting if pk not in queued_for]
    for pk in lost:
        enqueue_generation(pk)
        logger.warning("Generation for suggestion %s queued again: it was lost", pk)
    return len(lost)
