from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(monkeypatch):
    """Feed the password prompts."""

    def feed(*replies):
        replies = iter(replies)
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(replies))

    return feed


def test_creates_a_staff_editor_who_can_reach_the_admin(
    answers, client, django_user_model
):
    answers("a-Sturdy-passphrase-42", "a-Sturdy-passphrase-42")
    call_command("create_editor", "ed", "--email", "ed@example.com", stdout=StringIO())
    user = django_user_model.objects.get(username="ed")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert user.has_perm("articles.change_article")
    assert not user.has_perm("auth.change_user")
    assert client.login(username="ed", password="a-Sturdy-passphrase-42")
    assert client.get("/admin/articles/article/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


def test_weak_passwords_are_refused_and_nothing_is_created(answers, django_user_model):
    answers("123", "123", "password", "password", "a", "b")
    with pytest.raises(CommandError, match="nothing was created"):
        call_command("create_editor", "ed", stdout=StringIO(), stderr=StringIO())
    assert not django_user_model.objects.filter(username="ed").exists()


def test_an_existing_user_is_promoted_without_a_new_password(django_user_model):
    django_user_model.objects.create_user("reader", password="x")
    call_command("create_editor", "reader", stdout=StringIO())
    user = django_user_model.objects.get(username="reader")
    assert user.is_staff and user.groups.filter(name="Editors").exists()


@pytest.mark.parametrize(
    ("command", "group", "can", "cannot"),
    [
        (
            "create_moderator",
            "Moderators",
            "/admin/suggestions/suggestion/",
            "/admin/articles/article/add/",  # they see answers, never change them
        ),
        (
            "create_writer",
            "Writers",
            "/admin/articles/article/add/",
            "/admin/suggestions/suggestion/",
        ),
    ],
)
def test_moderators_and_writers_are_created_the_same_way(
    answers, client, django_user_model, command, group, can, cannot
):
    answers("a-Sturdy-passphrase-42", "a-Sturdy-passphrase-42")
    out = StringIO()
    call_command(command, "sam", "--email", "sam@example.com", stdout=out)
    assert "Log in at /admin/." in out.getvalue()
    user = django_user_model.objects.get(username="sam")
    assert user.is_staff and not user.is_superuser and user.email == "sam@example.com"
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert client.login(username="sam", password="a-Sturdy-passphrase-42")
    assert client.get(can).status_code == 200
    assert client.get(cannot).status_code == 403
