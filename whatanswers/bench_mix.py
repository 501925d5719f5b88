"""The realistic mix of `make bench BENCH_ARGS=--mix` (issue 19).

Real traffic on a large answer site is mostly the long tail: answers nobody
opened lately, while editors publish all day. The mix reads pages in these
shares: 70 % answers, drawn by Zipf popularity (s = 1.0) over every published
answer; 10 % home; 10 % listings; 5 % search; 5 % other. All of it comes
from a seeded list of addresses, so that a seed always gives the same run.
Meanwhile an editor publishes or edits one answer every EDIT_SECONDS, and the
real worker and scheduler run.

wrk runs one connection per thread, so each response belongs to the last
request its thread sent: the Lua script counts page-cache hits (the
X-Page-Cache header) per kind of page and per second. From those seconds,
the report also shows how the answers' hit rate moved after each change.

Before the measured window the cache is warmed with the WARM requests that
precede it in the same seeded list: each distinct address is fetched once,
which leaves the cache as those requests would have, since copies live for
hours (PAGE_CACHE_SECONDS). A page served stale while it is rendered again
counts as served from the cache.
"""

import bisect
import http.client
import itertools
import os
import random
import re
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import close_old_connections, connection

from articles.editorial import publishing
from articles.management.commands.generate_answers import Progress
from articles.models import Article
from topics.models import QuestionType, Topic, TopicTypeCount

SHARES = {"answer": 70, "home": 10, "listing": 10, "search": 5, "other": 5}
OTHER = ["/trending/", "/feeds/latest/", "/sitemap.xml", "/topics/", "/types/"]
EDIT_SECONDS = 10
DRAFTS = 30  # long-tail answers taken back to draft, then published one by one
ADDRESSES = 200_000
BEFORE, AFTER = 8, 2  # seconds of hit rate compared around each change
# Requests before the measured window whose pages the cache holds: about a
# quarter of an hour of the target rate's traffic.
WARM = 300_000

LUA = r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args)
  kinds, paths = {}, {}
  for line in io.lines(args[1]) do
    local kind, path = line:match("^(%S+) (%S+)$")
    kinds[#kinds + 1] = kind
    paths[#paths + 1] = path
  end
  i = math.floor((id - 1) * #paths / tonumber(args[2]))
  totals, hits, bad = {}, {}, 0
end
function request()
  i = i % #paths + 1
  current = kinds[i]
  return wrk.format("GET", paths[i])
end
function response(status, headers, body)
  local key = current .. " " .. os.time()
  totals[key] = (totals[key] or 0) + 1
  local cached = headers["X-Page-Cache"]
  if cached == "hit" or cached == "stale" then hits[key] = (hits[key] or 0) + 1 end
  if status >= 400 then bad = bad + 1 end
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    -- (wrk copies flat tables between threads; nested ones crash it)
    local hits = thread:get("hits")
    for key, n in pairs(thread:get("totals")) do
      io.write("C ", key, " ", n, " ", hits[key] or 0, "\n")
    end
    io.write("B ", thread:get("bad"), "\n")
  end
  local e = summary.errors
  io.write(string.format("S %d %d %d\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout))
  for _, p in ipairs({50, 99, 99.9}) do
    io.write(string.format("L %s %d\n", p, latency:percentile(p)))
  end
end
"""


@dataclass
class MixResult:
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    latency_ms: dict = field(default_factory=dict)
    # {(kind, unix second): [requests, hits]}
    counts: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)  # (unix time, what)

    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def hit_rate(self, kind=None, seconds=None):
        rows = [
            row
            for (k, second), row in self.counts.items()
            if (kind is None or k == kind) and (seconds is None or second in seconds)
        ]
        total = sum(r[0] for r in rows)
        return sum(r[1] for r in rows) / total if total else None

    def around_changes(self, kind="answer"):
        """The mean hit rate of `kind` in the BEFORE seconds before each
        change, and in the AFTER seconds from it."""
        before, after = [], []
        for at, _what in self.changes:
            second = int(at)
            b = self.hit_rate(kind, set(range(second - BEFORE, second)))
            a = self.hit_rate(kind, set(range(second, second + AFTER)))
            if b is not None and a is not None:
                before.append(b)
                after.append(a)
        if not before:
            return None, None
        return sum(before) / len(before), sum(after) / len(after)


def addresses(seed, drafts, count=ADDRESSES):
    """[(kind, path)]: the seeded mix, leaving out the answers taken back
    to draft (they would be 404s until published)."""
    rng = random.Random(seed)
    ids = list(
        Article.objects.published()
        .exclude(pk__in=drafts)
        .order_by("pk")
        .values_list("slug", flat=True)
    )
    rng.shuffle(ids)  # popularity rank, independent of age
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(ids) + 1)))
    listings = _listings()
    words = [
        word
        for q in Article.objects.order_by("pk").values_list("question", flat=True)[:500]
        for word in re.findall(r"[a-z]{5,}", q.lower())[:1]
    ]
    kinds = list(SHARES)
    shares = list(itertools.accumulate(SHARES.values()))
    result = []
    for _ in range(count):
        kind = kinds[bisect.bisect(shares, rng.randrange(shares[-1]))]
        if kind == "answer":
            index = bisect.bisect(weights, rng.random() * weights[-1])
            path = f"/q/{ids[min(index, len(ids) - 1)]}/"
        elif kind == "home":
            path = "/"
        elif kind == "listing":
            path = _listing_page(rng, listings)
        elif kind == "search":
            path = "/search/?q=" + "+".join(rng.sample(words, rng.randint(1, 2)))
        else:
            path = rng.choice(OTHER)
        result.append((kind, path))
    return result


def _listings():
    """[(path, published answers)] of every topic, type and topic × type."""
    listings = [(t.get_absolute_url(), t.published_count) for t in Topic.objects.all()]
    listings += [
        (q.get_absolute_url(), q.published_count) for q in QuestionType.objects.all()
    ]
    listings += [
        (f"/topics/{row.topic.slug}/{row.question_type.slug}/", row.published_count)
        for row in TopicTypeCount.objects.select_related("topic", "question_type")
    ]
    return [(path, n) for path, n in listings if n]


def _listing_page(rng, listings):
    """Mostly a first page; one in five somewhere deeper."""
    path, count = rng.choice(listings)
    pages = max(1, -(-count // 20))
    page = 1 if rng.random() < 0.8 or pages == 1 else rng.randint(2, pages)
    return path if page == 1 else f"{path}?page={page}"


def take_drafts(seed, count=DRAFTS):
    """Unpublish `count` long-tail answers, to be published during the run."""
    rng = random.Random(f"{seed}:drafts")
    ids = list(Article.objects.published().values_list("pk", flat=True))
    chosen = rng.sample(ids, min(count, len(ids) // 10))
    for article in Article.objects.filter(pk__in=chosen):
        publishing.unpublish(article)
    return chosen


class Editor(threading.Thread):
    """Every EDIT_SECONDS: publish one of the drafts, or edit a published
    answer's summary, alternately; each change's time is kept."""

    def __init__(self, seed, drafts, editable):
        super().__init__(daemon=True)
        self.rng = random.Random(f"{seed}:editor")
        self.drafts, self.editable = list(drafts), list(editable)
        self.changes, self.stopped = [], threading.Event()

    def run(self):
        try:
            for step in itertools.count():
                if self.stopped.wait(EDIT_SECONDS):
                    return
                self.changes.append((time.time(), self._change(step)))
        finally:
            close_old_connections()

    def _change(self, step):
        if step % 2 == 0 and self.drafts:
            article = Article.objects.get(pk=self.drafts.pop())
            publishing.publish(article)
            return "publish"
        article = Article.objects.get(slug=self.rng.choice(self.editable))
        article.summary = f"{article.summary.rstrip('.')[:400]}. Edited {step}."
        article.save()
        return "edit"


def warm(port, paths, progress, threads=8):
    """Fetch each of `paths` once; anything but a 200 stops it."""
    todo, lock, done = iter(paths), threading.Lock(), [0]

    def fetch_all():
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while True:
                with lock:
                    path = next(todo, None)
                if path is None:
                    return
                client.request("GET", path)
                response = client.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"warming: {path} answered {response.status}")
                with lock:
                    done[0] += 1
                    if done[0] % 1000 == 0 or done[0] == len(paths):
                        progress.update(done[0])
        finally:
            client.close()

    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(fetch_all) for _ in range(threads)]:
            future.result()


def run_wrk(port, mix, seconds, connections):
    """wrk over the mix; a MixResult with the counts parsed from its report."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = os.path.join(tmp, "paths.txt")
        with open(paths, "w") as f:
            f.writelines(f"{kind} {path}\n" for kind, path in mix)
        script = os.path.join(tmp, "mix.lua")
        with open(script, "w") as f:
            f.write(LUA)
        output = subprocess.run(
            [
                "wrk",
                f"-t{connections}",
                f"-c{connections}",
                f"-d{seconds}s",
                "-s",
                script,
                f"http://127.0.0.1:{port}/",
                "--",
                paths,
                str(connections),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return parse(output)


def parse(output):
    result = MixResult()
    for line in output.splitlines():
        kind, *values = line.split()
        if kind == "C":
            page, second, requests, hits = values
            row = result.counts.setdefault((page, int(second)), [0, 0])
            row[0] += int(requests)
            row[1] += int(hits)
        elif kind == "B":
            result.errors += int(values[0])
        elif kind == "S":
            result.requests = int(values[0])
            result.seconds = int(values[1]) / 1e6
            result.errors += int(values[2])
        elif kind == "L":
            result.latency_ms[float(values[0])] = int(values[1]) / 1000
    return result


class MixReport:
    """Runs the mix beside the bare view and writes the report."""

    CONNECTIONS = 16

    def __init__(self, command, seed, seconds, background, ports, warm=WARM):
        self.command, self.seed, self.seconds = command, seed, seconds
        self.background, self.ports, self.warm = background, ports, warm
        self.out = command.stdout

    def run(self):
        bare = run_wrk(self.ports["bare"], [("bare", "/?size=16000")], 10, 16)
        drafts = take_drafts(self.seed)
        try:
            everything = addresses(self.seed, drafts, self.warm + ADDRESSES)
            earlier, mix = everything[: self.warm], everything[self.warm :]
            editable = sorted(
                {path.split("/")[2] for k, path in mix[:2000] if k == "answer"}
            )
            self.out.write(
                f"\nThe mix: {len(mix):,} addresses (seed {self.seed}), "
                f"{self.seconds} s, {self.CONNECTIONS} connections; an edit or a "
                f"publish every {EDIT_SECONDS} s; worker and scheduler running."
            )
            with self.background("run_worker"), self.background("run_scheduler"):
                if earlier:
                    self._warm(earlier)
                editor = Editor(self.seed, drafts, editable)
                cpu = CpuMeter(self.command.servers["cached"])
                editor.start()
                result = run_wrk(
                    self.ports["cached"], mix, self.seconds, self.CONNECTIONS
                )
                cpu_seconds = cpu.used()
                editor.stopped.set()
                editor.join()
            result.changes = editor.changes
        finally:
            for article in Article.objects.filter(pk__in=drafts).exclude(
                status=Article.Status.PUBLISHED
            ):
                publishing.publish(article)  # as it was, for the next run
        self._report(result, bare, cpu_seconds)

    def _warm(self, earlier):
        self.out.write(
            f"Warming the cache with the {len(earlier):,} requests before the "
            "window (each distinct page once):"
        )
        paths = list(dict.fromkeys(path for _kind, path in earlier))
        started = time.monotonic()
        warm(self.ports["cached"], paths, Progress(self.out, len(paths), "pages"))
        took = time.monotonic() - started
        self.out.write(
            f"Warmed {len(paths):,} pages in {took:.0f} s "
            f"({len(paths) / took:.0f} first views a second)."
        )

    def _report(self, result, bare, cpu_seconds):
        write = self.out.write
        latency = result.latency_ms
        write(
            f"Throughput {result.rate():.1f} req/s ({result.rate() / bare.rate():.2f}x "
            f"the bare view's {bare.rate():.0f}); p50 {latency[50.0]:.1f} ms, "
            f"p99 {latency[99.0]:.1f} ms, p99.9 {latency[99.9]:.1f} ms; "
            f"{result.errors} errors."
        )
        if cpu_seconds is not None:
            write(
                f"CPU per request (gunicorn and PostgreSQL backends): "
                f"{cpu_seconds * 1000 / max(result.requests, 1):.2f} ms."
            )
        seconds = sorted({second for _kind, second in result.counts})
        late = set(seconds[len(seconds) // 2 :])
        for kind in SHARES:
            overall = result.hit_rate(kind)
            if overall is None:
                continue
            warm = result.hit_rate(kind, late)
            write(
                f"  {kind:<8} served from the cache {overall:6.1%} overall, "
                f"{warm:6.1%} in the second half"
            )
        before, after = result.around_changes()
        kinds = ", ".join(sorted({what for _at, what in result.changes}))
        if before is not None:
            write(
                f"Around {len(result.changes)} changes ({kinds}): answers' hit rate "
                f"{before:.1%} in the {BEFORE} s before, {after:.1%} in the "
                f"{AFTER} s after."
            )


class CpuMeter:
    """CPU time of a server's processes and of every PostgreSQL backend
    (read from /proc, so Linux only; None elsewhere)."""

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, server):
        self.pid = server.process.pid
        self.start = self._total()

    def used(self):
        now = self._total()
        return None if now is None or self.start is None else now - self.start

    def _total(self):
        try:
            return sum(self._cpu(pid) for pid in self._pids())
        except OSError:
            return None

    def _pids(self):
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    todo += [int(child) for child in f.read().split()]
        database = f" {connection.settings_dict['NAME']} ".encode()
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/cmdline", "rb") as f:
                        line = f.read()
                except OSError:
                    continue
                if line.startswith(b"postgres: ") and database in line:
                    pids.append(int(entry))  # a backend of this database
        return pids

    def _cpu(self, pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0  # gone meanwhile
        return (int(fields[11]) + int(fields[12])) / self.TICK
