"""Work gathered over a transaction and done once, when it commits.

A save of one answer touches many rows (the answer, each fact, each tag), and
each asks for the same follow-up. `gather` collects the ids, and the handler
runs once per commit with all of them. Ids gathered in a transaction that
rolls back are handled at the next commit; the handlers are idempotent.
"""

import threading
from functools import partial

from django.db import transaction

_pending = threading.local()


def gather(handler, item):
    """Have `handler(sorted items)` called once the transaction commits."""
    batches = _pending.__dict__.setdefault("batches", {})
    batches.setdefault(handler, set()).add(item)
    # Registered on every call: a rollback drops the callbacks, not the items.
    transaction.on_commit(partial(_run, handler))


def _run(handler):
    items = _pending.__dict__.get("batches", {}).pop(handler, None)
    if items:
        handler(sorted(items))
