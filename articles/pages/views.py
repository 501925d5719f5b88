import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone

from articles.core.models import Article, SlugRedirect
from articles.delivery.caching import depends_on, row_by_version, versions
from articles.discovery.related import SECTION_SIZE
from articles.discovery.search import MAX_QUERY_LENGTH, record_search, search_articles
from articles.discovery.search_postgres import MAX_RESULTS
from articles.discovery.trending import count_view, trending
from articles.pages.fragments import article_fragments, browse_context, shown_answers
from articles.syndication import share_images
from articles.syndication.structured_data import home_json_ld
from topics.models import QuestionType, Topic
from whatanswers.web.paging import page_links
from whatanswers.web.ratelimit import allow, retry_after

SEARCH_PAGE_SIZE = 20


def home(request):
    response = render(
        request,
        "articles/home.html",
        {
            "trending": trending(SECTION_SIZE),
            "latest": Article.objects.cards()[:10],
            "tokens": versions(["site"]),
            "json_ld": home_json_ld(),
            **browse_context(),
        },
    )
    return depends_on(response, "latest", "trending", "site")


def article_detail(request, slug):
    # No ORDER BY (the slug is unique) and no join: the topic and type come
    # from this process's copies, checked against their version tokens.
    found = list(Article.objects.published().filter(slug=slug).order_by()[:1])
    if not found or (found[0].unpublish_at and found[0].unpublish_at <= timezone.now()):
        return moved_article(slug)
    article = found[0]
    response = render_article(request, article)
    count_view(request, article.pk)
    return depends_on(
        response,
        *response.shows,
        counts_view_of=article.pk,
        gone_at=article.unpublish_at,
    )


def render_article(request, article, preview=False):
    """The article page; a preview (articles.editorial.preview) is the same page."""
    # What the page shows, and nothing else: the topic's and type's own rows
    # (not their listings, which every publish there changes), the related
    # answers it lists (below), the trending rail and the browse counts
    # (as answer pages are told of them: the "browse" token).
    answer, topic, qtype, related = (
        f"answer:{article.pk}",
        f"topic-row:{article.topic_id}",
        f"type-row:{article.question_type_id}",
        f"related:{article.pk}",
    )
    tokens = versions([answer, topic, qtype, related, "rail", "browse"])
    article.topic = row_by_version(Topic, article.topic_id, tokens[topic])
    if article.question_type_id is not None:  # only a draft's preview has none
        article.question_type = row_by_version(
            QuestionType, article.question_type_id, tokens[qtype]
        )
    fragments = article_fragments(
        request,
        article,
        answer=tokens[answer],
        topic=tokens[topic],
        type=tokens[qtype],
        related=tokens[related],
        rail=tokens["rail"],
        browse=tokens["browse"],
    )
    response = render(
        request,
        "articles/article_detail.html",
        {"article": article, "preview": preview, **fragments},
    )
    listed = shown_answers(fragments["related_html"])
    response.shows = (answer, topic, qtype, related, "rail", "browse", *listed)
    return response


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
    window = settings.SEARCH_RATE_WINDOW
    if not allow("search", request, settings.SEARCH_RATE_LIMIT, window):
        response = render(
            request,
            "rate_limited.html",
            {"what": "searches", "minutes": max(1, window // 60)},
            status=429,
        )
        response["Retry-After"] = str(retry_after(window))
        return response
    query = " ".join(request.GET.get("q", "").split())
    context = {"query": query, "max_length": MAX_QUERY_LENGTH}
    if len(query) > MAX_QUERY_LENGTH:
        context["problem"] = (
            f"That search is {len(query)} characters long; please keep it under "
            f"{MAX_QUERY_LENGTH}."
        )
    elif query:
        paginator = Paginator(search_articles(query), SEARCH_PAGE_SIZE)
        try:  # a page that does not exist is a 404, not page 1 or the last one
            page = paginator.page(request.GET.get("page") or 1)
        except (EmptyPage, PageNotAnInteger) as exc:
            raise Http404("No such page of results.") from exc
        if request.GET.get("page", "1") == "1":  # paging on is not a new search
            record_search(query, paginator.count)
        context.update(
            page_obj=page,
            paginator=paginator,
            results=page.object_list,
            # Large result sets are bounded (articles.discovery.search_postgres).
            capped=paginator.count >= MAX_RESULTS,
            **page_links(request, page, q=query),
        )
    return render(request, "articles/search.html", context)


def share_image(request, article_id, key):
    """A share card. Its address names what it shows, so it may be kept a
    year; until the worker has drawn it, the site's card stands in."""
    name = share_images.image_name(article_id, key)
    if not re.fullmatch(r"[0-9a-f]{16}", key) or not default_storage.exists(name):
        response = redirect(static(share_images.SITE_CARD))
        response["Cache-Control"] = "public, max-age=300"
        return response
    response = FileResponse(default_storage.open(name), content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
