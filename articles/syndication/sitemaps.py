"""A sitemap for any size: an index of section pages.

Answers are split into sections by id range, SITEMAP_SECTION_SIZE ids each,
so every published answer is in exactly one section, a section never holds
more than that many URLs, and no page counts the whole corpus: the index
needs only the highest id. A "pages" section lists home, the topic and type
indexes and every topic, type and topic × type page with answers.

A section of answers depends on its own token (`section_token`), which a
change to one of its answers bumps, and on "sitemaps", which bulk changes
bump: a publish makes one section stale, not all of them, and the scheduled
pass that moves the browse counts ("site") makes none.
"""

from django.conf import settings
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.html import escape

from articles.core.addresses import AnswerPaths
from articles.core.models import Article
from articles.delivery.caching import depends_on
from topics.models import QuestionType, Topic, TopicTypeCount
from whatanswers.web.absolute import absolute_url

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def sitemap_index(request):
    size = settings.SITEMAP_SECTION_SIZE
    top = Article.objects.aggregate(top=Max("pk"))["top"] or 0
    sections = ["pages"] + [f"answers-{n}" for n in range(1, top // size + 2)]
    if top % size == 0 and top:
        sections.pop()  # the last range would start after the highest id
    locations = [
        absolute_url(reverse("sitemap_section", args=[name])) for name in sections
    ]
    body = "".join(
        f"<sitemap><loc>{escape(loc)}</loc></sitemap>\n" for loc in locations
    )
    xml = _xml(f"{XML_HEAD}<sitemapindex {NS}>\n{body}</sitemapindex>\n")
    return depends_on(xml, "latest", "sitemaps")


def section_token(article_id=None, number=None):
    """The token of section `number`, or of the one that lists `article_id`."""
    if number is None:
        number = (article_id - 1) // settings.SITEMAP_SECTION_SIZE + 1
    return f"sitemap:{number}"


def sitemap_section(request, section):
    if section == "pages":
        entries = [(path, None) for path in _page_paths()]
        depends = ("site",)
    else:
        number = _section_number(section)
        size = settings.SITEMAP_SECTION_SIZE
        answers = (
            Article.objects.published()
            .filter(pk__gt=(number - 1) * size, pk__lte=number * size)
            .order_by("pk")
            .values_list("slug", "last_updated")
        )
        path = AnswerPaths()
        entries = [(path(slug), day) for slug, day in answers]
        depends = ("sitemaps", section_token(number=number))
    root = absolute_url("/").removesuffix("/")
    body = "".join(
        f"<url><loc>{escape(root + path)}</loc>"
        + (f"<lastmod>{day.isoformat()}</lastmod>" if day else "")
        + "</url>\n"
        for path, day in entries
    )
    xml = _xml(f"{XML_HEAD}<urlset {NS}>\n{body}</urlset>\n")
    return depends_on(xml, *depends)


def _section_number(section):
    prefix, _, number = section.partition("-")
    if prefix != "answers" or not number.isdigit() or int(number) < 1:
        raise Http404("No such sitemap section.")
    return int(number)


def _page_paths():
    yield reverse("articles:home")
    yield reverse("topics:topic_list")
    yield reverse("topics:type_list")
    for topic in Topic.objects.filter(published_count__gt=0):
        yield topic.get_absolute_url()
    for qtype in QuestionType.objects.filter(published_count__gt=0):
        yield qtype.get_absolute_url()
    pairs = TopicTypeCount.objects.filter(published_count__gt=0).select_related(
        "topic", "question_type"
    )
    for pair in pairs.order_by("topic__position", "question_type__position", "pk"):
        yield reverse(
            "topics:topic_type", args=[pair.topic.slug, pair.question_type.slug]
        )


def _xml(text):
    return HttpResponse(text, content_type="application/xml; charset=utf-8")
