from django.db import migrations

# Searches read every entry of a GIN index's pending list; with fastupdate off
# new entries go straight into the index, so a look-up's cost stays small
# (articles.search_postgres.GIN_TABLES explains; generate_answers switches
# it on while it loads in bulk).
GIN_INDEXES = """
    SELECT c.relname FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_am am ON am.oid = c.relam
    WHERE am.amname = 'gin'
      AND i.indrelid::regclass::text IN ('articles_article', 'modelsearch_indexentry')
"""


def set_fastupdate(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(GIN_INDEXES)
            for (name,) in cursor.fetchall():
                cursor.execute(f'ALTER INDEX "{name}" SET (fastupdate = {value})')
                if value == "off":
                    cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_trend_points")]  # after 0006 and 0008

    operations = [migrations.RunPython(set_fastupdate("off"), set_fastupdate("on"))]
