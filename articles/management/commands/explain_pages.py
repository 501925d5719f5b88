"""EXPLAIN (ANALYZE) every query of every public page, flagging full scans.

    DATABASE_URL=postgres://... manage.py explain_pages --save 10k.json
    DATABASE_URL=postgres://.../big manage.py explain_pages --compare 10k.json

Run it against a large generated site (generate_answers): a page request
must never read a number of rows that grows with the site. It fails on a
page that does not answer 200, on a full scan of a watched table, and on a
first view of an answer that costs more queries than a later uncached one.
With --compare it shows how each page's SQL time grew since a run at
another scale.
"""

import json
import re
from pathlib import Path

from django.conf import settings
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
    "articles_tagposting",
    "articles_relatedanswers",
    "modelsearch_indexentry",
)
# An OFFSET this deep reads that many index entries before the page.
DEEP_OFFSET = 1000


class Command(BaseCommand):
    help = "EXPLAIN (ANALYZE) the queries of the public pages (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--verbose-plans", action="store_true")
        parser.add_argument("--save", type=Path, help="write the figures as JSON")
        parser.add_argument(
            "--compare", type=Path, help="a --save file from another scale"
        )

    def handle(self, *args, verbose_plans, save, compare, **options):
        if connection.vendor != "postgresql":
            raise CommandError("explain_pages needs PostgreSQL (set DATABASE_URL).")
        before = self._load(compare) if compare else None
        self.client = Client(HTTP_USER_AGENT="Mozilla/5.0 (explain)")
        self.host = _host()
        problems, figures = [], {}
        for name, url in self._pages():
            cache.clear()  # render afresh: the uncached cost
            status, queries, total = self._fetch(url)
            figures[name] = {"queries": len(queries), "sql_ms": round(total, 2)}
            self.stdout.write(
                f"{name:<14} {status} {len(queries):>3} queries "
                f"{total:8.1f} ms{self._growth(before, name, total)}  {url}"
            )
            if status != 200:
                problems.append(f"{name} answered {status} ({url})")
            for query in queries:
                problems += self._explain(name, query["sql"], verbose_plans)
        problems += self._first_view(figures)
        figures["_answers"] = Article.objects.published().count()
        if save:
            save.write_text(json.dumps(figures, indent=1) + "\n")
            self.stdout.write(f"Figures written to {save}.")
        if problems:
            for problem in problems:
                self.stderr.write(self.style.ERROR(f"  {problem}"))
            raise CommandError(f"{len(problems)} problems (listed above).")
        self.stdout.write(
            self.style.SUCCESS("Every page 200, no full scan of a watched table.")
        )

    def _fetch(self, url):
        with CaptureQueriesContext(connection) as ctx:
            status = self.client.get(url, HTTP_HOST=self.host).status_code
        total = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        return status, ctx.captured_queries, total

    def _first_view(self, figures):
        """An answer's first view against a second one, both with nothing of
        it cached: the same queries, since no request ranks or stores
        anything for being first. A third shows the usual uncached view,
        with the parts the first one stored."""
        article = Article.objects.published().order_by("pk").first()
        url = article.get_absolute_url()
        views = []
        for path in (url, url, f"{url}?explain=again"):
            if path == url:
                cache.clear()
            # The query string is one the page cache does not keep: it is
            # rendered again, with the fragments the views before stored.
            _, queries, ms = self._fetch(path)
            views.append((len(queries), ms))
        (first, first_ms), (second, second_ms), (warm, warm_ms) = views
        figures["article first view"] = {"queries": first, "sql_ms": round(first_ms, 2)}
        self.stdout.write(
            f"{'first view':<14}     {first:>3} queries {first_ms:8.1f} ms; "
            f"a second {second} queries {second_ms:.1f} ms; with its parts "
            f"cached {warm} queries {warm_ms:.1f} ms  {url}"
        )
        if first > second:
            return [f"the first view of {url} ran {first} queries, a second {second}"]
        return []

    def _pages(self):
        article = Article.objects.published().order_by("-pk").first()
        topic = Topic.objects.order_by("-published_count").first()
        qtype = QuestionType.objects.order_by("-published_count").first()
        if not (article and topic and qtype):
            raise CommandError("No published answers: run generate_answers first.")
        deep = max(topic.published_count // settings.ARTICLES_PER_PAGE, 1)
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

    def _explain(self, page, sql, verbose):
        if not sql.lstrip().upper().startswith("SELECT"):
            return []
        with connection.cursor() as cursor:
            # With sequential scans priced out, one that remains means no
            # index can answer the query: the same verdict on a test site of
            # 60 answers (where a scan is cheapest) as on 100,000.
            cursor.execute("SET enable_seqscan = off")
            try:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            finally:
                cursor.execute("RESET enable_seqscan")
        scans = [
            table for table in WATCHED if re.search(rf"Seq Scan on {table}\b", plan)
        ]
        offset = re.search(r"\bOFFSET (\d+)", sql)
        deep = offset is not None and int(offset.group(1)) >= DEEP_OFFSET
        timing = re.search(r"Execution Time: ([\d.]+)", plan)
        if scans or deep or verbose:
            self.stdout.write(
                f"    {timing.group(1) if timing else '?'} ms: {sql[:160]}"
            )
        if deep:
            # Reported, not failed: it reads an index, but its cost grows
            # with the page number (compare the scales with --compare).
            self.stdout.write(
                self.style.WARNING(f"    OFFSET {offset.group(1)}: grows with depth")
            )
        if scans:
            self.stdout.write(
                self.style.WARNING(f"    full scan of {', '.join(scans)}")
            )
            if verbose:
                self.stdout.write(plan)
        return [f"{page}: full scan of {table}" for table in scans]

    @staticmethod
    def _load(path):
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: not a --save file ({exc})") from exc

    @staticmethod
    def _growth(before, name, total):
        if not before or name not in before:
            return ""
        then = before[name]["sql_ms"]
        ratio = f"{total / then:5.1f}x" if then else "  new"
        return f" ({ratio} the {before.get('_answers', '?'):,} answers' run)"


def _host():
    """A host the site accepts (an explicit one from ALLOWED_HOSTS)."""
    for host in settings.ALLOWED_HOSTS:
        if host and "*" not in host and not host.startswith("."):
            return host
    return "localhost"
