from django.contrib.auth.management import create_permissions
from django.db import migrations

# app label → model names whose add/change/delete/view permissions editors get.
EDITOR_MODELS = {
    "articles": ["article", "keyfact", "source"],
    "topics": ["topic", "questiontype"],
    "taggit": ["tag", "taggeditem"],
}
ACTIONS = ["add", "change", "delete", "view"]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after migrate finishes; create them now
    # so that the group can hold them on a fresh database.
    for label in EDITOR_MODELS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    codenames = [
        (label, f"{action}_{model}")
        for label, models in EDITOR_MODELS.items()
        for model in models
        for action in ACTIONS
    ]
    permissions = [
        Permission.objects.get(content_type__app_label=label, codename=codename)
        for label, codename in codenames
    ]
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("topics", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_editors_group, remove_editors_group),
    ]
