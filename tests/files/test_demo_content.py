"""The demo answers that `make run` loads make a site worth reading."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "demo"


@pytest.fixture
def demo(db):
    call_command("import_articles", str(DEMO), create_missing=True, stdout=StringIO())
    return Article.objects.published().select_related("topic", "question_type")


def test_demo_spans_enough_answers_topics_and_types(demo):
    assert demo.count() >= 24
    topics = {a.topic.name for a in demo}
    types = {a.question_type.name for a in demo}
    assert len(topics) >= 5 and "Daily Life" in topics
    assert len(types) >= 5 and "What Causes" in types


def test_demo_answers_have_realistic_substance(demo):
    for article in demo:
        assert article.summary, article
        assert article.key_facts.count() >= 3, article
        assert article.sources.count() >= 2, article
        assert len(re.findall(r"^##+ ", article.body, re.M)) >= 3, article
        assert len(article.body.split()) >= 200, article


def test_every_demo_page_shows_the_three_related_sections(client, demo):
    for article in demo:
        html = client.get(article.get_absolute_url()).content.decode()
        topic, qtype = article.topic.name, article.question_type.name
        for heading in (
            f"More {qtype} in {topic}",
            f"Also in {topic}",
            f"More “{qtype}” Questions",
        ):
            heading = heading.replace("&", "&amp;")
            assert heading in html, (article.slug, heading)
