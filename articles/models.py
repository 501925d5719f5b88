"""Every model of the app, for Django: each lives in the package of its
concern, under the one `articles` app label (no table moved). Code inside
articles imports a model from its own package, never from here."""

from articles.core.models import Article, KeyFact, SlugRedirect, Source
from articles.delivery.models import LostBump
from articles.discovery.models import (
    ArticleView,
    Ranking,
    RelatedAnswers,
    SearchRecord,
    TagFrequency,
    TagPosting,
    TrendPoints,
    UnansweredSearch,
    ViewFlush,
)
from articles.editorial.models import RevisionOrigin, TrashedArticle

__all__ = [
    "Article",
    "ArticleView",
    "KeyFact",
    "LostBump",
    "Ranking",
    "RelatedAnswers",
    "RevisionOrigin",
    "SearchRecord",
    "SlugRedirect",
    "Source",
    "TagFrequency",
    "TagPosting",
    "TrashedArticle",
    "TrendPoints",
    "UnansweredSearch",
    "ViewFlush",
]
