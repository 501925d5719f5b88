from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("q/<slug:slug>/", views.article_detail, name="detail"),
    path("trending/", views.trending_page, name="trending"),
    path("search/", views.search, name="search"),
]
