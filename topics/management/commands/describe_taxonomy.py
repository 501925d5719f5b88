from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from topics.models import QuestionType, Topic


class Command(BaseCommand):
    help = (
        "Give topics and question types the descriptions a YAML file holds "
        "(keys `topics` and `question_types`, each name: description). Only "
        "empty descriptions are filled; an editor's own text is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise CommandError(f"{path}: cannot be read ({exc})") from exc
        if not isinstance(data, dict):
            raise CommandError(f"{path}: expected `topics:` and `question_types:`")
        filled = 0
        for key, model in (("topics", Topic), ("question_types", QuestionType)):
            entries = data.get(key) or {}
            if not isinstance(entries, dict):
                raise CommandError(f"{path}: `{key}` must map names to descriptions")
            for name, description in entries.items():
                for row in model.objects.filter(name__iexact=str(name), description=""):
                    row.description = str(description).strip()
                    row.full_clean()
                    row.save(update_fields=["description"])
                    filled += 1
        self.stdout.write(f"Descriptions filled in: {filled}.")
