import logging
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.core.models import Article
from articles.discovery import rankings
from articles.files.markdown_files import FileError, import_file

logger = logging.getLogger(__name__)
# From this many imported answers on, every answer is ranked again in one pass.
BULK_RANKING = 200


class Command(BaseCommand):
    help = (
        "Import answers from Markdown files with YAML front matter. A directory "
        "imports every *.md file in it. Re-importing a slug updates that answer."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files or directories")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the database already holds any answer",
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="create topics and question types the files name but the site "
            "lacks (otherwise each is an error naming the closest ones)",
        )

    def handle(self, *args, paths, if_empty, create_missing, **options):
        if if_empty and Article.objects.exists():
            self.stdout.write("Answers already exist; nothing imported.")
            return
        files = self._collect(paths)
        counts = {"created": 0, "updated": 0, "failed": 0}
        for path in files:
            try:
                outcome = import_file(path, create_missing=create_missing)
            except FileError as exc:
                counts["failed"] += 1
                self.stderr.write(self.style.ERROR(f"FAILED  {path}: {exc}"))
                continue
            except Exception as exc:  # never a traceback: the next file still imports
                logger.debug("Importing %s failed", path, exc_info=True)
                counts["failed"] += 1
                self.stderr.write(
                    self.style.ERROR(
                        f"FAILED  {path}: file: could not be saved "
                        f"({type(exc).__name__}: {str(exc)[:200]})"
                    )
                )
                continue
            counts[outcome] += 1
            self.stdout.write(f"{outcome:<8}{path}", ending="\n")
        summary = "{created} created, {updated} updated, {failed} failed.".format(
            **counts
        )
        if counts["created"] + counts["updated"]:
            self._rank(counts["created"] + counts["updated"])
        if counts["failed"]:
            raise CommandError(f"Imported {len(files)} files: {summary}")
        self.stdout.write(self.style.SUCCESS(f"Imported {len(files)} files: {summary}"))

    def _rank(self, imported):
        """Rank related answers now, so that no page view has to: every
        answer after a large import, else those never ranked (the new ones;
        an updated one's ranking was queued when it was saved)."""
        rankings.refresh_tag_frequencies()
        if imported < BULK_RANKING:
            rankings.refresh_stale_related(batch=imported)
            return
        started = time.monotonic()
        self.stdout.write("Ranking related answers…", ending="")
        ranked = rankings.rank_all()
        self.stdout.write(f" {ranked:,} in {time.monotonic() - started:.1f} s.")

    def _collect(self, paths):
        files = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(path.glob("*.md")))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or directory")
        if not files:
            raise CommandError("No .md files found in the given paths.")
        return files
