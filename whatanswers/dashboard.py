"""The editorial dashboard on the admin's front page.

What an editor or moderator should look at first, each figure linking to the
filtered list behind it:
- answers waiting for review, and scheduled ones (the next few with times);
- approved suggestions whose drafts are not live yet;
- a topic × question type grid of published answers, with the demand in each
  cell: open suggestions (their topic and type guessed by
  suggestions.tasks.count_similar) plus searches that found nothing;
- answers due for another review, most read first.

It spans articles and suggestions, so it lives in the project package. What
needs the whole site (demand, stale answers by readership) is computed by the
`refresh_dashboard` task and stored; a request reads one stored row and a few
counts that stop at COUNT_CAP.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Sum
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from articles.discovery.similar import similar_articles
from articles.editorial.publishing import due_for_review, stale_cutoff
from articles.models import Article, ArticleView, Ranking, SearchRecord
from suggestions.models import Suggestion
from topics.models import QuestionType, Topic, TopicTypeCount

KEY = "dashboard"
COUNT_CAP = 1000  # "1000+": a count on the dashboard never walks a long queue
UNANSWERED_SEARCHES = 300  # the most searched, classified per refresh
SEARCH_DAYS = 30
READ_DAYS = 30
STALE_LISTED = 10


def capped_count(queryset):
    return queryset.order_by()[: COUNT_CAP + 1].count()


# The stored part ---------------------------------------------------------------


@task()
def refresh_dashboard():
    """Store the demand per topic × type and the answers due for review."""
    Ranking.objects.update_or_create(
        key=KEY,
        defaults={
            "value": {"demand": demand(), "stale": stale_answers()},
            "computed_at": timezone.now(),
        },
    )
    return "stored"


def demand():
    """{"<topic id>-<type id>": [open suggestions, searches with no result]};
    "-" for what could not be placed."""
    cells = {}

    def add(topic_id, type_id, index, n):
        key = f"{topic_id or ''}-{type_id or ''}"
        cells.setdefault(key, [0, 0])[index] += n

    for row in (
        Suggestion.objects.open()
        .values("topic_guess", "type_guess")
        .annotate(n=Sum("request_count"))
        .order_by()
    ):
        add(row["topic_guess"], row["type_guess"], 0, row["n"])
    since = timezone.localdate() - timedelta(days=SEARCH_DAYS)
    searches = (
        SearchRecord.objects.unanswered()
        .filter(day__gte=since)
        .values("query")
        .annotate(n=Sum("count"))
        .order_by("-n")[:UNANSWERED_SEARCHES]
    )
    detect = QuestionType.objects.detector()
    for row in searches:
        similar = similar_articles(row["query"], limit=1)
        qtype = detect(row["query"])
        add(similar[0].topic_id if similar else None, qtype and qtype.pk, 1, row["n"])
    return cells


def stale_answers():
    """Published answers not reviewed for REVIEW_STALE_MONTHS, most read in
    the last READ_DAYS first: {"count", "top": [[id, question, reviewed, views]]}."""
    cutoff = stale_cutoff()
    stale = due_for_review(Article.objects.published(), cutoff)
    since = timezone.localdate() - timedelta(days=READ_DAYS)
    read = list(
        ArticleView.objects.filter(day__gte=since, article__in=stale.values("pk"))
        .values("article")
        .annotate(n=Sum("count"))
        .order_by("-n")[:STALE_LISTED]
    )
    views = {row["article"]: row["n"] for row in read}
    top = list(stale.filter(pk__in=views).values("pk", "question", "seen"))
    if len(top) < STALE_LISTED:  # unread ones too, longest unreviewed first
        top += list(
            stale.exclude(pk__in=views)
            .order_by("seen")
            .values("pk", "question", "seen")[: STALE_LISTED - len(top)]
        )
    top.sort(key=lambda a: -views.get(a["pk"], 0))
    return {
        "count": capped_count(stale),
        "top": [
            [
                a["pk"],
                a["question"],
                a["seen"].date().isoformat(),
                views.get(a["pk"], 0),
            ]
            for a in top
        ],
    }


# The page ----------------------------------------------------------------------


def changelist(model, **filters):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def context(user):
    """What the dashboard shows `user`, by what they may see."""
    shown = {}
    if user.has_perm("articles.view_article"):
        shown.update(_answers(), grid=_grid())
    if user.has_perm("suggestions.view_suggestion"):
        shown["suggestions"] = _suggestions()
    return shown


def _answers():
    now = timezone.now()
    live = Article.Status.PUBLISHED
    scheduled = Article.objects.filter(status=live, published_at__gt=now)
    stored = _stored()
    stale = stored.get("stale", {"count": None, "top": []})
    return {
        "waiting": capped_count(
            Article.objects.filter(status=Article.Status.IN_REVIEW)
        ),
        "waiting_url": changelist(Article, state="review"),
        "scheduled": capped_count(scheduled),
        "scheduled_url": changelist(Article, state="scheduled"),
        "next_scheduled": list(
            scheduled.order_by("published_at").only("pk", "question", "published_at")[
                :5
            ]
        ),
        "drafted": capped_count(
            Article.objects.filter(suggestions__status=Suggestion.Status.DRAFTED)
        ),
        "drafted_url": changelist(Article, suggested="waiting"),
        "stale_count": stale["count"],
        "stale": [
            {
                "url": reverse("admin:articles_article_change", args=[pk]),
                "question": question,
                "reviewed": reviewed,
                "views": views,
            }
            for pk, question, reviewed, views in stale["top"]
        ],
        "stale_url": changelist(Article, review="due"),
        "stale_months": settings.REVIEW_STALE_MONTHS,
        "computed_at": stored.get("computed_at"),
    }


def _stored():
    row = Ranking.objects.filter(key=KEY).first()
    if row is None:
        return {}
    return {**row.value, "computed_at": row.computed_at}


def _grid():
    """Rows of topics, columns of types: published answers and demand. A
    last row holds the demand whose topic could not be guessed."""
    topics, types = list(Topic.objects.all()), list(QuestionType.objects.all())
    published = {
        (c.topic_id, c.question_type_id): c.published_count
        for c in TopicTypeCount.objects.all()
    }
    demand = _stored().get("demand", {})
    rows = []
    for topic in [*topics, None]:
        cells = []
        for qtype in types:
            key = f"{topic.pk if topic else ''}-{qtype.pk}"
            asked, searched = demand.get(key, [0, 0])
            where = ("id__exact", topic.pk) if topic else ("isnull", "True")
            filters = {
                f"topic_guess__{where[0]}": where[1],
                "type_guess__id__exact": qtype.pk,
            }
            cells.append(
                {
                    "published": published.get((topic.pk, qtype.pk), 0)
                    if topic
                    else None,
                    "published_url": topic
                    and changelist(
                        Article,
                        state="published",
                        topic__id__exact=topic.pk,
                        question_type__id__exact=qtype.pk,
                    ),
                    "asked": asked,
                    "searched": searched,
                    "asked_url": changelist(Suggestion, **filters),
                }
            )
        if topic is not None or any(c["asked"] or c["searched"] for c in cells):
            rows.append({"topic": topic, "cells": cells})
    untyped = sum(sum(v) for k, v in demand.items() if k.endswith("-"))
    return {"types": types, "rows": rows, "unplaced": untyped}


def _suggestions():
    counts = {
        status: capped_count(Suggestion.objects.filter(status=status))
        for status in (Suggestion.Status.APPROVED, Suggestion.Status.DRAFTED)
    }
    return {
        "approved": counts[Suggestion.Status.APPROVED],
        "approved_url": changelist(Suggestion, status__exact="approved"),
        "drafted": counts[Suggestion.Status.DRAFTED],
        "drafted_url": changelist(Suggestion, status__exact="drafted"),
    }
