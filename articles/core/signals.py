from django.dispatch import Signal

# Sent after an article moves to published, with `article` and `by` (a user or
# None). This is the documented articles → suggestions boundary: suggestions
# listens, articles never imports suggestions.
article_published = Signal()
