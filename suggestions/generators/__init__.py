"""Answer generators: turn an approved question into a draft answer.

A generator is a class with `generate(question) -> Draft`, named by the
ANSWER_GENERATOR setting. It raises GenerationError with a message a moderator
can act on. Drafts are saved as draft articles and never published here.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from articles.core.markdown import complexity_problems, strip_controls
from articles.discovery.similar import similar_articles
from articles.editorial import revisions
from articles.models import Article, KeyFact, Source
from topics.models import QuestionType, Topic

DEFAULT_GENERATOR = "suggestions.generators.outline.OutlineGenerator"


class GenerationError(Exception):
    """The generator could not produce a usable draft; the message says why."""


@dataclass
class Draft:
    question: str
    topic: Topic
    question_type: QuestionType | None  # None: no prefix matched; an editor chooses
    body: str
    summary: str = ""
    key_facts: list = field(default_factory=list)
    sources: list = field(default_factory=list)  # dicts: title, url, publisher
    ai_assisted: bool = False


def get_generator():
    path = getattr(settings, "ANSWER_GENERATOR", "") or DEFAULT_GENERATOR
    return import_string(path)()


def guess_taxonomy(question):
    """(topic, question type) for a new question.

    The type comes from the question's opening words only: when no prefix
    matches it is None, and the draft waits for an editor to choose one
    (never a guess that reads plausibly and is wrong). The topic comes from
    the most similar published answers.
    """
    similar = similar_articles(question, limit=10)
    question_type = QuestionType.objects.detect(question)
    topic = _most_common(a.topic for a in similar) or Topic.objects.first()
    if topic is None:
        raise GenerationError("There are no topics yet; create one first.")
    return topic, question_type


def _most_common(items):
    counts = Counter(items).most_common(1)
    return counts[0][0] if counts else None


@transaction.atomic
def save_draft(draft):
    """Save a Draft as a draft Article with its key facts and sources, as
    its first revision."""
    with revisions.recorded("Drafted by the answer generator", origin="generate_draft"):
        return _save_draft(draft)


def _save_draft(draft):
    # What a model wrote may hold control characters; PostgreSQL cannot
    # store NUL, and none of them is meant.
    draft.question, draft.summary, draft.body = (
        strip_controls(draft.question),
        strip_controls(draft.summary),
        strip_controls(draft.body),
    )
    draft.key_facts = [strip_controls(text) for text in draft.key_facts]
    draft.sources = [
        {key: strip_controls(str(value)) for key, value in source.items()}
        for source in draft.sources
    ]
    problems = complexity_problems(draft.body)
    if problems:  # the same limits as the admin form and the importer
        raise GenerationError(
            "The generated body cannot be shown: " + " ".join(problems)
        )
    article = Article.objects.create(
        question=draft.question,
        topic=draft.topic,
        question_type=draft.question_type,
        summary=draft.summary,
        body=draft.body,
        status=Article.Status.DRAFT,
        ai_assisted=draft.ai_assisted,
    )
    KeyFact.objects.bulk_create(
        KeyFact(article=article, text=text, position=i)
        for i, text in enumerate(draft.key_facts, start=1)
    )
    Source.objects.bulk_create(
        Source(
            article=article,
            title=source["title"],
            url=source["url"],
            publisher=source.get("publisher", ""),
            position=i,
        )
        for i, source in enumerate(draft.sources, start=1)
    )
    revisions.include(article)
    return article
