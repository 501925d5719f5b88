"""suggestions listens to articles here: the one documented app boundary."""

from django.dispatch import receiver

from articles.core.signals import article_published

from .models import Suggestion
from .notifications import notify_requesters


@receiver(article_published, dispatch_uid="suggestions.close_the_loop")
def close_the_loop(sender, article, by=None, **kwargs):
    """A drafted suggestion's answer went live: mark it and tell requesters."""
    for suggestion in Suggestion.objects.filter(
        article=article, status=Suggestion.Status.DRAFTED
    ):
        suggestion.mark_published(by=by)
        notify_requesters(suggestion, article)
