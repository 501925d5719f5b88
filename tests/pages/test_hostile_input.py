"""Bad files, hostile requests: named errors and 4xx pages, never a 500 or a
traceback (issue 10, point 2)."""

import pytest
from django.test import Client

from articles.models import Article
from tests.files.test_import_articles import GOOD, run, write

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        (("question: What causes thunder?", 'question: "What\\0 causes thunder?"'),
         "question", "holds a NUL character"),
        (("Weather", '"Wea\\0ther"'), "topic", "holds a NUL character"),
        (("last_updated: 2026-04-04", "last_updated: " + "9" * 5000),
         "front matter", "too big to read"),
        (("tags: [storms, sound]", "tags: " + "[" * 400 + "]" * 400),
         "front matter", "levels deep"),
        (("2026-04-01T09:00:00Z", "0001-01-01T00:00:00+01:00"),
         "published_at", "out of range"),
        (("2026-04-01T09:00:00Z", "9999-12-31T23:59:59-01:00"),
         "published_at", "out of range"),
        (("last_updated: 2026-04-04", "last_updated: 0001-01-01"),
         "last_updated", "out of range"),
        (("summary: Lightning heats the air so fast that it expands with a bang.",
          "summary: 123456789012345678901234567890"),
         "summary", "too big to be meant"),
    ],
)  # fmt: skip
def test_a_hostile_file_is_a_named_error_and_the_others_import(
    tmp_path, change, field, says
):
    bad = write(tmp_path, "bad.md", GOOD.replace(*change, 1))
    good = write(tmp_path, "good.md", GOOD.replace("thunder", "lightning"))
    out, err, error = run(bad, good)
    assert "Traceback" not in out + err
    assert f"bad.md: {field}: " in err and says in err, err
    assert "1 created, 0 updated, 1 failed" in str(error)
    assert list(Article.objects.values_list("question", flat=True)) == [
        "What causes lightning?"
    ]


def test_nul_in_the_body_is_refused_and_other_controls_are_dropped(tmp_path):
    _, err, _ = run(write(tmp_path, "nul.md", GOOD + "\x00"))
    assert "nul.md: body: holds a NUL character" in err
    _, err, _ = run(write(tmp_path, "yaml.md", GOOD.replace("bang.", "bang.\x07")))
    assert "yaml.md: front matter: invalid YAML" in err  # refused, by name
    run(write(tmp_path, "ctl.md", GOOD.replace("distances.", "distances.\x07\x1b")))
    article = Article.objects.get()
    assert "distances." in article.body
    assert "\x07" not in article.body and "\x1b" not in article.body


def test_an_unexpected_failure_is_reported_not_raised(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("articles.files.markdown_files._add_redirects", boom)
    good = write(tmp_path, "a.md", GOOD)
    out, err, error = run(good)
    assert "a.md: file: could not be saved (RuntimeError: disk on fire)" in err
    assert "Traceback" not in out + err
    assert not Article.objects.exists()


def test_importing_indexes_each_answer_once_whatever_its_tags(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from articles.discovery import search

    indexed = []
    real = search.index.insert_or_update_object
    monkeypatch.setattr(
        search.index,
        "insert_or_update_object",
        lambda obj: (indexed.append(obj.pk), real(obj)),
    )
    tags = "[" + ", ".join(f"tag{i}" for i in range(120)) + "]"
    with django_capture_on_commit_callbacks(execute=True):
        run(
            write(
                tmp_path, "t.md", GOOD.replace("tags: [storms, sound]", f"tags: {tags}")
            )
        )
    article = Article.objects.get()
    assert article.tags.count() == 120
    assert indexed == [article.pk]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/search/?q=%00", 400),
        ("/admin/articles/article/?status__exact=%00", 400),
        ("/?x=%00", 400),
        ("/search/?q=" + "a" * 3000, 414),
    ],
)
def test_hostile_query_strings_get_a_readable_4xx(path, status, admin_client):
    for client in (Client(), admin_client):
        response = client.get(path)
        assert response.status_code == status
        assert b"<h1>" in response.content
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "charset", ["utf-16", "utf-32", "utf-16-le", "no-such-charset"]
)
@pytest.mark.parametrize("path", ["/suggest/", "/admin/login/"])
def test_a_form_in_an_unusable_charset_gets_400(charset, path):
    client = Client(enforce_csrf_checks=True)
    response = client.generic(
        "POST",
        path,
        b"question=hello",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 400
    assert b"the site reads UTF-8 forms" in response.content


def test_a_latin1_form_is_still_read():
    response = Client().generic(
        "POST",
        "/suggest/",
        b"question=caf%E9",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert b"the site reads UTF-8 forms" not in response.content
    assert response.status_code < 500


def test_the_admin_form_refuses_dates_no_page_could_show(
    editor_client, topic, question_type
):
    from tests.editorial.test_admin import article_form

    data = article_form(
        topic, question_type, published_at_0="0001-01-01", published_at_1="00:00:00",
        last_updated="9999-12-31",
    )  # fmt: skip
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert (
        "out of range: give a date between 1900 and 2200" in response.content.decode()
    )
    assert not Article.objects.exists()
