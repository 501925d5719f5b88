from django.contrib.sitemaps import Sitemap

from .models import Article


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Article.objects.published().only("slug", "last_updated").order_by("pk")

    def lastmod(self, article):
        return article.last_updated
