"""The clerk's paper form: the record page's panel, the form's view, for clerks of the
record's unit only, only once returned and not yet rated."""

import pytest

from records import services
from satisfaction.models import Rating, Source
from satisfaction.questions import INDICATOR_FIELDS
from satisfaction.services import rate_record
from tests.helpers import receive
from tests.satisfaction.builders import answers, returned_record

pytestmark = pytest.mark.django_db


def paper_url(record):
    return f"/satisfaction/records/{record.code}/paper/"


def test_the_record_page_offers_the_paper_form_to_the_unit_clerk(client, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    client.force_login(clerk_a)
    page = client.get(f"/records/{record.code}/").content.decode()
    assert 'data-testid="satisfaction-panel"' in page and 'data-rated="false"' in page
    assert f'action="{paper_url(record)}"' in page
    for name in INDICATOR_FIELDS:
        assert f'name="{name}"' in page


def test_no_panel_before_the_result_is_returned(client, clerk_a, unit_a):
    record = services.record_process(record=receive(clerk_a, unit_a), actor=clerk_a)
    client.force_login(clerk_a)
    page = client.get(f"/records/{record.code}/").content.decode()
    assert "satisfaction-panel" not in page


def test_a_leader_sees_the_panel_without_the_form(client, clerk_a, leader_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    client.force_login(leader_a)
    page = client.get(f"/records/{record.code}/").content.decode()
    assert "satisfaction-panel" in page and "paper-form" not in page
    assert client.post(paper_url(record), answers()).status_code == 403


def test_the_clerk_records_a_paper_form(client, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    client.force_login(clerk_a)
    response = client.post(paper_url(record), {**answers(publicity=0), "comment": "Phiếu giấy"})
    assert response.status_code == 302 and response["Location"] == f"/records/{record.code}/"
    rating = Rating.objects.get(record=record)
    assert (rating.source, rating.entered_by, rating.publicity) == (Source.PAPER, clerk_a, 0)
    assert rating.comment == "Phiếu giấy"
    page = client.get(f"/records/{record.code}/").content.decode()
    assert 'data-rated="true"' in page and clerk_a.display_name in page
    assert "paper-form" not in page
    api = client.get(f"/api/v1/records/{record.code}/").json()
    assert api["extras"]["satisfaction"]["source"] == "paper"


def test_invalid_answers_are_a_400_with_field_messages(client, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    client.force_login(clerk_a)
    data = answers(total_time=7)
    del data["overall"]
    response = client.post(paper_url(record), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="rating-error-total_time"' in page
    assert 'data-testid="rating-error-overall"' in page
    assert not Rating.objects.exists()


def test_a_rated_record_is_refused_with_409(client, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    rate_record(record=record, answers=answers())
    client.force_login(clerk_a)
    response = client.post(paper_url(record), answers())
    assert response.status_code == 409
    assert 'data-testid="rating-conflict"' in response.content.decode()
    assert Rating.objects.get(record=record).source == Source.ONLINE


def test_not_returned_is_refused_with_409(client, clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    client.force_login(clerk_a)
    assert client.post(paper_url(record), answers()).status_code == 409
    assert not Rating.objects.exists()


def test_a_clerk_of_another_unit_gets_404(client, clerk_a, clerk_b, unit_a):
    record = returned_record(clerk_a, unit_a)
    client.force_login(clerk_b)
    assert client.post(paper_url(record), answers()).status_code == 404
    assert client.get(paper_url(record)).status_code == 404
    assert not Rating.objects.exists()


def test_anonymous_is_sent_to_the_login(client, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    response = client.post(paper_url(record), answers())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
