"""Browse pages. topics never imports articles: answers are read through the
reverse relation (`topic.articles`), whose manager is articles' own queryset,
so `.for_listing()` still applies the one published rule."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from .models import QuestionType, Topic


class TopicListView(ListView):
    template_name = "topics/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        return Topic.objects.with_counts()


class QuestionTypeListView(ListView):
    template_name = "topics/questiontype_list.html"
    context_object_name = "question_types"

    def get_queryset(self):
        return QuestionType.objects.with_counts()


class AnswerListView(ListView):
    """A paginated list of published answers, newest first."""

    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE


class TopicDetailView(AnswerListView):
    template_name = "topics/topic_detail.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return self.topic.articles.for_listing()

    def get_context_data(self, **kwargs):
        types = QuestionType.objects.with_answers(topic=self.topic)
        return super().get_context_data(topic=self.topic, types=types, **kwargs)


class QuestionTypeDetailView(AnswerListView):
    template_name = "topics/questiontype_detail.html"

    def get_queryset(self):
        self.question_type = get_object_or_404(QuestionType, slug=self.kwargs["slug"])
        return self.question_type.articles.for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(question_type=self.question_type, **kwargs)


class TopicTypeView(AnswerListView):
    template_name = "topics/topic_type.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["topic"])
        self.question_type = get_object_or_404(QuestionType, slug=self.kwargs["type"])
        return self.topic.articles.for_listing().filter(
            question_type=self.question_type
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            topic=self.topic, question_type=self.question_type, **kwargs
        )
