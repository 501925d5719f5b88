from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from topics.models import QuestionType, Topic

from .models import Article, SlugRedirect
from .related import SECTION_SIZE, related_sections
from .search import MAX_QUERY_LENGTH, record_search, search_articles
from .structured_data import article_json_ld
from .trending import count_view, trending

SEARCH_PAGE_SIZE = 20


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
            "trending": trending(SECTION_SIZE),
            "latest": Article.objects.for_listing()[:10],
            **browse_context(),
        },
    )


def article_detail(request, slug):
    article = (
        Article.objects.published()
        .select_related("topic", "question_type")
        .prefetch_related("key_facts", "sources")
        .filter(slug=slug)
        .first()
    )
    if article is None:
        return moved_article(slug)
    browse = browse_context()
    # Every published answer has one topic, so the topic counts add up to the
    # number of published answers, which ranking needs: no extra query.
    published_total = sum(t.answer_count for t in browse["browse_topics"])
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "structured_data": article_json_ld(article, request),
            "related_sections": related_sections(article, published_total),
            **browse,
        },
    )
    count_view(request, article)
    return response


def moved_article(slug):
    """301 from an address a published answer used to have, else 404."""
    old = get_object_or_404(SlugRedirect, old_slug=slug)
    article = Article.objects.published().filter(pk=old.article_id).first()
    if article is None:
        raise Http404
    return redirect(article, permanent=True)


def trending_page(request):
    return render(request, "articles/trending.html", {"articles": trending(limit=20)})


def search(request):
    query = " ".join(request.GET.get("q", "").split())
    context = {"query": query, "max_length": MAX_QUERY_LENGTH}
    if len(query) > MAX_QUERY_LENGTH:
        context["problem"] = (
            f"That search is {len(query)} characters long; please keep it under "
            f"{MAX_QUERY_LENGTH}."
        )
    elif query:
        paginator = Paginator(search_articles(query), SEARCH_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        if request.GET.get("page", "1") == "1":  # paging on is not a new search
            record_search(query, paginator.count)
        context.update(page_obj=page, paginator=paginator, results=page.object_list)
    return render(request, "articles/search.html", context)
