from django.contrib.sitemaps import Sitemap

from .models import QuestionType, Topic


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Topic.objects.with_answers()


class QuestionTypeSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return QuestionType.objects.with_answers()
