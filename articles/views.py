from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from topics.models import QuestionType, Topic

from .caching import depends_on, versions
from .models import Article, SlugRedirect
from .rankings import related_candidates
from .related import SECTION_SIZE, related_sections
from .search import MAX_QUERY_LENGTH, record_search, search_articles
from .search_postgres import MAX_RESULTS
from .structured_data import article_json_ld
from .trending import count_view, trending

SEARCH_PAGE_SIZE = 20


def browse_context():
    """The "Browse by Topic" and "Browse by Question Type" sections."""
    return {
        "browse_topics": Topic.objects.browsable(),
        "browse_types": QuestionType.objects.browsable(),
    }


def home(request):
    response = render(
        request,
        "articles/home.html",
        {
            "trending": trending(SECTION_SIZE),
            "latest": Article.objects.for_listing()[:10],
            "tokens": versions(["site"]),
            **browse_context(),
        },
    )
    return depends_on(response, "latest", "trending", "site")


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
    tokens = versions(
        [f"topic:{article.topic_id}", f"type:{article.question_type_id}"]
        + ["trending", "site"]
    )
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "structured_data": article_json_ld(article, request),
            # Called by the template only when its cached fragment is stale.
            "related_sections": lambda: related_sections(
                article, related_candidates(article)
            ),
            "tokens": {
                "topic": tokens[f"topic:{article.topic_id}"],
                "type": tokens[f"type:{article.question_type_id}"],
                "trending": tokens["trending"],
                "site": tokens["site"],
            },
            **browse_context(),
        },
    )
    count_view(request, article.pk)
    return depends_on(
        response,
        f"answer:{article.pk}",
        f"topic:{article.topic_id}",
        f"type:{article.question_type_id}",
        "trending",
        "site",
        counts_view_of=article.pk,
    )


def moved_article(slug):
    """301 from an address a published answer used to have, else 404."""
    old = get_object_or_404(SlugRedirect, old_slug=slug)
    article = Article.objects.published().filter(pk=old.article_id).first()
    if article is None:
        raise Http404
    return redirect(article, permanent=True)


def trending_page(request):
    response = render(
        request, "articles/trending.html", {"articles": trending(limit=20)}
    )
    return depends_on(response, "trending")


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
        context.update(
            page_obj=page,
            paginator=paginator,
            results=page.object_list,
            # Large result sets are bounded (articles.search_postgres).
            capped=paginator.count >= MAX_RESULTS,
        )
    return render(request, "articles/search.html", context)
