"""Time the public pages in-process: `make bench` runs this on a throwaway DB.

Each page is requested through Django's test client (view, ORM, templates;
no network), after warming up, and the median and 95th-percentile times and
the query count are printed.
"""

import statistics
import time
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ArticleView, KeyFact

PAGES = [
    ("home", "/"),
    ("article", None),
    ("topic", "/topics/daily-life/"),
    ("type", "/types/what-causes/"),
    ("trending", "/trending/"),
    ("search", "/search/?q=causes"),
    ("suggest", "/suggest/?q=what+causes+hiccups"),
    ("sitemap", "/sitemap.xml"),
]


class Command(BaseCommand):
    help = "Benchmark the public pages on a database that may be thrown away."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=300)
        parser.add_argument("--requests", type=int, default=100)

    def handle(self, *args, articles, requests, **options):
        if "bench" not in str(settings.DATABASES["default"]["NAME"]):
            raise CommandError(
                "Refusing to run: the database name must contain 'bench' "
                "(make bench sets DATABASE_URL to a throwaway one)."
            )
        self._seed(articles)
        client = Client(HTTP_USER_AGENT="Mozilla/5.0 (bench)")
        article_url = Article.objects.published().first().get_absolute_url()
        header = f"{'page':<10} {'median ms':>10} {'p95 ms':>8} {'queries':>8}"
        self.stdout.write(header)
        for name, url in PAGES:
            url = url or article_url
            for _ in range(5):
                client.get(url)
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            p95 = statistics.quantiles(times, n=20)[-1]
            self.stdout.write(
                f"{name:<10} {statistics.median(times):>10.2f} {p95:>8.2f} "
                f"{len(queries.captured_queries):>8}"
            )

    def _seed(self, total):
        quiet = StringIO()
        call_command("migrate", verbosity=0)
        call_command("import_articles", "demo/", stdout=quiet)
        demo = list(Article.objects.published())
        self.stdout.write(f"Seeding {total} answers and their views…")
        for i in range(len(demo), total):
            source = demo[i % len(demo)]
            copy = Article.objects.create(
                question=f"{source.question.rstrip('?')} (case {i})?",
                topic=source.topic,
                question_type=source.question_type,
                summary=source.summary,
                body=source.body,
                status=Article.Status.PUBLISHED,
                published_at=source.published_at,
                last_updated=source.last_updated,
            )
            copy.tags.set(source.tags.all())
            KeyFact.objects.create(article=copy, text="A key fact.", position=1)
        today = time.strftime("%Y-%m-%d")
        ArticleView.objects.bulk_create(
            ArticleView(article=a, day=today, count=a.pk % 50 + 1)
            for a in Article.objects.all()
        )
        call_command("rebuild_modelsearch_index", stdout=quiet)
