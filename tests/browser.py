"""What the real-browser tests share: Debian's Chromium (never a browser
Playwright downloads), and a clear skip where it is not installed."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"

# Playwright's sync API keeps an event loop running in the test thread from
# the session's start; the database set-up and the tests' own ORM calls are
# still plain synchronous ones, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Under CI the browser is installed by .ci/run, so a missing one fails loudly.
needs_chromium = pytest.mark.skipif(
    os.environ.get("CI") != "true" and not shutil.which(CHROMIUM),
    reason=f"needs Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)",
)


def load_demo(read=0):
    """The demo answers and the descriptions of their topics and types, as
    `make run` loads them; the first `read` answers get views, and the
    trending list is stored, so "Trending" shows."""
    from io import StringIO
    from pathlib import Path

    from django.core.management import call_command
    from django.utils import timezone

    from articles.discovery.trending import compute_scores, store_scores
    from articles.models import Article, ArticleView

    demo = Path(__file__).resolve().parent.parent / "demo"
    call_command("import_articles", str(demo), create_missing=True, stdout=StringIO())
    call_command("describe_taxonomy", str(demo / "taxonomy.yaml"), stdout=StringIO())
    today = timezone.localdate()
    for n, article in enumerate(Article.objects.published()[:read]):
        ArticleView.objects.create(article=article, day=today, count=n + 1)
    if read:
        store_scores(compute_scores())
