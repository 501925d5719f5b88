"""`make bench`: the site under gunicorn beside a bare Django view, with wrk.

Three gunicorn servers run with production settings on 127.0.0.1: the site
with its page cache, the same site with the page cache off (every request
renders), and a bare Django view returning a constant page of the same size
(the framework's ceiling). wrk loads one at a time, in interleaved rounds, and
each page's req/s, p50 and p99 are reported as ratios to the bare view.

Then: the trending computation time, search p50 over 20 queries, the
suggest POST rate, checked against the database so that nothing is lost, and
the view flush: how far the counted views lag behind the views served while
the real worker and scheduler run beside the load.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.discovery import trend_points, trending, viewcounts
from articles.discovery.tasks import refresh_rankings
from articles.discovery.trending import refresh_trending
from articles.models import Article, ArticleView
from suggestions.forms import sign_render_time
from suggestions.models import Suggestion
from topics.models import QuestionType, Topic
from whatanswers.bench_mix import WARM, MixReport

HOST = "127.0.0.1"
PORTS = {"cached": 8311, "uncached": 8312, "bare": 8313}
SEARCHES = 20
POST_SCRIPT = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
function request()
  n = n + 1
  local body = "question=What+causes+bench+load+" .. tid .. "+" .. n
    .. "&email=&website=&rendered=%(rendered)s&csrfmiddlewaretoken=%(token)s"
  return wrk.format("POST", "/suggest/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=%(cookie)s",
  }, body)
end
"""


class Command(BaseCommand):
    help = "Benchmark the site under gunicorn against a bare Django view (wrk)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="answers (PG)")
        parser.add_argument("--duration", type=int, default=3, help="s per run")
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument(
            "--only",
            choices=["pages", "trending", "search", "suggest", "views", "mix"],
            action="append",
            help="measure only this (repeatable); all but the mix by default",
        )
        parser.add_argument(
            "--mix",
            action="store_true",
            help="the realistic mix only (bench_mix): same as --only mix",
        )
        parser.add_argument("--mix-seconds", type=int, default=120)
        parser.add_argument(
            "--mix-warm",
            type=int,
            default=WARM,
            help="requests of the mix before its window whose pages are cached",
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(
        self,
        *args,
        scale,
        duration,
        rounds,
        connections,
        only,
        mix,
        mix_seconds,
        mix_warm,
        seed,
        **options,
    ):
        if not shutil.which("wrk"):
            raise CommandError(
                "wrk is not installed: apt-get install wrk (make bench does this "
                "when run as root)."
            )
        self.duration, self.connections = duration, connections
        self._prepare(scale)
        with ExitStack() as servers:
            self.servers = {
                name: servers.enter_context(Server(name, PORTS[name])) for name in PORTS
            }
            everything = ["pages", "trending", "search", "suggest", "views"]
            wanted = set(only or (["mix"] if mix else everything))
            if "mix" in wanted or mix:
                MixReport(self, seed, mix_seconds, Background, PORTS, mix_warm).run()
            if "pages" in wanted:
                self._measure_pages(self._pages(), rounds)
            if "trending" in wanted:
                self._measure_trending()
            if "search" in wanted:
                self._measure_search()
            if "suggest" in wanted:
                self._measure_suggest()
            if "views" in wanted:
                self._measure_view_flush()

    # Data ---------------------------------------------------------------

    def _prepare(self, scale):
        quiet = StringIO()
        call_command("migrate", verbosity=0)
        cache.clear()  # pages cached by an earlier run on another database
        if scale:
            if connection.vendor != "postgresql":
                raise CommandError("--scale needs PostgreSQL: set DATABASE_URL.")
            have = Article.objects.count()
            if have < scale:
                if have:
                    raise CommandError(
                        f"The database holds {have} answers, fewer than --scale "
                        f"{scale}; use an empty database."
                    )
                self.stdout.write(f"Generating {scale:,} answers (once)…")
                call_command(
                    "generate_answers", scale, views=scale * 10, stdout=self.stdout
                )
        elif not Article.objects.exists():
            call_command("import_articles", "demo/", create_missing=True, stdout=quiet)
        refresh_rankings.call()
        refresh_trending.call()
        total = Article.objects.published().count()
        self.stdout.write(f"{total:,} published answers on {connection.vendor}.")

    def _pages(self):
        article = Article.objects.published().order_by("-published_at").first()
        topic = Topic.objects.order_by("-published_count").first()
        qtype = QuestionType.objects.order_by("-published_count").first()
        deep = max(topic.published_count // settings.ARTICLES_PER_PAGE, 1)
        return [
            ("home", "/"),
            ("article", article.get_absolute_url()),
            ("topic", topic.get_absolute_url()),
            ("topic deep", f"{topic.get_absolute_url()}?page={deep}"),
            ("type", qtype.get_absolute_url()),
            ("topic x type", f"/topics/{topic.slug}/{qtype.slug}/"),
            ("trending", "/trending/"),
            ("sitemap", "/sitemap.xml"),
            ("feed", "/feeds/latest/"),
        ]

    # Pages --------------------------------------------------------------

    def _measure_pages(self, pages, rounds):
        sizes = {}
        for _name, path in pages:
            for kind in ("cached", "uncached"):
                body = fetch(PORTS[kind], path)
            sizes[path] = len(body)
        results = {(name, kind): [] for name, _ in pages for kind in PORTS}
        for n in range(1, rounds + 1):
            self.stdout.write(f"Round {n} of {rounds}…")
            for name, path in pages:
                for kind in ("bare", "cached", "uncached"):
                    url = f"/?size={sizes[path]}" if kind == "bare" else path
                    results[name, kind].append(self._wrk(PORTS[kind], url))
        self.stdout.write(
            f"\n{'page':<13}{'bytes':>8}{'bare r/s':>10}"
            f"{'cached':>9}{'uncached':>10}{'p50 c/u':>13}{'p99 c/u':>13}"
        )
        for name, path in pages:
            bare, cached, uncached = (
                median_run(results[name, kind])
                for kind in ("bare", "cached", "uncached")
            )
            self.stdout.write(
                f"{name:<13}{sizes[path]:>8}{bare[0]:>10.0f}"
                f"{cached[0] / bare[0]:>8.2f}x{uncached[0] / bare[0]:>9.2f}x"
                f"{cached[1] / bare[1]:>6.1f}/{uncached[1] / bare[1]:<6.1f}"
                f"{cached[2] / bare[2]:>6.1f}/{uncached[2] / bare[2]:<6.1f}"
            )
        self.stdout.write(
            "(r/s as a fraction of the bare view's; p50 and p99 as multiples of "
            "its latency: cached/uncached)"
        )

    def _wrk(self, port, path, script=None, duration=None):
        command = [
            "wrk",
            "-t2",
            f"-c{self.connections}",
            f"-d{duration or self.duration}s",
            "--latency",
        ]
        if script:
            command += ["-s", script]
        output = subprocess.run(
            [*command, f"http://{HOST}:{port}{path}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if "Non-2xx" in output or "Socket errors" in output:
            raise CommandError(f"wrk saw errors on {path}:\n{output}")
        return parse_wrk(output)

    # The rest -----------------------------------------------------------

    def _measure_trending(self):
        def median_ms(job, runs=5):
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                job()
                times.append((time.perf_counter() - start) * 1000)
            return statistics.median(times)

        views = trending.ArticleView.objects.count()
        refresh = median_ms(lambda: trend_points.top_scores(trending.TOP))
        rebuild = median_ms(trend_points.rebuild, runs=1)
        self.stdout.write(
            f"\nTrending over {views:,} view rows: the scheduled refresh (kept "
            f"incrementally) {refresh:.1f} ms; the daily rebuild {rebuild:.0f} ms."
        )

    def _measure_search(self):
        words = [
            w
            for a in Article.objects.published().order_by("?")[:SEARCHES]
            for w in a.question.split()[2:3]
        ]
        queries = [" ".join(words[i : i + 1 + i % 3]) for i in range(SEARCHES)]
        times = []
        for query in queries:
            path = "/search/?q=" + urllib.request.quote(query)
            start = time.perf_counter()
            fetch(PORTS["uncached"], path)
            times.append((time.perf_counter() - start) * 1000)
        self.stdout.write(
            f"Search over HTTP, {len(queries)} queries of 1–3 words: "
            f"p50 {statistics.median(times):.1f} ms, max {max(times):.1f} ms"
        )

    def _measure_suggest(self):
        Suggestion.objects.filter(
            normalised__startswith="what causes bench load"
        ).delete()
        page = fetch(PORTS["cached"], "/suggest/", keep_headers=True)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        cookie = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", ""))
        if not (token and cookie):
            raise CommandError("Could not read a CSRF token from /suggest/.")
        rendered = urllib.request.quote(sign_render_time())
        time.sleep(settings.SUGGEST_MIN_FILL_SECONDS + 0.5)  # "filled in" by now
        script = POST_SCRIPT % {
            "rendered": rendered,
            "token": token.group(1).decode(),
            "cookie": cookie.group(1),
        }
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(script)
        try:
            rate, _p50, _p99, total = self._wrk(
                PORTS["cached"], "/suggest/", script=f.name, duration=5
            )
        finally:
            os.unlink(f.name)
        stored = sum(
            Suggestion.objects.filter(
                normalised__startswith="what causes bench load"
            ).values_list("request_count", flat=True)
        )
        # wrk stops with a few requests in flight: those may count too.
        verdict = "nothing lost" if stored >= total else f"LOST {total - stored}"
        self.stdout.write(
            f"Suggest POST: {rate:.0f} POST/s; {total:,} sent, {stored:,} "
            f"counted: {verdict}."
        )

    def _measure_view_flush(self, seconds=15, patience=60):
        """Load one cached answer while the worker and scheduler run, then
        watch the stored count catch up with what wrk was served."""
        if getattr(cache, "incr_and_store", None) is None:
            self.stdout.write(
                "View flush: not measured; it needs Redis (REDIS_URL), which "
                "the worker shares with the servers."
            )
            return
        article = Article.objects.published().order_by("-published_at").first()
        path = article.get_absolute_url()
        fetch(PORTS["cached"], path)  # cached before the load

        def counted():
            rows = ArticleView.objects.filter(article=article)
            return sum(rows.values_list("count", flat=True))

        viewcounts.flush()
        time.sleep(settings.VIEW_SEND_SECONDS + 1)  # the servers' buffers
        viewcounts.flush()
        before = counted()
        with Background("run_worker"), Background("run_scheduler"):
            rate, _p50, _p99, served = self._wrk(
                PORTS["cached"], path, duration=seconds
            )
            ended = time.monotonic()
            at_end = counted() - before
            caught_up = None
            while time.monotonic() - ended < patience:
                if counted() - before >= served:
                    caught_up = time.monotonic() - ended
                    break
                time.sleep(0.25)
        final = counted() - before
        lag = (
            f"all counted {caught_up:.1f} s after the load ended"
            if caught_up is not None
            else f"LAGGING: {served - final:,} still uncounted after {patience} s"
        )
        self.stdout.write(
            f"View flush (every {settings.VIEW_FLUSH_SECONDS} s, views sent every "
            f"{settings.VIEW_SEND_SECONDS} s): {served:,} views served at "
            f"{rate:.0f}/s; {at_end:,} counted when the load ended "
            f"({at_end / max(served, 1):.0%}); {lag}."
        )


class Server:
    """One gunicorn on 127.0.0.1 with production settings: 2 processes (one
    per core) of 4 threads, so that database and cache waits overlap."""

    def __init__(self, name, port):
        self.name, self.port = name, port

    def __enter__(self):
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_CONN_MAX_AGE": "60",
            # wrk is one client: the per-client limits would measure 429s.
            "SUGGEST_RATE_LIMIT": "1000000000",
            "SEARCH_RATE_LIMIT": "1000000000",
            "SIMILAR_RATE_LIMIT": "1000000000",
        }
        if self.name == "uncached":
            env["PAGE_CACHE_SECONDS"] = "0"
        env.setdefault("DJANGO_SECRET_KEY", settings.SECRET_KEY)
        app = (
            "whatanswers.bench_bare:application"
            if self.name == "bare"
            else "whatanswers.wsgi:application"
        )
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", app,
                "--bind", f"{HOST}:{self.port}",
                "--workers", "2", "--threads", "4", "--log-level", "warning",
            ],
            env=env,
            cwd=Path(settings.BASE_DIR),
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                fetch(self.port, "/robots.txt" if self.name != "bare" else "/")
                return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise CommandError(f"The {self.name} server did not start on {self.port}.")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)


class Background:
    """A management command (the worker, the scheduler) with the servers'
    production settings, for as long as the block runs."""

    def __init__(self, command):
        self.command = command

    def __enter__(self):
        env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECURE_SSL_REDIRECT": "0"}
        env.setdefault("DJANGO_SECRET_KEY", settings.SECRET_KEY)
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", self.command],
            env=env,
            cwd=Path(settings.BASE_DIR),
            # Its log of every task would bury the results.
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

    def __exit__(self, *exc):
        self.process.terminate()  # the worker finishes its task first
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print(f"{self.command} did not stop within 30 s: killed.", file=sys.stderr)
            self.process.kill()
            self.process.wait()


class Fetched:
    def __init__(self, body, headers):
        self.body, self.headers = body, headers


def fetch(port, path, keep_headers=False):
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=30) as r:
        body = r.read()
        return Fetched(body, r.headers) if keep_headers else body


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output):
    """(requests/s, p50 ms, p99 ms, requests)."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))

    def percentile(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * UNITS[unit]

    return rate, percentile(50), percentile(99), total


def median_run(runs):
    """The run with the median rate, so its latencies belong together."""
    return sorted(runs)[len(runs) // 2]
