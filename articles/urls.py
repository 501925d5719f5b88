from django.urls import path

from . import preview, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("q/<slug:slug>/", views.article_detail, name="detail"),
    path("trending/", views.trending_page, name="trending"),
    path("search/", views.search, name="search"),
    path("preview/<str:token>/", preview.signed_preview, name="preview"),
]
