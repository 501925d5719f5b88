from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.core.models import Article
from articles.files.markdown_files import render_article


class Command(BaseCommand):
    help = (
        "Export every answer (drafts included) to DIR as <slug>.md, in the "
        "format that import_articles reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory, **options):
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot create {directory}: {exc}") from exc
        articles = (
            Article.objects.exclude(status=Article.Status.TRASHED)  # not content
            .select_related("topic", "question_type")
            .prefetch_related("tags", "key_facts", "sources", "redirects")
            .order_by("slug")
        )
        count = 0
        for article in articles.iterator(chunk_size=200):
            path = directory / f"{article.slug}.md"
            path.write_text(render_article(article), encoding="utf-8")
            count += 1
        self.stdout.write(
            self.style.SUCCESS(f"Exported {count} answers to {directory}")
        )
