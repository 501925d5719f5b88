"""Fill a database with a large, realistic, made-up site for scale testing.

    manage.py generate_answers 100000 --views 1000000

Deterministic for a given --seed. Rows are written in bulk and indexed for
search in bulk, batch by batch, with a progress bar.
"""

import sys
import time
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction

from articles.core.models import Article
from articles.delivery import caching
from articles.discovery import postings, rankings, trending
from articles.discovery.search import bulk_index
from articles.discovery.search_postgres import bulk_loading
from articles.files.synthetic import Corpus


class Command(BaseCommand):
    help = (
        "Create N published answers with facts, sources, tags and optional daily "
        "view rows, for measuring the site at scale. Refuses to touch a "
        "database that already holds answers unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many answers to create")
        parser.add_argument("--views", type=int, default=0, help="daily view rows")
        parser.add_argument("--days", type=int, default=28, help="days of views")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=2000)
        parser.add_argument(
            "--force",
            action="store_true",
            help="add to a database that already holds answers",
        )

    def handle(self, *args, count, views, days, seed, batch, force, **options):
        if count < 1 or batch < 1 or views < 0 or days < 1:
            raise CommandError("count and --batch must be positive, --views >= 0.")
        if views > count * days:
            raise CommandError(
                f"--views {views} is more than one row per answer per day "
                f"({count} answers × {days} days)."
            )
        existing = Article.objects.count()
        if existing and not force:
            raise CommandError(
                f"This database already holds {existing} answers. generate_answers "
                "is for throwaway databases; pass --force to add to it anyway."
            )
        corpus = Corpus(seed)
        started = time.monotonic()
        corpus.create_taxonomy()
        progress = Progress(self.stdout, count, "answers")
        with bulk_loading() if connection.vendor == "postgresql" else nullcontext():
            # Numbering continues after existing answers, so --force never
            # repeats a question or slug.
            for offset in range(0, count, batch):
                size = min(batch, count - offset)
                with transaction.atomic():
                    created = corpus.create_answers(existing + offset, size)
                    postings.sync([a.pk for a in created])
                bulk_index([a.pk for a in created])
                reset_queries()  # under DEBUG, Django keeps every statement
                progress.update(offset + size)
            progress.done()
        if views:
            progress = Progress(self.stdout, views, "view rows")
            corpus.create_views(views, days, progress.update, newest=count)
            progress.done()
        if connection.vendor == "postgresql":
            self.stdout.write("Updating the planner's statistics (ANALYZE)…")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write("Storing counts, tag frequencies and trending…")
        rankings.refresh_counts()
        rankings.refresh_tag_frequencies()
        trending.store_scores(trending.compute_scores())
        trending.store_newest()
        caching.bump("site", "browse", "latest", "trending", "sitemaps")
        progress = Progress(self.stdout, Article.objects.published().count(), "ranked")
        rankings.rank_all(lambda done, total: progress.update(done))
        progress.done()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {count:,} answers and {views:,} view rows, and ranked "
                f"their related answers, in {elapsed:.0f} s."
            )
        )


class Progress:
    """A one-line progress bar on a terminal; a line per 10 % otherwise."""

    WIDTH = 30

    def __init__(self, stream, total, unit):
        self.stream, self.total, self.unit = stream, total, unit
        self.started = time.monotonic()
        self.tty = getattr(sys.stdout, "isatty", lambda: False)()
        self.last_tenth = -1

    def update(self, done):
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        elapsed = time.monotonic() - self.started
        line = f"[{bar}] {done:,}/{self.total:,} {self.unit} ({elapsed:.0f} s)"
        if self.tty:
            self.stream.write(f"\r{line}", ending="")
            self.stream.flush()
        elif done * 10 // self.total > self.last_tenth:
            self.last_tenth = done * 10 // self.total
            self.stream.write(line)

    def done(self):
        if self.tty:
            self.stream.write("")
