"""Telling requesters that the answer they asked for is live."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from whatanswers.web.absolute import absolute_url


def notify_requesters(suggestion, article):
    """Email each requester of `suggestion` once, with the answer's link.

    Rows are locked and stamped in the same transaction as the send, so a
    second publish (or a concurrent one) finds nobody left to tell.
    """
    return _tell_each(
        suggestion,
        subject=f"Your question is answered: {article.question}",
        message=(
            f"Hello,\n\nYou asked {settings.SITE_NAME}: “{suggestion.question}”"
            f"\n\nThe answer is now live:\n{answer_url(article)}\n\nThank you "
            f"for asking.\n— {settings.SITE_NAME}"
        ),
    )


def notify_duplicate(suggestion, article):
    """A moderator found that a published answer already covers the question:
    tell each requester once, with its link. Nothing is sent for an answer
    that is not live (it is sent when it goes live, if it is this one's)."""
    if not article.is_live():
        return 0
    return _tell_each(
        suggestion,
        subject=f"Already answered: {article.question}",
        message=(
            f"Hello,\n\nYou asked {settings.SITE_NAME}: “{suggestion.question}”"
            f"\n\nWe already have an answer to that question:\n"
            f"{answer_url(article)}\n\nThank you for asking.\n— {settings.SITE_NAME}"
        ),
    )


def answer_url(article):
    return absolute_url(article.get_absolute_url())


def _tell_each(suggestion, subject, message):
    sent = 0
    with transaction.atomic():
        pending = suggestion.requesters.select_for_update().filter(
            notified_at__isnull=True
        )
        for requester in pending:
            send_mail(
                subject=subject,
                message=message,
                from_email=None,
                recipient_list=[requester.email],
            )
            requester.notified_at = timezone.now()
            requester.save(update_fields=["notified_at"])
            sent += 1
    return sent
