"""Atom feeds (RFC 4287): the latest answers, and the latest in each topic.

What the W3C feed validator checks, and tests/test_feeds.py with it: every
entry has an author (the site), a permanent id (a tag URI with the answer's
id, so a new slug is not a new entry), `updated` is the editorial "Last
updated" date, and the summary is plain text. Addresses come from SITE_URL.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags

from articles.core.models import Article
from articles.syndication.structured_data import editorial_datetime
from topics.models import Topic
from whatanswers.web.absolute import absolute_url, site_domain

FEED_SIZE = 20
# Part of every id: a tag URI names a date on which its authority owned the
# domain. It must never change, or every reader sees every entry anew.
TAG_DATE = "2026"


def tag_uri(specific):
    return f"tag:{site_domain()},{TAG_DATE}:{specific}"


class PlainSummaryAtomFeed(Atom1Feed):
    """Django writes summaries as `type="html"`; ours are plain text."""

    def add_item_elements(self, handler, item):
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary:
            handler.addQuickElement("summary", summary)


class LatestAnswersFeed(Feed):
    feed_type = PlainSummaryAtomFeed

    def title(self):
        return f"{settings.SITE_NAME}: latest answers"

    def link(self):
        return absolute_url("/")

    def feed_url(self):
        return absolute_url(reverse("feed_latest"))

    def feed_guid(self):
        return tag_uri("feeds/latest")

    def subtitle(self):
        return f"The newest answers published on {settings.SITE_NAME}."

    def author_name(self):
        return settings.SITE_NAME

    def author_link(self):
        return absolute_url("/")

    def items(self):
        return Article.objects.for_listing()[:FEED_SIZE]

    def item_title(self, article):
        return article.question

    def item_link(self, article):
        return absolute_url(article.get_absolute_url())

    def item_guid(self, article):
        return tag_uri(f"answer/{article.pk}")

    def item_description(self, article):
        # Plain text: markup an editor typed would read as HTML to a reader.
        return " ".join(strip_tags(article.summary).split()) or article.question

    def item_author_name(self, article):
        return settings.SITE_NAME

    def item_author_link(self, article):
        return absolute_url("/")

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return editorial_datetime(article)

    def item_categories(self, article):
        return [article.topic.name, article.question_type.name]


class TopicFeed(LatestAnswersFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return f"{settings.SITE_NAME}: latest answers in {topic.name}"

    def link(self, topic):
        return absolute_url(topic.get_absolute_url())

    def feed_url(self, topic):
        return absolute_url(reverse("feed_topic", args=[topic.slug]))

    def feed_guid(self, topic):
        return tag_uri(f"feeds/topic/{topic.pk}")

    def subtitle(self, topic):
        return topic.description or f"The newest answers about {topic.name}."

    def items(self, topic):
        return topic.articles.for_listing()[:FEED_SIZE]
