"""`manage.py explain_pages`: it cannot pass on a broken page, and it
compares two scales (issue 19, point 5)."""

import json
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.management.commands.explain_pages import Command

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def explain(*args):
    out = StringIO()
    call_command("explain_pages", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_explains_every_page_and_compares_two_scales(tmp_path):
    call_command("generate_answers", 60, views=120, stdout=StringIO())
    small = tmp_path / "small.json"
    output = explain("--save", str(small))
    assert "Every page 200" in output
    assert "first view" in output
    figures = json.loads(small.read_text())
    assert figures["_answers"] == 60
    assert figures["article"]["queries"] > 0
    call_command("generate_answers", 60, views=120, force=True, stdout=StringIO())
    output = explain("--compare", str(small))
    assert "the 60 answers' run" in output


def test_a_page_that_does_not_answer_200_fails_the_run(make_article, settings):
    make_article()
    pages = Command._pages

    def with_a_missing_one(self):
        return [*pages(self), ("missing", "/q/no-such-answer/")]

    with (
        mock.patch.object(Command, "_pages", with_a_missing_one),
        pytest.raises(CommandError, match="1 problems"),
    ):
        explain()
