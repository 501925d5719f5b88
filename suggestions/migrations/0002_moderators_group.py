from django.contrib.auth.management import create_permissions
from django.db import migrations

# Moderators triage suggestions; they may look at answers but never change them.
PERMISSIONS = {
    "suggestions": [
        "view_suggestion",
        "change_suggestion",
        "view_suggestionevent",
        "view_requester",
    ],
    "articles": ["view_article"],
}


def create_moderators_group(apps, schema_editor):
    # Permissions are normally created after migrate; the group needs them now.
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.set(
        Permission.objects.get(content_type__app_label=label, codename=codename)
        for label, codenames in PERMISSIONS.items()
        for codename in codenames
    )


def remove_moderators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0001_initial"),
        ("articles", "0002_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_moderators_group, remove_moderators_group),
    ]
