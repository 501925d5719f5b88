"""EXPLAIN (ANALYZE) every query of every public page, flagging full scans.

    DATABASE_URL=postgres://... manage.py explain_pages

Run it against a large generated site (generate_answers): a page request
must never read a number of rows that grows with the site.
"""

import re

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.core.models import Article
from topics.models import QuestionType, Topic

WATCHED = (
    "articles_article",
    "taggit_taggeditem",
    "articles_articleview",
    "modelsearch_indexentry",
)


class Command(BaseCommand):
    help = "EXPLAIN (ANALYZE) the queries of the public pages (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--verbose-plans", action="store_true")

    def handle(self, *args, verbose_plans, **options):
        if connection.vendor != "postgresql":
            raise CommandError("explain_pages needs PostgreSQL (set DATABASE_URL).")
        client = Client(HTTP_USER_AGENT="Mozilla/5.0 (explain)")
        problems = 0
        for name, url in self._pages():
            cache.clear()  # render afresh: the uncached cost
            with CaptureQueriesContext(connection) as ctx:
                status = client.get(url, HTTP_HOST="localhost").status_code
            total = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
            self.stdout.write(
                f"{name:<14} {status} {len(ctx.captured_queries):>3} queries "
                f"{total:8.1f} ms  {url}"
            )
            for query in ctx.captured_queries:
                problems += self._explain(query["sql"], verbose_plans)
        if problems:
            raise CommandError(f"{problems} queries scan a whole watched table.")
        self.stdout.write(self.style.SUCCESS("No full scan of a watched table."))

    def _pages(self):
        article = Article.objects.published().order_by("-pk").first()
        topic = Topic.objects.order_by("-published_count").first()
        qtype = QuestionType.objects.order_by("-published_count").first()
        if not (article and topic and qtype):
            raise CommandError("No published answers: run generate_answers first.")
        deep = max(topic.published_count // 20 - 1, 1)
        return [
            ("home", "/"),
            ("article", article.get_absolute_url()),
            ("topics", "/topics/"),
            ("topic", topic.get_absolute_url()),
            ("topic deep", f"{topic.get_absolute_url()}?page={deep}"),
            ("type", qtype.get_absolute_url()),
            ("topic x type", f"/topics/{topic.slug}/{qtype.slug}/"),
            ("trending", "/trending/"),
            ("search", "/search/?q=water+cycle"),
            ("search 1", "/search/?q=sleep"),
            ("suggest", "/suggest/?q=what+causes+water+damage"),
            ("similar", "/suggest/similar/?q=why+does+sleep+help"),
            ("sitemap", "/sitemap.xml"),
            ("sitemap 1", "/sitemaps/answers-1.xml"),
            ("feed", "/feeds/latest/"),
            ("topic feed", f"/feeds/topics/{topic.slug}/"),
        ]

    def _explain(self, sql, verbose):
        if not sql.lstrip().upper().startswith("SELECT"):
            return 0
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        scans = [
            table for table in WATCHED if re.search(rf"Seq Scan on {table}\b", plan)
        ]
        timing = re.search(r"Execution Time: ([\d.]+)", plan)
        if scans or verbose:
            self.stdout.write(
                f"    {timing.group(1) if timing else '?'} ms: {sql[:160]}"
            )
        if scans:
            self.stdout.write(
                self.style.WARNING(f"    full scan of {', '.join(scans)}")
            )
            if verbose:
                self.stdout.write(plan)
        return len(scans)
