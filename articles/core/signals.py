from django.dispatch import Signal

# Sent once an answer goes live, with `article`, `by` (a user or None) and
# `immediate` (True when the publishing save itself fired it, False when the
# clock did). articles.changes refreshes its pages and counts; suggestions
# closes the suggestion it answers. This is the documented articles →
# suggestions boundary: suggestions listens, articles never imports it.
article_published = Signal()
