"""The integration account (the national portal's connector): it obtains a token, but every
records, statistics, points and reference API and every page refuses it (403); only its inbound
endpoint accepts it (tests/dvcqg)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role, User
from tests.helpers import PASSWORD, make_user, receive

pytestmark = pytest.mark.django_db

API_GETS = [
    "/api/v1/records/",
    "/api/v1/records/{code}/",
    "/api/v1/stats/daily/?date_from=2025-07-01&date_to=2025-07-11",
    "/api/v1/reports/period/?date_from=2025-07-01&date_to=2025-07-11",
    "/api/v1/online-assistance/",
    "/api/v1/agent-points/",
    "/api/v1/communes/",
    "/api/v1/procedures/",
]
API_POSTS = [
    ("/api/v1/records/", {}),
    ("/api/v1/records/postal/", {}),
    ("/api/v1/records/{code}/process/", {}),
    ("/api/v1/online-assistance/", {}),
]
PAGES = [
    "/",
    "/records/",
    "/records/{code}/",
    "/records/new/",
    "/records/export.csv",
    "/dashboard/",
    "/post/intake/",
    "/post/records/{code}/",
    "/directory/",
]


@pytest.fixture
def token_client(integration):
    client = APIClient()
    response = client.post(
        reverse("api-token"), {"username": integration.username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


@pytest.fixture
def record(clerk_a, unit_a):
    return receive(clerk_a, unit_a)


@pytest.mark.parametrize("url", API_GETS)
def test_integration_token_reads_no_api(token_client, record, url):
    response = token_client.get(url.format(code=record.code))
    assert response.status_code == 403, (url, response.content)


@pytest.mark.parametrize(("url", "body"), API_POSTS)
def test_integration_token_writes_no_api(token_client, record, url, body):
    version_before = record.version
    response = token_client.post(url.format(code=record.code), body, format="json")
    assert response.status_code == 403, (url, response.content)
    record.refresh_from_db()
    assert record.version == version_before


@pytest.mark.parametrize("url", PAGES)
def test_integration_account_opens_no_page(client, integration, record, url):
    client.force_login(integration)
    response = client.get(url.format(code=record.code))
    assert response.status_code == 403, url


def test_integration_account_cannot_sign_in_to_the_pages(client, integration):
    response = client.post(
        reverse("accounts:login"), {"username": integration.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_same_urls_still_serve_a_clerk(client, clerk_a, record):
    client.force_login(clerk_a)
    for url in ("/", "/records/", f"/records/{record.code}/"):
        assert client.get(url).status_code == 200, url


def test_integration_account_belongs_to_no_unit(unit_a, point_a):
    for extra in ({"commune": unit_a}, {"agent_point": point_a}):
        user = User(username="bad", role=Role.INTEGRATION, **extra)
        user.set_password(PASSWORD)
        with pytest.raises(ValidationError):
            user.full_clean(exclude=["password"])


def test_only_integration_accounts_have_delivery_units(unit_a, clerk_a):
    clerk_a.delivery_units.set([unit_a])
    with pytest.raises(ValidationError) as caught:
        clerk_a.full_clean(exclude=["password"])
    assert "delivery_units" in caught.value.message_dict
    connector = make_user("connector", Role.INTEGRATION)
    connector.delivery_units.set([unit_a])
    connector.full_clean(exclude=["password"])
