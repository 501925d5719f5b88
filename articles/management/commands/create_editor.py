import getpass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create a staff account in the Editors group (or add an existing user "
        "to it). Editors manage answers, topics, question types and tags, and "
        "nothing else. The password is asked for, never passed on the command line."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        group = Group.objects.filter(name="Editors").first()
        if group is None:
            raise CommandError("The Editors group is missing: run `migrate` first.")
        user = User.objects.filter(username=username).first()
        password = None if user else self._ask_password(User(username=username))
        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(username, email, password)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(f"{username} is an editor. Log in at /admin/.")
        )

    def _ask_password(self, user):
        for _ in range(3):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords do not match.")
                continue
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                self.stderr.write(" ".join(exc.messages))
                continue
            return password
        raise CommandError("No valid password given; nothing was created.")
