from django.contrib import admin

from .models import QuestionType, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(QuestionType)
class QuestionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "extra_prefixes", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "prefix", "extra_prefixes", "description"]
    prepopulated_fields = {"slug": ["name"]}
