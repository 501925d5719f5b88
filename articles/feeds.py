from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from topics.models import Topic

from .models import Article

FEED_SIZE = 20


class LatestAnswersFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return f"{settings.SITE_NAME}: latest answers"

    def link(self):
        return "/"

    def subtitle(self):
        return f"The newest answers published on {settings.SITE_NAME}."

    def items(self):
        return Article.objects.for_listing()[:FEED_SIZE]

    def item_title(self, article):
        return article.question

    def item_description(self, article):
        return article.summary

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_categories(self, article):
        return [article.topic.name, article.question_type.name]


class TopicFeed(LatestAnswersFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return f"{settings.SITE_NAME}: latest answers in {topic.name}"

    def link(self, topic):
        return topic.get_absolute_url()

    def subtitle(self, topic):
        return topic.description or f"The newest answers about {topic.name}."

    def items(self, topic):
        return topic.articles.for_listing()[:FEED_SIZE]
