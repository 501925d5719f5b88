"""Published answers that look like a piece of text, best match first.

A keyword matcher over full-text indexes (on PostgreSQL the questions' own,
on SQLite the search index's FTS5 table). It is what the suggest flow uses to
say "Already answered?" and what the outline generator uses to pick a topic.
"""

import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.expressions import RawSQL

from articles.core.models import Article
from articles.discovery.search import sqlite_match_sql
from articles.discovery.search_postgres import QUESTION_CONFIG
from topics.models import normalise_question

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

    The search index finds the candidates (answers holding every word first,
    then any word), so the cost does not grow with the site; words in the
    question then count double those in the summary, and ties go to the
    newer answer.
    """
    words = keywords(text)
    if not words:
        return []
    candidates = list(
        Article.objects.for_listing().filter(pk__in=candidate_ids(words, CANDIDATES))
    )
    # Words match at the start of a word: "rain" finds "rainbow", not "brain".
    patterns = [re.compile(rf"\b{re.escape(w)}", re.IGNORECASE) for w in words]

    def score(article):
        return sum(
            2 * bool(p.search(article.question)) + bool(p.search(article.summary))
            for p in patterns
        )

    candidates = [a for a in candidates if score(a)]
    # sorted() is stable, so equal scores keep the newest-first order.
    return sorted(candidates, key=score, reverse=True)[:limit]


def candidate_ids(words, limit):
    """A subquery of the ids of answers matching the words as prefixes: up
    to `limit` holding every word, and up to `limit` holding any. Each half
    reads a full-text index and at most `limit` rows."""
    words = [re.sub(r"[^a-z0-9]", "", w.lower()) for w in words]
    words = [w for w in words if w]
    if not words:
        return []
    if connection.vendor == "postgresql":
        return RawSQL(*_postgres_query(words, limit))
    content_type = ContentType.objects.get_for_model(Article).pk
    return RawSQL(*_sqlite_query(words, content_type, limit))


def _postgres_query(words, limit):
    # Prefix matches in the question, by its own full-text index (migration
    # 0008). Not the index entries: their vectors hold whole bodies, and for
    # common words the planner would rather read them all than the index.
    terms = [f"{w}:*" for w in words]
    part = (
        f"(SELECT id FROM articles_article "
        f"WHERE to_tsvector('{QUESTION_CONFIG}', question) "
        f"@@ to_tsquery('{QUESTION_CONFIG}', %s) "
        f"AND status = 'published' LIMIT %s)"
    )
    sql = f"{part} UNION ALL {part}"
    return sql, [" & ".join(terms), limit, " | ".join(terms), limit]


def _sqlite_query(words, content_type, limit):
    terms = [f'"{w}"*' for w in words]
    part = f"SELECT * FROM ({sqlite_match_sql()})"
    sql = f"{part} UNION ALL {part}"
    return sql, [
        " AND ".join(terms), content_type, limit,
        " OR ".join(terms), content_type, limit,
    ]  # fmt: skip
