"""Brute-force protection: after repeated failed logins for one user, or from one address, the
login page and the API token endpoint refuse further attempts, even with the right password;
an admin sees the attempts and unlocks them."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.helpers import PASSWORD

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
LIMIT = 5  # settings.AXES_FAILURE_LIMIT (LOGIN_FAILURE_LIMIT)
ADDRESS_LIMIT = 20  # settings.LOGIN_ADDRESS_FAILURE_LIMIT


def login(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        response = login(client, username, "wrong-password", address)
        assert response.status_code == 200  # the form again, with its error
        assert not logged_in(client)


@pytest.mark.django_db
def test_a_user_is_locked_after_repeated_failures_even_with_the_right_password(client, clerk_a):
    fail(client, clerk_a.username, LIMIT - 1)
    # Below the limit the right password still works, and the failures are forgotten.
    assert login(client, clerk_a.username, PASSWORD).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.filter(username=clerk_a.username).exists()

    fail(client, clerk_a.username, LIMIT - 1)
    response = login(client, clerk_a.username, "wrong-password")
    assert response.status_code == 429
    response = login(client, clerk_a.username, PASSWORD, address="10.9.9.9")  # any address
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "Đăng nhập bị khóa" in page
    assert "15 phút" in page
    assert response["Retry-After"] == "900"
    assert PASSWORD not in page


@pytest.mark.django_db
def test_an_address_is_locked_after_failures_over_several_usernames(client, clerk_a, clerk_b):
    for n in range(ADDRESS_LIMIT - 1):
        assert login(client, f"guess{n}", "x", address="203.0.113.7").status_code == 200
    # An office behind one address: a few clerks' typos do not lock the others out.
    assert login(client, clerk_b.username, PASSWORD, address="203.0.113.7").status_code == 302
    client.logout()
    for n in range(ADDRESS_LIMIT):
        login(client, f"guess{n}", "x", address="203.0.113.7")
    assert login(client, clerk_a.username, PASSWORD, address="203.0.113.7").status_code == 429
    assert not logged_in(client)
    # The same clerk from another address is not affected.
    assert login(client, clerk_a.username, PASSWORD, address="10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_forwarded_for_header_is_ignored_without_trusted_proxies(client, clerk_a):
    """A client cannot dodge the per-address lock by inventing X-Forwarded-For values."""
    for n in range(ADDRESS_LIMIT):
        login(client, f"guess{n}", "x", address="203.0.113.8", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}")
    response = login(client, clerk_a.username, PASSWORD, address="203.0.113.8")
    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, clerk_a, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.1.1.1"
    for n in range(ADDRESS_LIMIT):
        login(client, f"guess{n}", "x", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.4")
    locked = login(
        client, clerk_a.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.4"
    )
    assert locked.status_code == 429
    other = login(
        client, clerk_a.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.5"
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_api_token_endpoint_locks_too_and_answers_in_the_api_error_format(client, clerk_a):
    for _ in range(LIMIT - 1):
        response = client.post(
            TOKEN, {"username": clerk_a.username, "password": "nope"}, REMOTE_ADDR="10.0.0.3"
        )
        assert response.status_code == 400
    response = client.post(
        TOKEN, {"username": clerk_a.username, "password": "nope"}, REMOTE_ADDR="10.0.0.3"
    )
    assert response.status_code == 429
    response = client.post(
        TOKEN, {"username": clerk_a.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.4"
    )
    assert response.status_code == 429
    assert "token" not in response.json()
    assert "15" in response.json()["detail"]
    # Failures counted by the API lock the login page as well: one lock per user.
    assert login(client, clerk_a.username, PASSWORD, address="10.0.0.5").status_code == 429


@pytest.mark.django_db
def test_admin_sees_the_lock_and_unlocks_it(client, clerk_a, admin_user):
    fail(client, clerk_a.username, LIMIT - 1)
    assert login(client, clerk_a.username, "wrong-password").status_code == 429
    assert login(client, clerk_a.username, PASSWORD).status_code == 429

    admin = type(client)()
    admin.force_login(admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin.get(changelist)
    assert page.status_code == 200
    assert clerk_a.username in page.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = admin.post(
        changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    assert login(client, clerk_a.username, PASSWORD).status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_city_office_cannot_unlock(client, city_office):
    client.force_login(city_office)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403
