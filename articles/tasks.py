"""Background work for answers, run by `manage.py db_worker`.

`manage.py run_scheduler` (started by `make run`) enqueues the periodic ones.
Every task is idempotent: running one twice does no harm.
"""

from django.tasks import task

from . import (
    caching,
    publishing,
    rankings,
    share_images,
    trend_points,
    trending,
    viewcounts,
)
from .models import Article


@task()
def flush_views():
    """Write the views buffered in the cache to ArticleView."""
    return viewcounts.flush()


@task()
def refresh_trending():
    """Store the trending list, read from the incrementally kept points (a
    daily rebuild from the view rows moves their epoch)."""
    trending.store_scores(trend_points.top_scores(trending.TOP))
    return "stored"


@task()
def refresh_related_for(article_id):
    """Rank one answer's related candidates (after it or its tags changed)."""
    article = Article.objects.published().filter(pk=article_id).first()
    if article is None:
        return "skipped"
    rankings.refresh_related(article)
    return "ranked"


@task()
def refresh_rankings():
    """The scheduled pass: counts, tag frequencies and a slice of related."""
    trending.store_newest()
    if rankings.refresh_counts():
        # Scheduled answers went live (or left) without a save.
        caching.bump("site", "latest", "trending")
    rankings.refresh_tag_frequencies()
    return rankings.refresh_stale_related()


@task()
def run_publishing_schedule():
    """Fire the go-live effects of answers whose publish time came (once
    each), and unpublish those whose "unpublish at" time came. Periodic, and
    also queued for the exact moment an answer is scheduled for."""
    return {
        "announced": publishing.announce_due(),
        "unpublished": publishing.unpublish_due(),
    }


@task()
def make_share_image(article_id):
    """Draw one answer's share card if what it shows changed."""
    article = Article.objects.select_related("topic").filter(pk=article_id).first()
    if article is None:
        return "skipped"
    return share_images.make(article)


@task()
def make_topic_share_images(topic_id):
    """A topic was renamed: every card of its answers names it."""
    made = 0
    for article in (
        Article.objects.filter(topic_id=topic_id)
        .select_related("topic")
        .iterator(chunk_size=500)
    ):
        made += share_images.make(article) == "made"
    return made
