"""Browse pages. topics never imports articles: answers are read through the
reverse relation (`topic.articles`), whose manager is articles' own queryset,
so `.for_listing()` still applies the one published rule.

Counts are the stored `published_count`s (kept current by articles), so no
page aggregates answers. Each page names what it shows in
`page_dependencies`, which articles' page cache uses to keep it fresh.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.views.generic import ListView

from whatanswers.web.paging import page_links

from .models import QuestionType, Topic, TopicTypeCount


class PublicPageMixin:
    def page_dependencies(self):
        return ("site",)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response.page_dependencies = self.page_dependencies()
        return response


class TopicListView(PublicPageMixin, ListView):
    template_name = "topics/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        return Topic.objects.annotate(answer_count=F("published_count"))


class QuestionTypeListView(PublicPageMixin, ListView):
    template_name = "topics/questiontype_list.html"
    context_object_name = "question_types"

    def get_queryset(self):
        return QuestionType.objects.annotate(answer_count=F("published_count"))


class StoredCountPaginator(Paginator):
    """A paginator that takes the stored count instead of counting, and reads
    a page's ids from the listing index before loading just those rows, so a
    deep page costs about what the first one does."""

    def __init__(self, object_list, per_page, known_count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self):
        return self.known_count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(
            self.object_list.values_list("pk", flat=True)[
                bottom : bottom + self.per_page
            ]
        )
        rows = list(self.object_list.filter(pk__in=ids))
        return self._get_page(rows, number, self)


class AnswerListView(PublicPageMixin, ListView):
    """A paginated list of published answers, newest first."""

    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_paginator(self, queryset, per_page, **kwargs):
        return StoredCountPaginator(queryset, per_page, self.answer_count(), **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(page_links(self.request, context["page_obj"]))
        return context


class TopicDetailView(AnswerListView):
    template_name = "topics/topic_detail.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return self.topic.articles.cards()

    def answer_count(self):
        return self.topic.published_count

    def page_dependencies(self):
        return ("site", f"topic:{self.topic.pk}")

    def get_context_data(self, **kwargs):
        counts = (
            TopicTypeCount.objects.filter(topic=self.topic, published_count__gt=0)
            .select_related("question_type")
            .order_by("question_type__position", "question_type__name")
        )
        types = []
        for row in counts:
            row.question_type.answer_count = row.published_count
            types.append(row.question_type)
        return super().get_context_data(topic=self.topic, types=types, **kwargs)


class QuestionTypeDetailView(AnswerListView):
    template_name = "topics/questiontype_detail.html"

    def get_queryset(self):
        self.question_type = get_object_or_404(QuestionType, slug=self.kwargs["slug"])
        return self.question_type.articles.cards()

    def answer_count(self):
        return self.question_type.published_count

    def page_dependencies(self):
        return ("site", f"type:{self.question_type.pk}")

    def get_context_data(self, **kwargs):
        return super().get_context_data(question_type=self.question_type, **kwargs)


class TopicTypeView(AnswerListView):
    template_name = "topics/topic_type.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["topic"])
        self.question_type = get_object_or_404(QuestionType, slug=self.kwargs["type"])
        return self.topic.articles.cards().filter(question_type=self.question_type)

    def answer_count(self):
        row = TopicTypeCount.objects.filter(
            topic=self.topic, question_type=self.question_type
        ).first()
        return row.published_count if row else 0

    def page_dependencies(self):
        return ("site", f"topic:{self.topic.pk}", f"type:{self.question_type.pk}")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            topic=self.topic, question_type=self.question_type, **kwargs
        )
