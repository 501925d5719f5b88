"""Signal receivers, connected once in SuggestionsConfig.ready(): suggestions
listens to articles here (the one documented app boundary) and to itself."""

from django.dispatch import receiver

from articles.core.signals import article_published

from .models import Suggestion
from .notifications import notify_requesters
from .signals import suggestion_approved
from .tasks import enqueue_generation


@receiver(article_published, dispatch_uid="suggestions.close_the_loop")
def close_the_loop(sender, article, by=None, **kwargs):
    """A drafted suggestion's answer went live: mark it and tell requesters."""
    for suggestion in Suggestion.objects.filter(
        article=article, status=Suggestion.Status.DRAFTED
    ):
        suggestion.mark_published(by=by)
        notify_requesters(suggestion, article)


@receiver(suggestion_approved, dispatch_uid="suggestions.generate_the_draft")
def generate_the_draft(sender, suggestion, **kwargs):
    """An approved suggestion gets its draft answer written in the background."""
    enqueue_generation(suggestion.pk)
