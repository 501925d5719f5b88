from django.core.management.base import BaseCommand

from articles.core.models import Article
from articles.syndication import share_images


class Command(BaseCommand):
    help = (
        "Draw the share card of every answer whose card is missing or out of "
        "date (after SITE_NAME changed, say). Cards already current are kept."
    )

    def handle(self, *args, **options):
        answers = Article.objects.select_related("topic").order_by("pk")
        total = answers.count()
        made = 0
        for n, article in enumerate(answers.iterator(chunk_size=500), 1):
            made += share_images.make(article) == "made"
            if n % 1000 == 0:
                self.stdout.write(f"{n:,} of {total:,} answers checked, {made:,} drawn")
        self.stdout.write(
            self.style.SUCCESS(
                f"Share cards: {made:,} drawn, {total - made:,} already current."
            )
        )
