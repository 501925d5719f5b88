"""Site search over published answers, with modelsearch.

modelsearch gives SQLite FTS5 locally and PostgreSQL full-text search in
production behind the same API. The index is refreshed once a save has
committed, so an answer's inlines and tags (saved after the answer itself in
the admin) are indexed with it.
"""

import re
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from modelsearch import index
from modelsearch.backends import get_search_backend
from modelsearch.models import IndexEntry

from articles.core import after_commit
from articles.core.counters import increment
from articles.core.models import Article
from articles.discovery.models import SearchRecord
from articles.discovery.search_postgres import BoundedSearch
from topics.models import normalise_question

MAX_QUERY_LENGTH = 200


def search_articles(query):
    """Published answers matching `query`, best first (a lazy, sliceable result).

    Only the words are searched: quotes, brackets and upper-case AND/OR/NOT
    would otherwise reach SQLite FTS5 as query syntax. On PostgreSQL the
    ranking reads a bounded candidate set (articles.discovery.search_postgres).
    """
    words = normalise_question(query)
    if connection.vendor == "postgresql":
        return BoundedSearch(words.split())
    return (
        Article.objects.published()
        .select_related("topic", "question_type")
        .search(words)
    )


ADMIN_MATCHES = 1000


def matching_ids(query, limit=ADMIN_MATCHES):
    """Ids of answers in any state whose question, summary, key facts, tags
    or body hold every word of `query`, read from the search index (for the
    admin's answers list). At most `limit`: a list to page through, not a
    ranking."""
    words = re.findall(r"\w+", normalise_question(query))
    if not words:
        return []
    content_type = ContentType.objects.get_for_model(Article).pk
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The GIN index over title || body (migration 0006) serves this.
            cursor.execute(
                f"SELECT object_id::bigint FROM {IndexEntry._meta.db_table} "
                f"WHERE content_type_id = %s "
                f"AND (title || body) @@ plainto_tsquery(%s) LIMIT %s",
                [content_type, " ".join(words), limit],
            )
        else:
            cursor.execute(
                sqlite_match_sql(),
                [" AND ".join(f'"{w}"' for w in words), content_type, limit],
            )
        return [row[0] for row in cursor.fetchall()]


def sqlite_match_sql():
    """Ids of indexed answers whose FTS5 row matches (params: the MATCH
    expression, the answers' content type, a limit)."""
    table = IndexEntry._meta.db_table
    return (
        f"SELECT CAST(e.object_id AS INTEGER) FROM {table}_fts f "
        f"JOIN {table} e ON e.id = f.rowid "
        f"WHERE {table}_fts MATCH %s AND e.content_type_id = %s LIMIT %s"
    )


def record_search(query, result_count, day=None):
    """Count one search of the normalised query (no personal data is kept)."""
    normalised = normalise_question(query)[:MAX_QUERY_LENGTH]
    if normalised:
        increment(
            SearchRecord,
            {"query": normalised, "day": day or timezone.localdate()},
            result_count=result_count,
        )


def reindex_on_commit(article_id):
    """Refresh the article's index entry once the current transaction commits,
    reading the answer afresh then (a deleted answer is skipped).

    A save of an answer with its facts and tags asks many times; the answer
    is still indexed once per commit, with everything it then holds.
    """
    after_commit.gather(_reindex, article_id)


def _reindex(article_ids):
    for article in Article.get_indexed_objects().filter(pk__in=article_ids):
        index.insert_or_update_object(article)


def remove_on_commit(article):
    """Drop a deleted answer's index entry once the deletion commits."""
    transaction.on_commit(partial(index.remove_object, article))


def bulk_index(article_ids):
    """Index many answers at once (generate_answers, rebuilds).

    On PostgreSQL one INSERT ... SELECT builds every entry's vectors in the
    database, as modelsearch's indexer would build them one object at a time
    (the same fields, the same weights); elsewhere modelsearch's own bulk
    `add_items` does it.
    """
    if connection.vendor != "postgresql":
        backend = get_search_backend()
        objects = list(Article.get_indexed_objects().filter(pk__in=article_ids))
        backend.get_index_for_model(Article).add_items(Article, objects)
        return
    from modelsearch.backends.database.postgres.weights import get_weight

    weight = {
        name: get_weight(field.boost)
        for name, field in (
            ("question", Article.search_fields[0]),
            ("summary", Article.search_fields[1]),
            ("facts", Article.search_fields[2].fields[0]),
            ("tags", Article.search_fields[3].fields[0]),
            ("body", Article.search_fields[4]),
        )
    }
    vector = " || ".join(
        f"setweight(to_tsvector(COALESCE({column}, '')), '{weight[name]}')"
        for name, column in (
            ("question", "a.question"),
            ("summary", "a.summary"),
            ("facts", "f.facts"),
            ("tags", "t.tags"),
            # As Article.indexed_body: long runs without a space are broken.
            ("body", r"regexp_replace(a.body, '(\S{100})', '\1 ', 'g')"),
        )
    )
    content_type = ContentType.objects.get_for_model(Article).pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {IndexEntry._meta.db_table}
                (content_type_id, object_id, title, autocomplete, body,
                 title_norm, title_text, body_text)
            SELECT %(ct)s, a.id::text, to_tsvector(''), to_tsvector(''),
                   {vector}, 1.0, '',
                   concat_ws(' ', a.question, NULLIF(a.summary, ''), f.facts,
                             t.tags, a.body)
            FROM articles_article a
            LEFT JOIN LATERAL (
                SELECT string_agg(k.text, ' ' ORDER BY k.position, k.id) AS facts
                FROM articles_keyfact k WHERE k.article_id = a.id
            ) f ON true
            LEFT JOIN LATERAL (
                SELECT string_agg(g.name, ' ' ORDER BY i.id) AS tags
                FROM taggit_taggeditem i JOIN taggit_tag g ON g.id = i.tag_id
                WHERE i.content_type_id = %(ct)s AND i.object_id = a.id
            ) t ON true
            WHERE a.id = ANY(%(ids)s)
            ON CONFLICT (content_type_id, object_id) DO UPDATE SET
                title = EXCLUDED.title, autocomplete = EXCLUDED.autocomplete,
                body = EXCLUDED.body, title_norm = 1.0,
                title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text
            """,
            {"ct": content_type, "ids": list(article_ids)},
        )
