"""`manage.py run_worker`: django-tasks-db's worker, made to outlive outages.

db_worker exits on the first database error. This runs its worker in a loop:
on a database that cannot be reached it logs, waits (doubling up to 30 s) and
tries again, so the worker comes back by itself with the database. Before it
starts, and after each outage, tasks left RUNNING by a worker that died
(SIGKILL, a lost machine) are reclaimed (whatanswers.task_recovery).
"""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from whatanswers.task_recovery import reclaim_stale_tasks

logger = logging.getLogger("whatanswers.worker")
MAX_WAIT = 30


class Command(BaseCommand):
    help = (
        "Run the background worker (all queues), surviving database outages "
        "and reclaiming tasks a dead worker left running."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--batch", action="store_true", help="Exit when no task is left."
        )

    def handle(self, *args, interval, batch, **options):
        wait = 1
        while True:
            try:
                reclaim_stale_tasks()
                worker = Worker(
                    queue_names=["*"],
                    interval=interval,
                    batch=batch,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id=get_random_string(32),
                    excluded_queue_names=[],
                )
                worker.configure_signals()  # Ctrl-C finishes the task first
                worker.run()
                return
            except (OperationalError, InterfaceError) as exc:
                logger.error(
                    "Worker: the database is unreachable (%s); trying again in %s s.",
                    type(exc).__name__,
                    wait,
                )
                close_old_connections()
                time.sleep(wait)
                wait = min(wait * 2, MAX_WAIT)
