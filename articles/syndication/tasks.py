"""Share cards drawn in the background, run by `manage.py db_worker`.
Queued by articles.changes when what a card shows may have changed."""

from django.tasks import task

from articles.core.models import Article
from articles.syndication import share_images


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
