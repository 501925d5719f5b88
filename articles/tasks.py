"""The app's background tasks under the paths they had before the packages.

A task is queued by its import path (django-tasks-db keeps it in the row), so
these names let a worker of this release run the rows an older release
queued. New work is queued under each task's own module.
"""

from articles.discovery.tasks import (
    flush_views,
    refresh_rankings,
    refresh_related_for,
)
from articles.discovery.trending import refresh_trending
from articles.editorial.publishing import run_publishing_schedule
from articles.syndication.tasks import make_share_image, make_topic_share_images

__all__ = [
    "flush_views",
    "make_share_image",
    "make_topic_share_images",
    "refresh_rankings",
    "refresh_related_for",
    "refresh_trending",
    "run_publishing_schedule",
]
