from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Answers"

    def ready(self):
        # Imported here, not at the top: they import the models, which are
        # ready only now.
        from articles import changes
        from articles.editorial import revisions

        changes.connect()  # what follows a change, listed in one place
        revisions.register()
