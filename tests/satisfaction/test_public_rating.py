"""The citizen's rating page under the status link: the form once the result is returned, saved
once, 400 with field messages on bad answers, CSRF-protected, no personal data, and the
status page's invitation ("rate" or "thank you")."""

import pytest
from django.test import Client

from records.public import status_path, status_token
from satisfaction.models import Rating, Source
from satisfaction.services import rate_record
from tests.helpers import APPLICANT, receive
from tests.satisfaction.builders import answers, returned_record

pytestmark = pytest.mark.django_db

PERSONAL = [
    APPLICANT["applicant_name"],
    APPLICANT["applicant_id_number"],
    "0912345678",
    APPLICANT["applicant_address"],
]


def rate_url(record):
    return f"/tra-cuu/s/{status_token(record)}/danh-gia/"


def assert_no_personal_data(body: str):
    for value in PERSONAL:
        assert value not in body


def test_the_status_page_invites_to_rate_a_returned_record(client, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    page = client.get(status_path(record)).content.decode()
    assert 'data-testid="rating-link"' in page
    link = page.split('data-testid="rating-link"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert link.startswith("/tra-cuu/s/") and link.endswith("/danh-gia/")
    assert client.get(link).status_code == 200


def test_the_lookup_by_code_and_id_also_invites(client, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    response = client.post(
        "/tra-cuu/", {"code": record.code, "id_number": APPLICANT["applicant_id_number"]}
    )
    assert response.status_code == 200
    assert 'data-testid="rating-link"' in response.content.decode()


def test_no_invitation_before_the_result_is_returned(client, clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    assert "rating-invitation" not in client.get(status_path(record)).content.decode()
    response = client.get(rate_url(record))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="rating-not-yet"' in page and "rating-form" not in page
    assert client.post(rate_url(record), answers()).status_code == 409
    assert not Rating.objects.exists()


def test_the_citizen_rates_once(client, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    url = rate_url(record)
    form = client.get(url)
    assert form.status_code == 200
    body = form.content.decode()
    assert 'data-testid="rating-form"' in body and record.code in body
    assert_no_personal_data(body)
    response = client.post(url, {**answers(convenience=1), "comment": "Nhanh, chu đáo"})
    assert response.status_code == 302 and response["Location"] == f"{url}?ok=1"
    rating = Rating.objects.get(record=record)
    assert (rating.source, rating.entered_by, rating.convenience) == (Source.ONLINE, None, 1)
    thanks = client.get(response["Location"]).content.decode()
    assert 'data-testid="rating-done"' in thanks and "rating-form" not in thanks
    again = client.post(url, answers(overall=0))
    assert again.status_code == 409
    assert 'data-testid="rating-conflict"' in again.content.decode()
    assert Rating.objects.get(record=record).overall == 2
    status = client.get(status_path(record)).content.decode()
    assert 'data-rated="true"' in status and "rating-link" not in status


def test_a_paper_form_closes_the_online_rating(client, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    rate_record(record=record, answers=answers(), source=Source.PAPER, entered_by=clerk_a)
    page = client.get(rate_url(record)).content.decode()
    assert 'data-testid="rating-done"' in page and "rating-form" not in page
    assert client.post(rate_url(record), answers()).status_code == 409


def test_bad_answers_are_a_400_with_field_messages(client, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    data = {**answers(agencies="9"), "comment": "x" * 1001}
    del data["one_stop"]
    response = client.post(rate_url(record), data)
    assert response.status_code == 400
    page = response.content.decode()
    for field in ("agencies", "one_stop", "comment"):
        assert f'data-testid="rating-error-{field}"' in page
    assert_no_personal_data(page)
    assert not Rating.objects.exists()


def test_an_altered_token_is_a_404(client, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    url = rate_url(record).replace("/danh-gia/", "x/danh-gia/")
    assert client.get(url).status_code == 404
    assert client.post(url, answers()).status_code == 404


def test_the_form_needs_its_csrf_token(clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(rate_url(record), answers()).status_code == 403
    page = strict.get(rate_url(record)).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = strict.post(rate_url(record), {**answers(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Rating.objects.filter(record=record).exists()
