"""The editorial workflow: review, publishing, scheduling and going live.

An answer is in one of four states, shown in the admin:
- Draft, In review (submitted by a writer or an editor, waiting for an editor);
- Scheduled (published, with a publish time still ahead) and Published.

Publishing needs the `articles.publish_answer` permission (the Editors group)
and an answer that is ready (articles.editorial.readiness). Whoever
publishes is recorded as its reviewer. An AI-assisted answer is published
only from review, and only by someone other than the person who submitted it.

Going live is separate from publishing: the effects of an answer becoming
visible (its suggestion closed, requesters emailed, caches and counts
refreshed) fire once, when its publish time has come. `announce_due()` claims
each answer with a conditional UPDATE of `announced_at`, so that a second pass,
a second worker, or a worker that was down at the moment and catches up, fire
them exactly once. Rescheduling or unpublishing clears `announced_at`
(Article.save), which cancels what was pending.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.core.models import Article, InvalidTransition
from articles.core.signals import article_published
from articles.editorial import readiness, revisions
from whatanswers.web.absolute import absolute_url

logger = logging.getLogger(__name__)

PUBLISH_PERMISSION = "articles.publish_answer"
BATCH = 200


class NotReady(InvalidTransition):
    """Publishing was refused; `reasons` says why, one sentence each."""

    def __init__(self, article, reasons):
        self.article, self.reasons = article, reasons
        super().__init__(f"“{article}” was not published: " + " ".join(reasons))


def can_publish(user):
    return user is None or user.has_perm(PUBLISH_PERMISSION)


def state_label(article, now=None):
    """Draft, In review, "Scheduled for <local time>" or Published."""
    live = Article.Status.PUBLISHED
    if article.status == live and article.published_at and not article.is_live(now):
        return _("Scheduled for %(when)s") % {"when": local(article.published_at)}
    return article.get_status_display()


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def refusals(article, by, problems=None):
    """Why `by` may not publish `article` now; [] when they may.

    `problems` are the readiness problems when the caller already knows them
    (the change form checks the facts and sources as submitted).
    """
    reasons = []
    if by is not None and not can_publish(by):
        reasons.append(_("Only an editor can publish; submit it for review instead."))
    elif (
        by is not None and article.ai_assisted and not _second_pair_of_eyes(article, by)
    ):
        reasons.append(
            _(
                "It is AI-assisted: it must be submitted for review, and published "
                "by someone other than the person who submitted it."
            )
        )
    if problems is None:
        problems = readiness.article_problems(article)
    return reasons + list(problems)


def _second_pair_of_eyes(article, by):
    return (
        article.status == Article.Status.IN_REVIEW
        and article.submitted_by_id is not None
        and article.submitted_by_id != by.pk
    )


def publish(article, by=None):
    """Publish (or schedule, when `published_at` is ahead) a ready answer.

    Raises NotReady with the reasons when it may not be published.
    """
    if article.status == Article.Status.PUBLISHED:
        raise InvalidTransition(f"“{article}” is already published.")
    reasons = refusals(article, by)
    if reasons:
        raise NotReady(article, reasons)
    article.status = Article.Status.PUBLISHED
    article.published_at = article.published_at or timezone.now()
    article.updated_by = by
    article.review_note = ""
    fields = ["status", "published_at", "updated_by", "updated_at", "review_note"]
    article.save(update_fields=fields + record_review(article, by))


def record_review(article, by):
    """Name `by` as the answer's reviewer, now; the fields it set."""
    if by is None:
        return []
    article.reviewed_by = by
    article.reviewer_name = by.get_full_name() or by.get_username()
    article.reviewed_at = timezone.now()
    article._published_by = by  # the suggestion's event names who published
    return ["reviewed_by", "reviewer_name", "reviewed_at"]


def unpublish(article, by=None):
    """Back to draft; published_at is kept so a re-publish keeps its date."""
    if article.status != Article.Status.PUBLISHED:
        raise InvalidTransition(f"“{article}” is not published.")
    article.status = Article.Status.DRAFT
    article.unpublish_at = None
    article.updated_by = by
    article.save(update_fields=["status", "unpublish_at", "updated_by", "updated_at"])


def submit_for_review(article, by):
    """Draft → In review; the editors are emailed once the save commits."""
    if article.status != Article.Status.DRAFT:
        raise InvalidTransition(
            _("Only a draft can be submitted for review; “%(q)s” is %(state)s.")
            % {"q": article, "state": article.get_status_display().lower()}
        )
    if article.question_type_id is None:
        raise InvalidTransition(
            _("Choose a question type for “%(q)s” before submitting it.")
            % {"q": article}
        )
    article.status = Article.Status.IN_REVIEW
    article.submitted_by, article.submitted_at = by, timezone.now()
    article.updated_by = by
    article.save(
        update_fields=[
            "status",
            "submitted_by",
            "submitted_at",
            "updated_by",
            "updated_at",
        ]
    )
    transaction.on_commit(lambda: email_editors(article, by))


def send_back(article, by, comment):
    """In review → Draft, with the reviewer's comment for the writer."""
    comment = (comment or "").strip()
    if not comment:
        raise InvalidTransition(_("Say what needs to change: a comment is required."))
    if article.status != Article.Status.IN_REVIEW:
        raise InvalidTransition(_("Only an answer in review can be sent back."))
    article.status = Article.Status.DRAFT
    article.review_note = comment
    article.updated_by = by
    article.save(update_fields=["status", "review_note", "updated_by", "updated_at"])
    transaction.on_commit(lambda: email_submitter(article, by, comment))


def mark_reviewed(article, by):
    """A published answer was checked again and still stands: a new review
    date, and no change to its content or its "Last updated" date."""
    if article.status != Article.Status.PUBLISHED:
        raise InvalidTransition(
            _("Only a published or scheduled answer can be marked reviewed.")
        )
    if not can_publish(by):
        raise InvalidTransition(_("Only an editor can mark an answer reviewed."))
    article.save(update_fields=record_review(article, by))


def stale_cutoff():
    """Answers last reviewed before this are due for another review."""
    return timezone.now() - timedelta(days=round(settings.REVIEW_STALE_MONTHS * 30.44))


def due_for_review(queryset, cutoff=None):
    """Published answers reviewed (or, never reviewed, published) before
    `cutoff`, annotated with that date as `seen`."""
    return (
        queryset.filter(status=Article.Status.PUBLISHED)
        .annotate(seen=Coalesce("reviewed_at", "published_at"))
        .filter(seen__lt=cutoff or stale_cutoff())
    )


def go_live_when_due(article_id, published_at, by=None):
    """After a publishing save commits: fire the effects now, or have the
    worker fire them at the publish time (the periodic pass also catches it)."""
    if published_at <= timezone.now():
        announce_due(pks=[article_id], by=by, immediate=True)
        return
    run_publishing_schedule.using(run_after=published_at).enqueue()


@task()
def run_publishing_schedule():
    """Fire the go-live effects of answers whose publish time came (once
    each), and unpublish those whose "unpublish at" time came. Periodic, and
    also queued for the exact moment an answer is scheduled for."""
    return {"announced": announce_due(), "unpublished": unpublish_due()}


def announce_due(pks=None, by=None, now=None, immediate=False):
    """Fire the go-live effects of every answer whose time has come, once.

    `immediate` is the publishing save that just committed: it checked the
    answer and queued its ranking. Otherwise (the clock made it live) an
    answer that is no longer ready, changed since it was scheduled by a path
    that does not check, is held back in review instead.
    Returns how many answers went live.
    """
    now = now or timezone.now()
    due = Article.objects.filter(
        status=Article.Status.PUBLISHED,
        announced_at__isnull=True,
        published_at__lte=now,
    )
    if pks is not None:
        due = due.filter(pk__in=pks)
    announced = 0
    for article in due.order_by("published_at", "pk")[:BATCH]:
        try:
            with transaction.atomic():
                claimed = due.filter(pk=article.pk).update(announced_at=now)
                article.announced_at = now
                if claimed:
                    announced += _go_live(article, by, immediate)
        except Exception:  # one failure must not hold the others back
            logger.exception("Go-live effects failed for answer %s", article.pk)
    return announced


def _go_live(article, by, immediate):
    if not immediate:
        problems = readiness.article_problems(article)
        if problems:
            _hold_back(article, problems)
            return 0
        revisions.record_go_live(article)
    # Its pages and counts are refreshed by articles.changes, and its
    # suggestion is closed by suggestions, both listening for this.
    article_published.send(sender=Article, article=article, by=by, immediate=immediate)
    return 1


def _hold_back(article, problems):
    article.status = Article.Status.IN_REVIEW
    article.announced_at = None  # it goes live, and is announced, when published again
    article.review_note = _("Not published at its scheduled time: ") + " ".join(
        problems
    )
    with revisions.recorded(_("Held back at its scheduled time"), origin="scheduler"):
        article.save(
            update_fields=["status", "review_note", "announced_at", "updated_at"]
        )
        revisions.include(article)
    transaction.on_commit(lambda: email_editors(article, None))


def unpublish_due(now=None):
    """Unpublish the answers whose "unpublish at" time has come."""
    now = now or timezone.now()
    done = 0
    due = Article.objects.filter(status=Article.Status.PUBLISHED, unpublish_at__lte=now)
    for article in due.order_by("unpublish_at", "pk")[:BATCH]:
        with (
            transaction.atomic(),
            revisions.recorded(_("Unpublished (as scheduled)"), origin="scheduler"),
        ):
            unpublish(article)
            revisions.include(article)
        done += 1
    return done


def editors():
    """Active staff who may publish, with an email address."""
    User = get_user_model()
    perm = Q(groups__permissions__codename="publish_answer") | Q(
        user_permissions__codename="publish_answer"
    )
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(perm | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
    )


def admin_url(article):
    return absolute_url(reverse("admin:articles_article_change", args=[article.pk]))


def email_editors(article, by):
    """Tell the editors that `article` waits for them (or was held back)."""
    recipients = sorted({u.email for u in editors() if by is None or u.pk != by.pk})
    if not recipients:
        return 0
    who = (by.get_full_name() or by.get_username()) if by else settings.SITE_NAME
    send_mail(
        subject=_("Waiting for review: %(q)s") % {"q": article.question},
        message=_(
            "%(who)s asks for a review of “%(q)s”.\n\n%(note)sReview it here:\n%(url)s"
            "\n\nEverything waiting for review:\n%(queue)s\n"
        )
        % {
            "who": who,
            "q": article.question,
            "note": (article.review_note + "\n\n") if by is None else "",
            "url": admin_url(article),
            "queue": absolute_url(reverse("admin:articles_article_changelist"))
            + "?state=review",
        },
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)


def email_submitter(article, by, comment):
    submitter = article.submitted_by
    if submitter is None or not submitter.email:
        return 0
    who = by.get_full_name() or by.get_username()
    send_mail(
        subject=_("Sent back: %(q)s") % {"q": article.question},
        message=_("%(who)s sent “%(q)s” back to you:\n\n%(comment)s\n\n%(url)s\n")
        % {
            "who": who,
            "q": article.question,
            "comment": comment,
            "url": admin_url(article),
        },
        from_email=None,
        recipient_list=[submitter.email],
    )
    return 1
