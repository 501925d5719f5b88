"""Telling requesters that the answer they asked for is live."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Requester


def notify_requesters(suggestion, article):
    """Email each requester of `suggestion` once, with the answer's link.

    Rows are locked and stamped in the same transaction as the send, so a
    second publish (or a concurrent one) finds nobody left to tell.
    """
    url = settings.SITE_URL.rstrip("/") + article.get_absolute_url()
    sent = 0
    with transaction.atomic():
        pending = Requester.objects.select_for_update().filter(
            suggestion=suggestion, notified_at__isnull=True
        )
        for requester in pending:
            send_mail(
                subject=f"Your question is answered: {article.question}",
                message=(
                    f"Hello,\n\nYou asked {settings.SITE_NAME}: “{suggestion.question}”"
                    f"\n\nThe answer is now live:\n{url}\n\nThank you for asking."
                    f"\n— {settings.SITE_NAME}"
                ),
                from_email=None,
                recipient_list=[requester.email],
            )
            requester.notified_at = timezone.now()
            requester.save(update_fields=["notified_at"])
            sent += 1
    return sent
