"""Background work for suggestions, run by `manage.py db_worker`."""

import logging
import time
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from articles.discovery.similar import similar_articles
from topics.models import QuestionType

from .generators import GenerationError, get_generator, save_draft
from .models import InvalidTransition, Suggestion

logger = logging.getLogger(__name__)


SIMILAR_BATCH = 500
SIMILAR_SECONDS = 5


@task()
def count_similar(batch=SIMILAR_BATCH, seconds=SIMILAR_SECONDS):
    """Count the published answers that look like each new suggestion, and
    guess its topic and question type from them (for the dashboard).

    Periodic (manage.py run_scheduler): the suggest POST only stores the
    question. Returns how many suggestions were counted. A run stops after
    about `seconds`, so that a flood of suggestions (a search each) never
    holds the one worker back from the periodic tasks; the next run goes on.
    """
    done, detect = 0, QuestionType.objects.detector()
    deadline = time.monotonic() + seconds
    while True:
        pending = list(
            Suggestion.objects.filter(similar_count__isnull=True)
            .order_by("pk")
            .values_list("pk", "question")[:batch]
        )
        for pk, question in pending:
            similar = similar_articles(question, limit=10)
            topics = Counter(a.topic_id for a in similar).most_common(1)
            qtype = detect(question)
            Suggestion.objects.filter(pk=pk).update(
                similar_count=min(len(similar[:5]), 32767),
                topic_guess_id=topics[0][0] if topics else None,
                type_guess=qtype,
            )
            done += 1
            if time.monotonic() > deadline:
                return done
        if len(pending) < batch:
            return done


def enqueue_generation(suggestion_id, delay=None):
    queued = generate_draft
    if delay:
        queued = generate_draft.using(run_after=timezone.now() + delay)
    queued.enqueue(suggestion_id)


@task()
def generate_draft(suggestion_id):
    """Write a draft answer for an approved suggestion.

    A failure is recorded on the suggestion, which stays approved, and the task
    is queued again with exponential backoff until ANSWER_GENERATION_MAX_ATTEMPTS.
    """
    suggestion = Suggestion.objects.filter(pk=suggestion_id).first()
    if suggestion is None or suggestion.status != Suggestion.Status.APPROVED:
        return "skipped"
    try:
        draft = get_generator().generate(suggestion.question)
    except GenerationError as exc:
        return _failed(suggestion, str(exc))
    except Exception as exc:  # a broken generator must not lose the suggestion
        logger.exception("Answer generator crashed for suggestion %s", suggestion.pk)
        return _failed(suggestion, f"The generator crashed: {exc!r}")
    try:
        with transaction.atomic():
            suggestion.mark_drafted(save_draft(draft))
    except InvalidTransition:
        return "skipped"  # moved on meanwhile (another run finished first)
    except GenerationError as exc:  # a draft the site could not show
        return _failed(suggestion, str(exc))
    return "drafted"


def _failed(suggestion, error):
    suggestion.record_generation_error(error)
    attempts = suggestion.generation_attempts
    if attempts < settings.ANSWER_GENERATION_MAX_ATTEMPTS:
        backoff = settings.ANSWER_GENERATION_BACKOFF_SECONDS * 2 ** (attempts - 1)
        enqueue_generation(suggestion.pk, delay=timedelta(seconds=backoff))
        return "retrying"
    return "failed"
