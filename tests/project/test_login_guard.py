"""Admin sign-in is protected against guessing (issue 10, point 6)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def sign_in(client, username, password):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )


def test_five_failures_lock_the_account_out_with_a_message(editor, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = sign_in(client, "editor", "wrong")
        assert response.status_code == 200  # the form, with Django's error
    response = sign_in(client, "editor", "editor-pass-123")  # even the right one
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert response["Retry-After"] == str(settings.LOGIN_LOCKOUT_SECONDS)
    # From another address too: the account itself is locked for now.
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert sign_in(other, "editor", "editor-pass-123").status_code == 429


def test_one_address_guessing_many_names_is_locked_out(editor, settings):
    client = Client()
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, f"user{i}", "wrong")
    assert sign_in(client, "editor", "editor-pass-123").status_code == 429
    assert (
        sign_in(Client(REMOTE_ADDR="10.9.9.9"), "editor", "editor-pass-123").status_code
        == 302
    )


def test_a_success_clears_the_count_for_that_account(editor, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, "editor", "wrong")
    assert (
        sign_in(Client(REMOTE_ADDR="10.4.4.4"), "editor", "editor-pass-123").status_code
        == 302
    )
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(Client(REMOTE_ADDR="10.5.5.5"), "editor", "wrong")
    assert (
        sign_in(Client(REMOTE_ADDR="10.6.6.6"), "editor", "editor-pass-123").status_code
        == 302
    )


VARIANTS = ["editor ", " editor", "\teditor", "editor\t", "EDITOR", "Editor", "ｅditor"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_variant_of_a_locked_username_is_locked_too(editor, settings, variant):
    """The lockout checks the same normalised name that it counts, so a
    variant Django's form would clean into the same account gets no extra
    guesses, and no way in past the lock (issue 17, point 2)."""
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(Client(REMOTE_ADDR=f"10.7.0.{i + 1}"), "editor", "wrong")
    fresh = Client(REMOTE_ADDR="10.7.1.1")
    assert sign_in(fresh, variant, "wrong").status_code == 429
    assert sign_in(fresh, variant + " " * 40, "editor-pass-123").status_code == 429
    assert sign_in(fresh, "editor", "editor-pass-123").status_code == 429


def test_failures_under_variants_count_against_one_account(editor, settings):
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        variant = VARIANTS[i % len(VARIANTS)]
        response = sign_in(Client(REMOTE_ADDR=f"10.8.0.{i + 1}"), variant, "wrong")
        assert response.status_code == 200
    fresh = Client(REMOTE_ADDR="10.8.1.1")
    assert sign_in(fresh, "editor", "editor-pass-123").status_code == 429


def test_a_username_that_is_not_text_is_no_error(editor):
    response = Client().post("/admin/login/", {"username": ["a", "b"], "password": "x"})
    assert response.status_code == 200
