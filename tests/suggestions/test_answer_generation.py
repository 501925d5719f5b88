import json
import re
import socket

import pytest
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from suggestions.generators import GenerationError
from suggestions.generators.openai_compatible import parse_answer
from suggestions.generators.outline import OutlineGenerator
from suggestions.models import Suggestion
from suggestions.tasks import enqueue_generation
from tests.chat_server import ChatServer

pytestmark = pytest.mark.django_db

GOOD_ANSWER = {
    "summary": "Sneezing clears irritants from the nose.",
    "key_facts": [
        "A sneeze is a reflex.",
        "Dust and pollen are common triggers.",
        "Bright light makes some people sneeze.",
    ],
    "body": "## Why we sneeze\n\nTo clear the nose.\n\n## Triggers\n\n1. Dust",
    "sources": [
        {
            "title": "Sneeze",
            "url": "https://en.wikipedia.org/wiki/Sneeze",
            "publisher": "Wikipedia",
        }
    ],
    "topic": "Daily Life",
}


@pytest.fixture
def approved(make_article, django_capture_on_commit_callbacks):
    """An approved suggestion with its generation task queued."""
    make_article("What causes hiccups?", tags=["body"])

    def approve(question="What causes sneezing fits?"):
        suggestion, _ = Suggestion.objects.submit(question)
        with django_capture_on_commit_callbacks(execute=True):
            suggestion.approve()
        return suggestion

    return approve


@pytest.fixture
def llm(settings):
    settings.ANSWER_GENERATOR = (
        "suggestions.generators.openai_compatible.OpenAICompatibleGenerator"
    )
    settings.ANSWER_LLM_MODEL = "test-model"
    settings.ANSWER_LLM_API_KEY = "test-key"
    settings.ANSWER_LLM_TIMEOUT = 1
    settings.ANSWER_GENERATION_BACKOFF_SECONDS = 60
    with ChatServer() as server:
        settings.ANSWER_LLM_BASE_URL = server.base_url
        yield server


def pending_retries(suggestion):
    return DBTaskResult.objects.filter(
        status="READY", args_kwargs__args=[suggestion.pk]
    )


def test_outline_generator_writes_a_typed_outline_and_no_facts(
    approved, run_worker, topic, question_type
):
    suggestion = approved("What causes sneezing fits?")
    run_worker()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.DRAFTED
    draft = suggestion.article
    assert draft.status == Article.Status.DRAFT
    assert draft.question == "What causes sneezing fits?"
    assert (draft.topic, draft.question_type) == (topic, question_type)
    assert "## Common causes" in draft.body and "## When to get help" in draft.body
    assert draft.key_facts.count() == 0
    assert not draft.ai_assisted
    assert draft not in Article.objects.published()


def test_outline_picks_the_topic_of_the_most_similar_answers(make_article, make_topic):
    science = make_topic("Science")
    make_article("Why do rainbows appear?", topic=science)
    make_article("What causes rainbows to fade?", topic=science)
    draft = OutlineGenerator().generate("What causes double rainbows?")
    assert draft.topic == science


def test_a_draft_whose_type_matches_nothing_asks_the_editor_to_choose(
    approved, run_worker, editor_client
):
    suggestion = approved("Where is the moon today?")  # no type opens with "where"
    run_worker()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.DRAFTED  # not guessed, not failed
    draft = suggestion.article
    assert draft.question_type is None
    assert "choose a type before publishing" in draft.body
    page = editor_client.get(f"/admin/articles/article/{draft.pk}/change/")
    assert "It has no question type: choose one." in page.content.decode()
    preview = editor_client.get(f"/admin/articles/article/{draft.pk}/preview/")
    assert preview.status_code == 200  # the page, without the type's sections


def test_llm_good_answer_becomes_an_ai_assisted_draft(approved, run_worker, llm):
    llm.reply = GOOD_ANSWER
    suggestion = approved()
    run_worker()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.DRAFTED
    draft = suggestion.article
    assert draft.ai_assisted and draft.status == Article.Status.DRAFT
    assert draft.summary == GOOD_ANSWER["summary"]
    assert [f.text for f in draft.key_facts.all()] == GOOD_ANSWER["key_facts"]
    assert draft.sources.get().url == "https://en.wikipedia.org/wiki/Sneeze"
    request = llm.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "test-model"
    assert request["body"]["response_format"] == {"type": "json_object"}
    assert request["body"]["messages"][-1]["content"] == "What causes sneezing fits?"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda s: setattr(s, "raw_reply", "{not json"), "not valid JSON"),
        (lambda s: setattr(s, "status", 500), "returned HTTP 500"),
        (lambda s: setattr(s, "delay", 2.5), "did not reply within 1 s"),
    ],
    ids=["malformed-json", "http-500", "timeout"],
)
def test_llm_failures_keep_the_suggestion_approved_and_retry(
    approved, run_worker, llm, setup, message
):
    setup(llm)
    suggestion = approved()
    run_worker()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.APPROVED
    assert message in suggestion.generation_error
    assert suggestion.generation_attempts == 1
    assert suggestion.article is None
    assert not Article.objects.filter(question=suggestion.question).exists()
    assert pending_retries(suggestion).count() == 1  # queued again, with backoff
    assert message in suggestion.events.last().note


def test_unreachable_server_is_reported(approved, run_worker, settings, llm):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.ANSWER_LLM_BASE_URL = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    suggestion = approved()
    run_worker()
    suggestion.refresh_from_db()
    assert "Could not reach the answer server" in suggestion.generation_error


def test_retries_stop_after_the_configured_attempts(
    approved, run_worker, llm, settings
):
    settings.ANSWER_GENERATION_MAX_ATTEMPTS = 3
    settings.ANSWER_GENERATION_BACKOFF_SECONDS = 0
    llm.status = 500
    suggestion = approved()
    run_worker()  # backoff 0: every retry is due at once
    suggestion.refresh_from_db()
    assert suggestion.generation_attempts == 3
    assert len(llm.requests) == 3
    assert suggestion.status == Suggestion.Status.APPROVED
    assert pending_retries(suggestion).count() == 0


def test_a_rerun_after_a_failure_drafts_and_clears_the_error(approved, run_worker, llm):
    llm.status = 500
    suggestion = approved()
    run_worker()
    llm.status, llm.reply = 200, GOOD_ANSWER
    enqueue_generation(suggestion.pk)  # what the admin's "generate again" does
    run_worker()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.DRAFTED
    assert suggestion.generation_error == ""
    assert Article.objects.filter(question=suggestion.question).count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key_facts": ["one", "two"]}, "2 key facts; 3 to 8 needed"),
        ({"key_facts": ["f"] * 9}, "9 key facts"),
        ({"sources": [{"title": "x", "url": "ftp://x.example"}]}, "http(s) URL"),
        ({"sources": [{"url": "https://x.example"}]}, "no title"),
        ({"body": ""}, "body is empty"),
        ({"summary": None}, "summary is empty"),
    ],
)
def test_llm_replies_are_validated(change, message):
    reply = {**GOOD_ANSWER, **change}
    with pytest.raises(GenerationError, match=re.escape(message)):
        parse_answer(json.dumps(reply))


def test_missing_keys_are_named():
    with pytest.raises(GenerationError, match="lacks key_facts, sources"):
        parse_answer('{"summary": "s", "body": "b"}')


def test_a_crashing_generator_is_recorded_not_lost(approved, run_worker, settings):
    settings.ANSWER_GENERATOR = "builtins.object"  # has no generate()
    suggestion = approved()
    run_worker()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.APPROVED
    assert "The generator crashed" in suggestion.generation_error


def test_control_characters_in_a_generated_draft_are_dropped(approved, run_worker, llm):
    answer = {
        **GOOD_ANSWER,
        "summary": "Nerves\x00 fire\x07 fast.",
        "body": GOOD_ANSWER["body"] + "\x1b",
    }
    llm.reply = answer
    suggestion = approved()
    run_worker()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.DRAFTED
    assert suggestion.article.summary == "Nerves fire fast."
    assert "\x1b" not in suggestion.article.body
