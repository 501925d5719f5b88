"""What the page cache could not be told: bumps that never reached it."""

from django.db import models


class LostBump(models.Model):
    """Version-token names whose bump failed (the cache was unreachable).

    The database outlives a cache outage, so this is where a change waits to
    be made known: no process trusts the shared cache again until these
    names have been bumped there (articles.delivery.cache_repair)."""

    names = models.TextField()  # one name a line
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lost cache bump"

    def __str__(self):
        return self.names.replace("\n", ", ")
