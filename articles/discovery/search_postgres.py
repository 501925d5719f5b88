"""Site search on PostgreSQL with a cost that does not grow with the site.

modelsearch ranks every matching entry and counts them all, which for a
common word at 100,000 answers means reading most of the index. Here the
ranking uses modelsearch's own index entries and the same rank expression
(weights, title norm), but over a bounded candidate set, read by index:

- up to QUESTION_CANDIDATES published answers whose question matches (a GIN
  index over the question), so the closest questions are always considered;
- up to BODY_CANDIDATES more whose index entry matches (the GIN index over
  title || body).

The count is the size of that set, so it tops out at their sum (the page
says "500+").
"""

from contextlib import contextmanager
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from modelsearch.backends.database.postgres.weights import get_sql_weights
from modelsearch.models import IndexEntry

from articles.core.models import Article

QUESTION_CANDIDATES = 200
BODY_CANDIDATES = 300
MAX_RESULTS = QUESTION_CANDIDATES + BODY_CANDIDATES
# The question index is built with this configuration (see migration 0008).
QUESTION_CONFIG = "english"


class BoundedSearch:
    """A sliceable, countable result, as Paginator wants it."""

    def __init__(self, words):
        self.words = words

    def count(self):
        return len(self._ranked_ids)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        ids = self._ranked_ids[index]
        if not isinstance(index, slice):
            ids = [ids]
        found = (
            Article.objects.published()
            .select_related("topic", "question_type")
            .in_bulk(ids)
        )
        articles = [found[pk] for pk in ids if pk in found]
        return articles if isinstance(index, slice) else articles[0]

    def __iter__(self):
        return iter(self[:])

    @cached_property
    def _ranked_ids(self):
        """All candidate ids, best first: one query over at most MAX_RESULTS
        index entries (ids only; the page then loads its own rows)."""
        if not self.words:
            return []
        table = IndexEntry._meta.db_table
        sql = f"""
            WITH query AS (SELECT plainto_tsquery(%(text)s) AS q),
            candidates AS (
                (SELECT a.id FROM articles_article a
                 WHERE to_tsvector('{QUESTION_CONFIG}', a.question)
                       @@ plainto_tsquery('{QUESTION_CONFIG}', %(text)s)
                   AND a.status = 'published' AND a.published_at <= %(now)s
                 LIMIT {QUESTION_CANDIDATES})
                UNION
                (SELECT e.object_id::bigint FROM {table} e, query
                 WHERE e.content_type_id = %(ct)s
                   AND (e.title || e.body) @@ query.q
                 LIMIT {BODY_CANDIDATES})
            )
            SELECT a.id
            FROM candidates c
            JOIN articles_article a ON a.id = c.id
            JOIN {table} e
              ON e.content_type_id = %(ct)s AND e.object_id = a.id::text,
            query
            WHERE a.status = 'published' AND a.published_at <= %(now)s
            ORDER BY ts_rank(%(weights)s::float4[], e.title, query.q) * e.title_norm
                   + ts_rank(%(weights)s::float4[], e.body, query.q) DESC,
                     a.id DESC
        """
        params = {
            "text": " ".join(self.words),
            "now": timezone.now(),
            "ct": ContentType.objects.get_for_model(Article).pk,
            "weights": get_sql_weights(),
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]


# Full-text GIN indexes that searches read (on the answers, and modelsearch's
# and ours on its index entries). They are kept with fastupdate off
# (migration 0010): with it on, new entries wait in a pending list that every
# search reads in full, up to 4 MB, which cost each look-up some 13 ms.
GIN_TABLES = ("articles_article", "modelsearch_indexentry")
GIN_INDEXES_SQL = """
    SELECT c.relname FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_am am ON am.oid = c.relam
    WHERE am.amname = 'gin' AND i.indrelid::regclass::text = ANY(%s)
"""


@contextmanager
def bulk_loading():
    """While many answers are loaded at once, let the GIN indexes gather new
    entries in their pending lists (much faster to insert), then merge them
    and switch back."""
    with connection.cursor() as cursor:
        cursor.execute(GIN_INDEXES_SQL, [list(GIN_TABLES)])
        names = [row[0] for row in cursor.fetchall()]
        for name in names:
            cursor.execute(f'ALTER INDEX "{name}" SET (fastupdate = on)')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
                cursor.execute(f'ALTER INDEX "{name}" SET (fastupdate = off)')
