from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Answers"

    def ready(self):
        # Keep the search index, page caches and stored counts in step.
        from . import invalidation, revisions, search  # noqa: F401

        revisions.register()
