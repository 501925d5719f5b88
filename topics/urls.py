from django.urls import path

from . import views

app_name = "topics"

urlpatterns = [
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
    path(
        "topics/<slug:topic>/<slug:type>/",
        views.TopicTypeView.as_view(),
        name="topic_type",
    ),
    path("types/", views.QuestionTypeListView.as_view(), name="type_list"),
    path("types/<slug:slug>/", views.QuestionTypeDetailView.as_view(), name="type"),
]
