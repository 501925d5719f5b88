from django.db import migrations

INDEX = "articles_question_fts_gin"


def add_index(apps, schema_editor):
    # Site search on PostgreSQL (articles.search_postgres) finds question
    # matches through this index, whatever the size of the site.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article "
            "USING GIN (to_tsvector('english', question))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_normalised_question")]

    operations = [migrations.RunPython(add_index, drop_index)]
