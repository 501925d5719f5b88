"""A change always wins over the page cache, even when the cache is down.

A bump that cannot reach the cache (Redis refusing or hanging) is written to
the database as a LostBump, and the process that failed stops trusting the
shared cache. Every process goes back to the shared cache only through
`settle()`: once its token listener is subscribed again, before its first
cached page, it bumps every lost name in the cache and only then trusts it.
So a page stored before the outage can never look fresh after it, whichever
process serves it and whenever Redis returns.
"""

import logging

from django.db import DatabaseError, transaction

from articles.delivery.models import LostBump

logger = logging.getLogger(__name__)
BATCH = 500


def record(names):
    """Keep `names` until the cache can be told. Inside a transaction the row
    commits with the change it is about (and goes with it on a rollback)."""
    try:
        with transaction.atomic():
            LostBump.objects.create(names="\n".join(names))
    except DatabaseError:
        # The database is down too: nothing was changed that could be stale.
        logger.exception("A lost cache bump was not recorded: %s", ", ".join(names))
        return
    logger.error(
        "The cache was unreachable: %d version tokens wait in the database "
        "until it is back; pages are served uncached meanwhile.",
        len(names),
    )


def settle(write_tokens):
    """Bump every lost name with `write_tokens(names)` (True when the cache
    took them) and forget it. True when nothing is waiting any more."""
    try:
        while True:
            lost = list(LostBump.objects.order_by("pk")[:BATCH])
            if not lost:
                return True
            names = sorted({n for bump in lost for n in bump.names.split("\n") if n})
            if not write_tokens(names):
                return False
            LostBump.objects.filter(pk__in=[bump.pk for bump in lost]).delete()
            logger.warning("Bumped %d version tokens lost in an outage.", len(names))
    except DatabaseError:
        logger.warning("Lost cache bumps not read: the database failed", exc_info=True)
        return False
