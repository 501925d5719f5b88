"""`manage.py create_editor|create_writer|create_moderator NAME`: a staff
account in one of the site's groups, with the least it needs."""

import getpass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class StaffAccountCommand(BaseCommand):
    """Create a staff account in `group` (or add an existing user to it).

    The password is asked for, never passed on the command line.
    """

    group = ""  # set by each command
    role = ""  # "an editor", said when done

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        group = Group.objects.filter(name=self.group).first()
        if group is None:
            raise CommandError(
                f"The {self.group} group is missing: run `migrate` first."
            )
        user = User.objects.filter(username=username).first()
        password = None if user else self._ask_password(User(username=username))
        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(username, email, password)
            elif email:
                user.email = email
            user.is_staff = True
            user.save()
            user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(f"{username} is {self.role}. Log in at /admin/.")
        )
        if not user.email:
            self.stdout.write(
                f"No email address: {username} will not get the site's emails "
                "(add one with --email)."
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
