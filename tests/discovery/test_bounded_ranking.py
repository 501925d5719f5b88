"""Related candidates from bounded reads, stored for every answer before any
page view needs them (issue 19, points 2 and 5)."""

from io import StringIO
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.discovery import postings, rankings, related
from articles.discovery.tasks import refresh_related_for
from articles.editorial import publishing
from articles.models import Article, RelatedAnswers, TagPosting

pytestmark = pytest.mark.django_db
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126"}


def posted(article):
    rows = TagPosting.objects.filter(article=article).select_related("tag")
    return sorted((p.tag.name, p.topic_id, p.question_type_id) for p in rows)


def test_postings_follow_the_answers_tags_and_state(make_article, make_topic):
    article = make_article(tags=["alpha", "beta"])
    topic, qtype = article.topic_id, article.question_type_id
    assert posted(article) == [("alpha", topic, qtype), ("beta", topic, qtype)]
    article.tags.add("gamma")
    article.tags.remove("alpha")
    assert [name for name, *_ in posted(article)] == ["beta", "gamma"]
    other = make_topic()
    article.topic = other
    article.save()
    assert {t for _, t, _ in posted(article)} == {other.pk}
    publishing.unpublish(article)
    assert posted(article) == []


def test_ranking_reads_the_same_however_many_answers_share_a_tag(
    make_article, monkeypatch
):
    monkeypatch.setattr(postings, "PER_TAG", 4)
    article = make_article(tags=["common", "rare"])
    make_article(tags=["rare"])
    for _ in range(25):  # more than PER_TAG, and enough to fill every section
        make_article(tags=["common"])
    rankings.refresh_tag_frequencies()
    rankings.refresh_related(article)  # the trending list is stored once

    read = []
    under = postings.Postings.under

    def counted(self, *args, **kwargs):
        rows = under(self, *args, **kwargs)
        read.append(len(rows))
        return rows

    monkeypatch.setattr(postings.Postings, "under", counted)

    def ranking_queries():
        read.clear()
        with CaptureQueriesContext(connection) as queries:
            rankings.refresh_related(article)
        return len(queries.captured_queries), sum(read)

    few = ranking_queries()
    for _ in range(40):
        make_article(tags=["common"])
    rankings.refresh_tag_frequencies()
    many = ranking_queries()
    assert many[0] == few[0]
    assert many[1] <= 3 * 2 * 4  # sections × tags × PER_TAG
    # The rarer tag still ranks first: its one other answer leads.
    best = RelatedAnswers.objects.get(article=article).candidates["both"][0]
    assert posted(Article.objects.get(pk=best))[-1][0] == "rare"


def test_the_bulk_pass_ranks_as_the_one_answer_ranking(make_article, make_topic):
    other = make_topic()
    words = ["ash", "birch", "cedar", "damson", "elm", "fir"]
    for i in range(30):
        tags = {words[i % 6], words[(i * 5) % 6]} | ({"tree"} if i % 4 else set())
        make_article(tags=sorted(tags), **({"topic": other} if i % 3 == 0 else {}))
    rankings.refresh_tag_frequencies()
    one_by_one = {}
    for article in Article.objects.published():
        one_by_one[article.pk] = rankings.refresh_related(article)
    RelatedAnswers.objects.all().delete()
    assert rankings.rank_all() == len(one_by_one)
    stored = dict(RelatedAnswers.objects.values_list("article_id", "candidates"))
    assert stored == one_by_one


def test_a_page_view_never_ranks(client, make_article):
    make_article(tags=["rare"])
    article = make_article(tags=["rare"], rank=False)  # the worker is behind
    with mock.patch.object(
        related, "compute_candidates", side_effect=AssertionError("ranked")
    ):
        response = client.get(article.get_absolute_url(), **BROWSER)
    assert response.status_code == 200
    assert not RelatedAnswers.objects.filter(article=article).exists()
    refresh_related_for.call(article.pk)  # the worker
    assert RelatedAnswers.objects.filter(article=article).exists()


def test_ranking_a_new_answer_also_ranks_its_closest_neighbours(make_article):
    first = make_article("What causes a first thing?", tags=["rare"])
    rankings.refresh_related(first)
    assert RelatedAnswers.objects.get(article=first).candidates["both"] == []
    later = make_article("What causes a later thing?", tags=["rare"])
    refresh_related_for.call(later.pk)
    assert RelatedAnswers.objects.get(article=first).candidates["both"] == [later.pk]


def test_a_stored_candidate_that_moved_is_not_shown_under_the_old_title(
    client, make_article, make_topic
):
    article = make_article(tags=["rare"])
    neighbour = make_article("What causes a wandering answer?", tags=["rare"])
    make_article("What causes a staying answer?")
    rankings.refresh_related(article)
    stored = RelatedAnswers.objects.get(article=article).candidates
    assert neighbour.pk in stored["both"]
    neighbour.topic = make_topic()
    neighbour.save()  # its re-ranking is queued; the stored ids stay a while
    cache.clear()
    html = client.get(article.get_absolute_url(), **BROWSER).content.decode()
    topic = article.topic.name
    both = html.split(f"in {topic}</h2>", 1)[1].split("</section>", 1)[0]
    assert "staying" in both and "wandering" not in both
    assert f"Also in {topic}</h2>" not in html  # nobody else is left there


def test_generate_answers_ranks_every_answer(db):
    call_command("generate_answers", 80, views=200, stdout=StringIO())
    published = set(Article.objects.published().values_list("pk", flat=True))
    ranked = set(RelatedAnswers.objects.values_list("article_id", flat=True))
    assert published and ranked == published


def test_importing_the_demo_ranks_every_answer(db):
    call_command("import_articles", "demo/", create_missing=True, stdout=StringIO())
    published = set(Article.objects.published().values_list("pk", flat=True))
    ranked = set(RelatedAnswers.objects.values_list("article_id", flat=True))
    assert published and ranked == published
    sample = RelatedAnswers.objects.first().candidates
    assert any(sample.values())


def test_after_a_bulk_load_the_first_view_costs_what_the_second_does(client):
    call_command("generate_answers", 40, views=100, stdout=StringIO())
    for article in Article.objects.published():
        counts = []
        for _ in range(2):
            cache.clear()  # an uncached view each time
            with CaptureQueriesContext(connection) as queries:
                response = client.get(article.get_absolute_url(), **BROWSER)
            assert response.status_code == 200
            counts.append(len(queries.captured_queries))
        assert counts[0] == counts[1], article.slug
