"""Discovery's background work, run by `manage.py db_worker`.

`manage.py run_scheduler` (started by `make run`) enqueues the periodic ones;
refresh_trending lives with the list it stores (articles.discovery.trending),
which queues it when the list is old. Every task is idempotent: running one
twice does no harm.
"""

from django.conf import settings
from django.tasks import task

from articles.core.models import Article
from articles.delivery import caching
from articles.discovery import rankings, trending, viewcounts


# Ahead of every other queued task: views wait in the cache until flushed.
@task(priority=10)
def flush_views():
    """Write the views buffered in the cache to ArticleView."""
    return viewcounts.flush()


@task()
def refresh_related_for(article_id):
    """Rank one answer's related candidates (after it or its tags changed),
    then its closest neighbours', which are the answers most likely to list
    it now (relatedness goes both ways); the schedule reaches the rest."""
    article = Article.objects.published().filter(pk=article_id).first()
    if article is None:
        return "skipped"
    candidates = rankings.refresh_related(article)
    neighbours = Article.objects.published().filter(pk__in=candidates.get("both", []))
    for neighbour in neighbours:
        rankings.refresh_related(neighbour)
    return "ranked"


@task()
def refresh_rankings():
    """The scheduled pass: counts (and the browse sections that show them),
    tag frequencies and a slice of related."""
    trending.store_newest()
    if rankings.refresh_counts():
        # Scheduled answers went live (or left) without a save.
        caching.bump("latest", "trending", "sitemaps")
    if rankings.browse_changed():
        caching.bump("site")
    # Every answer page shows them too: following each minute there would
    # make the whole long tail stale, so answer pages follow at most every
    # ANSWER_BROWSE_SECONDS, all from the same stored part (pages.fragments).
    every = settings.ANSWER_BROWSE_SECONDS
    if rankings.browse_changed(rankings.ANSWER_BROWSE_KEY, every):
        caching.bump("browse")
    rankings.refresh_tag_frequencies()
    return rankings.refresh_stale_related()
