"""Enqueue the periodic tasks, the way cron would, for `db_worker` to run."""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections
from django_tasks_db.models import DBTaskResult

from articles.discovery.tasks import flush_views, refresh_rankings
from articles.discovery.trending import refresh_trending
from articles.editorial.publishing import run_publishing_schedule
from suggestions.tasks import count_similar
from whatanswers.dashboard import refresh_dashboard
from whatanswers.health import heartbeat
from whatanswers.task_recovery import reclaim_stale_tasks, requeue_lost_generations

logger = logging.getLogger(__name__)
RECOVERY_SECONDS = 60


class Command(BaseCommand):
    help = (
        "Enqueue the periodic background tasks (views, rankings, suggestions, "
        "scheduled publishing)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Enqueue each task once and exit."
        )

    def handle(self, *args, once, **options):
        schedule = [
            (flush_views, settings.VIEW_FLUSH_SECONDS),
            (refresh_trending, settings.TRENDING_CACHE_SECONDS),
            (refresh_rankings, settings.RANKINGS_REFRESH_SECONDS),
            (count_similar, settings.SIMILAR_COUNT_SECONDS),
            (run_publishing_schedule, settings.PUBLISHING_CHECK_SECONDS),
            (refresh_dashboard, settings.DASHBOARD_REFRESH_SECONDS),
            (heartbeat, settings.HEARTBEAT_SECONDS),
        ]
        due = dict.fromkeys(range(len(schedule)), 0.0)
        recover_at = 0.0
        self.stdout.write("Scheduler: enqueuing periodic tasks (Ctrl-C stops it).")
        while True:
            now = time.monotonic()
            try:
                if now >= recover_at:
                    # Here, not as a task: the worker may be the one that died.
                    reclaim_stale_tasks()
                    requeue_lost_generations()
                    recover_at = now + RECOVERY_SECONDS
                for i, (task, every) in enumerate(schedule):
                    if now >= due[i]:
                        if not self._waiting(task):
                            task.enqueue()
                        due[i] = now + every
            except (OperationalError, InterfaceError) as exc:
                # The database is away: keep the schedule, try again soon.
                logger.error(
                    "Scheduler: the database is unreachable (%s).", type(exc).__name__
                )
                close_old_connections()
                if once:
                    raise
                time.sleep(5)
                continue
            if once:
                return
            time.sleep(1)

    @staticmethod
    def _waiting(task):
        """A run of `task` still queued: with the worker down or busy, the
        schedule does not pile up copies (each run does all the work due)."""
        return (
            DBTaskResult.objects.ready()  # a run queued for later does not count
            .filter(task_path=task.module_path)
            .exists()
        )
