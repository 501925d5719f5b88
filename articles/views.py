from django.shortcuts import get_object_or_404, render

from topics.models import QuestionType, Topic

from .models import Article
from .related import SECTION_SIZE, related_sections, trending


def browse_context():
    """The "Browse by Topic" and "Browse by Question Type" sections."""
    return {
        "browse_topics": Topic.objects.with_answers(),
        "browse_types": QuestionType.objects.with_answers(),
    }


def home(request):
    return render(
        request,
        "articles/home.html",
        {
            "trending": trending()[:SECTION_SIZE],
            "latest": Article.objects.for_listing()[:10],
            **browse_context(),
        },
    )


def article_detail(request, slug):
    article = get_object_or_404(
        Article.objects.published()
        .select_related("topic", "question_type")
        .prefetch_related("key_facts", "sources"),
        slug=slug,
    )
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "related_sections": related_sections(article),
            **browse_context(),
        },
    )
