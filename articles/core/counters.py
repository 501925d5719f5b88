"""Database-side counters: one atomic upsert, never read-modify-write."""

from django.db import connection


def increment(model, keys, by=1, **values):
    """Add `by` to `model.count` for the row with `keys`, creating it at `by`.

    `values` are written on insert and on update alike. One statement
    (INSERT ... ON CONFLICT DO UPDATE, on SQLite and PostgreSQL), so
    concurrent increments are never lost. `keys` must match a unique
    constraint.
    """
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)

    def column(name):
        return qn(model._meta.get_field(name).column)

    inserted = {**keys, **values, "count": by}
    updates = [f"{column('count')} = {table}.{column('count')} + %s"]
    updates += [f"{column(name)} = %s" for name in values]
    sql = (
        f"INSERT INTO {table} ({', '.join(column(n) for n in inserted)}) "
        f"VALUES ({', '.join(['%s'] * len(inserted))}) "
        f"ON CONFLICT ({', '.join(column(n) for n in keys)}) "
        f"DO UPDATE SET {', '.join(updates)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inserted.values(), by, *values.values()])
