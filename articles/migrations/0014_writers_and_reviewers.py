from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import F
from django.db.models.functions import Now

# Writers draft and submit answers; they cannot publish (no publish_answer)
# and cannot delete answers (the trash is the editors').
WRITER_PERMISSIONS = {
    "articles": [
        "add_article", "change_article", "view_article",
        "add_keyfact", "change_keyfact", "delete_keyfact", "view_keyfact",
        "add_source", "change_source", "delete_source", "view_source",
    ],
    "topics": ["view_topic", "view_questiontype"],
    "taggit": ["view_tag"],
}  # fmt: skip


def forwards(apps, schema_editor):
    for label in WRITER_PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    writers, _ = Group.objects.get_or_create(name="Writers")
    writers.permissions.set(
        Permission.objects.get(content_type__app_label=label, codename=codename)
        for label, codenames in WRITER_PERMISSIONS.items()
        for codename in codenames
    )
    publish = Permission.objects.get(
        content_type__app_label="articles", codename="publish_answer"
    )
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(publish)
    # What is live already had its go-live effects (articles.publishing).
    apps.get_model("articles", "Article").objects.filter(
        status="published", published_at__lte=Now()
    ).update(announced_at=F("published_at"))


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Writers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_publishing_workflow"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("topics", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
