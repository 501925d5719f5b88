from django.urls import path

from articles.editorial import preview
from articles.pages import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("q/<slug:slug>/", views.article_detail, name="detail"),
    path("trending/", views.trending_page, name="trending"),
    path("search/", views.search, name="search"),
    path("share/<int:article_id>/<str:key>.png", views.share_image, name="share_image"),
    path("preview/<str:token>/", preview.signed_preview, name="preview"),
]
