"""Published answers that look like a piece of text, best match first.

A small keyword matcher that works the same on SQLite and PostgreSQL. It is
what the suggest flow uses to say "Already answered?" and what the outline
generator uses to pick a topic.
"""

import re
from functools import reduce
from operator import or_

from django.db.models import Q

from topics.models import normalise_question

from .models import Article

# Words that say what kind of question it is, not what it is about.
STOPWORDS = frozenset(
    """a about after again also an and any are as at back be before best can cause
    causes come comes could did do does for from get gets go goes got happen happens
    has have how i if in into is it its just keep keeps like make makes many mean
    means me more most much my of on or should so some still than that the their them
    then there these they this to very was way we were what when where which who why
    will with work works would you your""".split()  # noqa: SIM905 (a word list reads better as text)
)
MAX_KEYWORDS = 6
CANDIDATES = 100


def keywords(text):
    """The distinctive words of `text`, singularised crudely so that
    "hiccups" also finds "hiccup"."""
    words = []
    for word in normalise_question(text).split():
        if len(word) < 3 or word in STOPWORDS:
            continue
        stem = word[:-1] if len(word) > 4 and word.endswith("s") else word
        if stem not in words:
            words.append(stem)
    return words[:MAX_KEYWORDS]


def similar_articles(text, limit=5):
    """Up to `limit` published answers sharing words with `text`.

    Words in the question count double those in the summary; ties go to the
    newer answer.
    """
    words = keywords(text)
    if not words:
        return []
    # Words match at the start of a word: "rain" finds "rainbow", not "brain".
    matches = reduce(
        or_,
        (
            Q(question__istartswith=w)
            | Q(question__icontains=f" {w}")
            | Q(summary__istartswith=w)
            | Q(summary__icontains=f" {w}")
            for w in words
        ),
    )
    candidates = list(Article.objects.for_listing().filter(matches)[:CANDIDATES])
    patterns = [re.compile(rf"\b{re.escape(w)}", re.IGNORECASE) for w in words]

    def score(article):
        return sum(
            2 * bool(p.search(article.question)) + bool(p.search(article.summary))
            for p in patterns
        )

    # sorted() is stable, so equal scores keep the newest-first order.
    return sorted(candidates, key=score, reverse=True)[:limit]
