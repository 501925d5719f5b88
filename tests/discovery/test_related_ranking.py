"""Related sections put the closest questions first: rare shared tags, then
trending, then recency."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.discovery.rankings import refresh_related
from articles.discovery.related import tag_weights
from articles.discovery.trending import compute_scores, store_scores
from articles.models import ArticleView

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cached_scores():
    cache.clear()
    yield
    cache.clear()


def section(html, heading):
    block = html.split(f"{heading}</h2>")[1].split("</section>")[0]
    return re.findall(r'<a href="/q/([^/]+)/">', block)


def test_rarer_shared_tags_weigh_more(make_article):
    current = make_article("What causes a?", slug="current", tags=["knee", "sport"])
    for i in range(5):
        make_article(f"What causes sport {i}?", tags=["sport"])
    make_article("What causes knee pain?", tags=["knee"])
    weights = tag_weights(current, published_total=8)
    by_name = {current.tags.get(pk=pk).name: w for pk, w in weights.items()}
    # 8 published answers: "knee" on 2, "sport" on 6.
    assert by_name["knee"] > by_name["sport"] > 0


def test_exact_order_within_a_section(client, make_article):
    now = timezone.now()

    def answer(slug, tags=(), hours_old=1):
        return make_article(
            f"What causes {slug}?",
            slug=slug,
            tags=tags,
            published_at=now - datetime.timedelta(hours=hours_old),
        )

    current = answer("current", tags=["knee", "sport", "pain"])
    for i in range(6):  # make "sport" common and "knee" rare
        answer(f"filler-{i}", tags=["sport"], hours_old=100 + i)
    answer("rare-tag", tags=["knee"], hours_old=50)
    answer("two-common-tags", tags=["sport", "pain"], hours_old=40)
    answer("common-tag", tags=["sport"], hours_old=30)
    hot = answer("no-tags-but-hot", hours_old=60)
    answer("no-tags-newest", hours_old=2)
    ArticleView.objects.create(article=hot, day=timezone.localdate(), count=40)
    # The worker, once the others are in: the trending list, then the ranking.
    store_scores(compute_scores())
    refresh_related(current)

    html = client.get(current.get_absolute_url()).content.decode()
    first = section(html, "More What Causes in Daily Life")
    # 12 answers; "knee" and "pain" are on 2 each, "sport" on 9:
    # sport + pain = log(12/9) + log(12/2) > knee = log(12/2) > sport alone.
    assert first == [
        "two-common-tags",
        "rare-tag",
        "common-tag",
        "filler-0",
        "filler-1",
    ]
    second = section(html, "Also in Daily Life")
    assert second[:4] == ["filler-2", "filler-3", "filler-4", "filler-5"]
    assert second[4] == "no-tags-but-hot"  # trending breaks the tie at 0 tags


def test_ties_on_tags_and_trending_go_to_the_newest(client, make_article):
    now = timezone.now()
    current = make_article("What causes x?", slug="x")
    for slug, hours in (("older", 5), ("newest", 1), ("middle", 3)):
        make_article(
            f"What causes {slug}?",
            slug=slug,
            published_at=now - datetime.timedelta(hours=hours),
        )
    refresh_related(current)
    html = client.get(current.get_absolute_url()).content.decode()
    assert section(html, "More What Causes in Daily Life") == [
        "newest",
        "middle",
        "older",
    ]


def test_trending_heading_links_to_the_full_list(
    client, make_article, make_topic, make_type
):
    current = make_article()
    read = make_article(topic=make_topic(), question_type=make_type())
    ArticleView.objects.create(article=read, day=timezone.localdate(), count=1)
    html = client.get(current.get_absolute_url()).content.decode()
    assert (
        'Trending on WhatAnswers</h2>\n  <a class="see-all" href="/trending/">' in html
    )
