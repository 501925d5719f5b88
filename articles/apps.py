from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Answers"

    def ready(self):
        from . import search  # noqa: F401  (keeps the search index in sync)
