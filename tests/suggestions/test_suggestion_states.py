import pytest

from articles.models import Article
from suggestions.models import InvalidTransition, Suggestion
from suggestions.tasks import count_similar

pytestmark = pytest.mark.django_db


def submit(question, email=""):
    return Suggestion.objects.submit(question, email=email)[0]


def test_second_identical_suggestion_increments_request_count(db):
    first = submit("What causes hiccups?", "a@example.com")
    second = submit("  what CAUSES hiccups!! ", "b@example.com")
    assert first.pk == second.pk
    first.refresh_from_db()
    assert first.request_count == 2
    assert Suggestion.objects.count() == 1
    assert sorted(first.requesters.values_list("email", flat=True)) == [
        "a@example.com",
        "b@example.com",
    ]


def test_the_same_email_is_recorded_once(db):
    submit("What causes hiccups?", "a@example.com")
    suggestion = submit("What causes hiccups?", "A@example.com ")
    assert suggestion.request_count == 2
    assert suggestion.requesters.count() == 1


def test_a_closed_suggestion_does_not_absorb_new_requests(db):
    rejected = submit("What causes hiccups?")
    rejected.reject("Out of scope", by=None)
    fresh = submit("What causes hiccups?")
    assert fresh.pk != rejected.pk and fresh.status == Suggestion.Status.NEW


def test_an_answered_question_is_counted_as_a_duplicate_of_the_answer(make_article):
    article = make_article("What causes hiccups?")
    suggestion, answer = Suggestion.objects.submit("what causes hiccups")
    assert answer == article
    assert suggestion.status == Suggestion.Status.DUPLICATE
    assert suggestion.duplicate_of_article == article
    again, _ = Suggestion.objects.submit("What causes hiccups")
    assert again.pk == suggestion.pk and again.request_count == 2


def test_a_draft_does_not_count_as_answered(make_article):
    make_article("What causes hiccups?", status=Article.Status.DRAFT)
    suggestion, answer = Suggestion.objects.submit("What causes hiccups?")
    assert answer is None and suggestion.status == Suggestion.Status.NEW


def test_new_suggestion_knows_how_many_answers_look_similar(make_article):
    make_article("What causes hiccups?")
    make_article("Why do hiccups stop?")
    suggestion = submit("How to cure hiccups quickly?")
    assert suggestion.similar_count is None  # counted off the POST
    assert count_similar.call() == 1
    suggestion.refresh_from_db()
    assert suggestion.similar_count == 2
    assert count_similar.call() == 0  # each suggestion is counted once


def test_a_flood_of_suggestions_is_counted_a_slice_per_run(make_article):
    """Each run stops after its time, so the worker gets back to the rest."""
    make_article("What causes hiccups?")
    for n in range(3):
        submit(f"What causes hiccups number {n}?")
    assert count_similar.call(seconds=0) == 1  # past its time after one
    assert count_similar.call() == 2


def test_moves_record_who_when_from_to_and_note(editor, make_article):
    suggestion = submit("What causes hiccups?")
    suggestion.approve(by=editor, note="Popular")
    event = suggestion.events.last()
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        editor,
        "new",
        "approved",
        "Popular",
    )
    assert event.created_at is not None
    article = make_article(status=Article.Status.DRAFT)
    suggestion.mark_drafted(article)
    suggestion.mark_published()
    assert list(suggestion.events.values_list("from_status", "to_status")) == [
        ("", "new"),
        ("new", "approved"),
        ("approved", "drafted"),
        ("drafted", "published"),
    ]


def test_reject_requires_a_reason(db):
    suggestion = submit("What causes hiccups?")
    with pytest.raises(InvalidTransition, match="reason is required"):
        suggestion.reject("  ")
    suggestion.reject("Not a question we can answer")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REJECTED
    assert suggestion.rejection_reason == "Not a question we can answer"


@pytest.mark.parametrize(
    ("start", "move"),
    [
        ("approved", lambda s: s.approve()),
        ("rejected", lambda s: s.approve()),
        ("new", lambda s: s.mark_published()),
        ("published", lambda s: s.reject("x")),
        ("duplicate", lambda s: s.mark_duplicate(of=submit("What is another?"))),
    ],
)
def test_invalid_moves_are_refused_with_a_clear_error(db, start, move):
    suggestion = submit("What causes hiccups?")
    Suggestion.objects.filter(pk=suggestion.pk).update(status=start)
    suggestion.refresh_from_db()
    with pytest.raises(InvalidTransition, match="cannot be moved to"):
        move(suggestion)
    suggestion.refresh_from_db()
    assert suggestion.status == start
    assert suggestion.events.count() == 1


def test_a_move_never_overwrites_requests_counted_meanwhile(db):
    suggestion = submit("What causes hiccups?")
    submit("What causes hiccups?")  # another visitor, via another process
    suggestion.approve()  # suggestion still holds request_count == 1
    suggestion.refresh_from_db()
    assert suggestion.request_count == 2


def test_duplicate_of_a_suggestion_hands_over_requests_and_requesters(db):
    target = submit("What causes hiccups?", "a@example.com")
    copy = submit("Why do we get hiccups?", "b@example.com")
    submit("Why do we get hiccups?")
    copy.refresh_from_db()
    copy.mark_duplicate(of=target, note="Same question")
    target.refresh_from_db()
    assert target.request_count == 3
    assert sorted(target.requesters.values_list("email", flat=True)) == [
        "a@example.com",
        "b@example.com",
    ]
    assert copy.status == Suggestion.Status.DUPLICATE and copy.duplicate_of == target


def test_duplicate_needs_exactly_one_target(make_article):
    suggestion = submit("What causes hiccups?")
    with pytest.raises(InvalidTransition, match="exactly one"):
        suggestion.mark_duplicate()
    with pytest.raises(InvalidTransition, match="itself"):
        suggestion.mark_duplicate(of=suggestion)
    article = make_article()
    suggestion.mark_duplicate(article=article)
    assert suggestion.duplicate_of_article == article
