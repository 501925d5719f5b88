"""The realistic mix of `make bench --mix` (issue 19, point 1): seeded, in
the designed shares, and read back from wrk's report as it was counted."""

from collections import Counter
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from articles.delivery.caching import CACHE_HEADER
from whatanswers import bench_mix

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(make_article, make_topic, make_type):
    topics, types = [make_topic() for _ in range(2)], [make_type() for _ in range(2)]
    return [
        make_article(topic=topics[i % 2], question_type=types[i % 2], rank=False)
        for i in range(40)
    ]


def test_the_mix_is_the_same_for_a_seed_and_in_the_designed_shares(site):
    drafts = [site[0].pk]
    first = bench_mix.addresses(7, drafts, count=20_000)
    assert first == bench_mix.addresses(7, drafts, count=20_000)
    assert first != bench_mix.addresses(8, drafts, count=20_000)
    shares = Counter(kind for kind, _ in first)
    for kind, percent in bench_mix.SHARES.items():
        assert abs(shares[kind] / 20_000 - percent / 100) < 0.01, kind
    answers = Counter(path for kind, path in first if kind == "answer")
    assert f"/q/{site[0].slug}/" not in answers  # a draft until it is published
    # Zipf (s = 1): the most read answer about twice the second, ten times the
    # tenth.
    (_, top), (_, second) = answers.most_common(2)
    assert 1.5 < top / second < 2.6
    assert 6 < top / answers.most_common(10)[-1][1] < 14


def test_wrks_report_is_read_back_per_kind_and_second():
    output = "\n".join(
        [
            "C answer 100 50 40",
            "C answer 100 10 10",  # the same second from another thread
            "C answer 101 40 20",
            "C home 100 5 5",
            "B 2",
            "S 105 10000000 1",
            "L 50 1200",
            "L 99 45000",
            "L 99.9 90000",
        ]
    )
    result = bench_mix.parse(output)
    assert result.requests == 105 and result.seconds == 10 and result.errors == 3
    assert result.latency_ms == {50.0: 1.2, 99.0: 45.0, 99.9: 90.0}
    assert result.hit_rate("answer") == pytest.approx(70 / 100)
    assert result.hit_rate("answer", {100}) == pytest.approx(50 / 60)
    result.changes = [(101.4, "edit")]
    assert result.around_changes() == (pytest.approx(50 / 60), pytest.approx(0.5))


class Recorded:
    def __init__(self):
        self.done = []

    def update(self, done):
        self.done.append(done)


def test_warming_fetches_each_page_once_into_the_cache(site, live_server):
    port = urlsplit(live_server.url).port
    paths = [f"/q/{a.slug}/" for a in site[:5]] + ["/", "/topics/"]
    progress = Recorded()
    # One thread: the live server shares the test's SQLite connection.
    bench_mix.warm(port, paths, progress, threads=1)
    assert progress.done[-1] == len(paths)
    for path in paths:  # now served from the cache
        with urlopen(f"http://127.0.0.1:{port}{path}") as response:
            assert response.headers[CACHE_HEADER] == "hit", path
    with pytest.raises(RuntimeError, match="/q/no-such-answer/ answered 404"):
        bench_mix.warm(port, ["/q/no-such-answer/"], progress)
