"""Records API: filters, errors, lifecycle through HTTP, tokens, throttling, query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from records import services
from records.models import Record, RecordEvent
from tests.helpers import APPLICANT, PASSWORD, local, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(clerk_a):
    client = APIClient()
    client.force_authenticate(clerk_a)
    return client


@pytest.fixture
def records(clerk_a, unit_a, unit_b, point_a):
    """A small varied set in unit A (plus one handled by B)."""
    in_person = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 8, 0))
    online = receive(
        clerk_a,
        unit_a,
        channel=2,
        procedure="ho-tich-khai-tu",
        received_at=local(2025, 7, 2, 9, 0),
        applicant={**APPLICANT, "applicant_name": "Trần Thị Bình"},
    )
    postal = receive(
        clerk_a, unit_a, channel=3, agent_point=point_a, received_at=local(2025, 7, 3, 10, 0)
    )
    services.record_resolve(record=online, actor=clerk_a, at=local(2025, 7, 2, 10, 0))
    handled_by_b = receive(clerk_a, unit_a, handling_unit=unit_b)
    return {"in_person": in_person, "online": online, "postal": postal, "b": handled_by_b}


def codes(response):
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def test_filter_commune(api, records):
    assert codes(api.get("/api/v1/records/?commune=19942")) == {records["b"].code}
    assert len(codes(api.get("/api/v1/records/?commune=19753"))) == 4


def test_filter_status_multiple(api, records):
    assert codes(api.get("/api/v1/records/?status=9")) == {records["online"].code}
    both = api.get("/api/v1/records/?status=9&status=2&commune=19753").json()
    assert {row["code"] for row in both["results"]} == {r.code for r in records.values()}
    assert both["count"] == len(both["results"]) == len(records)  # no row twice


def test_status_and_channel_labels_follow_the_language(api, records):
    row = api.get("/api/v1/records/?status=2").json()["results"][0]
    assert (row["status"], row["status_label"], row["channel_label"]) == (
        2,
        "đã tiếp nhận",
        "trực tiếp",
    )
    english = api.get("/api/v1/records/?status=2", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (english["results"][0]["status_label"], english["results"][0]["channel_label"]) == (
        "received",
        "in person",
    )


def test_filter_channel_procedure_agent_point_outcome(api, records):
    assert codes(api.get("/api/v1/records/?channel=2")) == {records["online"].code}
    assert codes(api.get("/api/v1/records/?procedure=ho-tich-khai-tu")) == {records["online"].code}
    point = records["postal"].agent_point.code
    assert codes(api.get(f"/api/v1/records/?agent_point={point}")) == {records["postal"].code}
    assert codes(api.get("/api/v1/records/?outcome=on_time")) == {records["online"].code}


def test_filter_received_dates_are_local_days(api, records):
    day = codes(api.get("/api/v1/records/?received_from=2025-07-02&received_to=2025-07-02"))
    assert day == {records["online"].code}
    assert codes(api.get("/api/v1/records/?received_to=2025-07-01")) == {records["in_person"].code}


def test_filter_overdue(api, records):
    overdue = codes(api.get("/api/v1/records/?overdue=true"))
    assert overdue == {records["in_person"].code, records["postal"].code}
    assert codes(api.get("/api/v1/records/?overdue=false")) == {
        records["online"].code,
        records["b"].code,
    }


def test_filter_search_ignores_diacritics_and_matches_codes(api, records):
    assert codes(api.get("/api/v1/records/?search=tran thi binh")) == {records["online"].code}
    assert codes(api.get("/api/v1/records/?search=TRẦN")) == {records["online"].code}
    assert len(codes(api.get("/api/v1/records/?search=nguyen van an"))) == 3
    code = records["postal"].code
    # The day and number part (a shorter tail such as "3-0001" also matches a record of
    # today when today's date ends in 3).
    assert codes(api.get(f"/api/v1/records/?search={code[-11:]}")) == {code}


def test_ordering_and_pagination(api, records):
    response = api.get("/api/v1/records/?ordering=received_at&page_size=2")
    body = response.json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    assert body["results"][0]["code"] == records["in_person"].code


def test_bad_filter_values_are_400_with_field_messages(api, records):
    response = api.get(
        "/api/v1/records/?status=99&received_from=yesterday&overdue=maybe",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"status", "received_from", "overdue"}


@pytest.mark.parametrize("rows", [1, 12])
def test_list_query_count_does_not_grow(
    api, clerk_a, unit_a, point_a, rows, django_assert_num_queries
):
    for _ in range(rows):
        receive(clerk_a, unit_a, agent_point=point_a)
    # session/auth are forced: 1 count + 1 page of records with their related rows
    with django_assert_num_queries(2):
        response = api.get("/api/v1/records/")
    assert response.json()["count"] == rows


@pytest.mark.parametrize(
    ("path", "expected"),
    # the procedures: a third query brings every listed procedure's required components
    [("/api/v1/communes/", 2), ("/api/v1/agent-points/", 2), ("/api/v1/procedures/", 3)],
)
def test_reference_lists_query_count(reference_data, path, expected, django_assert_num_queries):
    with django_assert_num_queries(expected):
        assert APIClient().get(path).status_code == 200


def test_reference_filters(reference_data):
    client = APIClient()
    assert client.get("/api/v1/communes/?kind=ward").json()["count"] == 21
    assert [
        u["code"] for u in client.get("/api/v1/communes/?search=phu xuan").json()["results"]
    ] == ["19753"]
    points = client.get("/api/v1/agent-points/?commune=19753&page_size=200").json()
    assert points["count"] == 7 and {p["commune"] for p in points["results"]} == {"19753"}
    assert client.get("/api/v1/agent-points/?kind=online_support_point").json()["count"] == 33
    assert client.get("/api/v1/procedures/?time_unit=same_day").json()["count"] == 7
    found = client.get("/api/v1/procedures/?search=khai sinh").json()["results"]
    assert {p["key"] for p in found} >= {"ho-tich-khai-sinh"}
    assert client.get("/api/v1/communes/19753/").json()["agent_point_count"] == 7


def test_journey_over_http(api, unit_a):
    created = api.post(
        "/api/v1/records/",
        {
            "procedure": "ho-tich-khai-sinh-da-co-giay-to",
            "channel": 1,
            "applicant_name": "Hoàng Văn Em",
            "applicant_id_number": "046090004321",
            "applicant_phone": "+84 905 111 222",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    record = created.json()
    code = record["code"]
    assert code.startswith("H57.19753-")
    assert record["status"] == 2 and record["applicant_phone"] == "090*****22"
    assert record["allowed_actions"] == [
        "process",
        "request-supplement",
        "request-payment",
        "resolve",
        "withdraw",
        "stop",
        "extend",
        "transfer",
        "reassign",  # the chain of officers (no approval needed for this procedure)
    ]
    steps = [
        ("process", {}),
        ("request-supplement", {"reason": "Thiếu tờ khai"}),
        ("supplement", {"note": "Đã bổ sung"}),
        ("resolve", {"e_result": True}),
        ("return", {"method": "post"}),
    ]
    for path, body in steps:
        response = api.post(f"/api/v1/records/{code}/{path}/", body, format="json")
        assert response.status_code == 200, (path, response.content)
    final = api.get(f"/api/v1/records/{code}/").json()
    assert (final["status"], final["return_method"], final["e_result"]) == (10, "post", True)
    history = api.get(f"/api/v1/records/{code}/history/").json()
    assert [e["action"] for e in history] == [
        "receive",
        "process",
        "request_supplement",
        "supplement",
        "resolve",
        "return",
    ]
    assert history[2]["note"] == "Thiếu tờ khai"


def test_wrong_status_is_409_and_changes_nothing(api, clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    response = api.post(
        f"/api/v1/records/{record.code}/return/",
        {"method": "counter"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "“return the result” is not allowed while the record is received."
    }
    assert RecordEvent.objects.filter(record=record).count() == 1


def test_stale_version_is_409(api, clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    ok = api.post(f"/api/v1/records/{record.code}/process/", {"version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api.post(f"/api/v1/records/{record.code}/resolve/", {"version": 1}, format="json")
    assert stale.status_code == 409
    assert Record.objects.get(pk=record.pk).status == 4


def test_bad_input_is_400_with_field_messages(api, clerk_a, unit_a):
    count = Record.objects.count()
    response = api.post(
        "/api/v1/records/",
        {
            "procedure": "khong-ton-tai",
            "channel": 1,
            "applicant_name": "",
            "applicant_id_number": "12345",
            "received_at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {
        "procedure": ["Unknown or inactive procedure."],
        "applicant_name": ["Enter the applicant's full name."],
        "applicant_id_number": ["The personal ID number must have exactly 12 digits."],
        "received_at": ["The time cannot be in the future."],
    }
    assert Record.objects.count() == count
    record = receive(clerk_a, unit_a)
    for path, body, field in [
        ("extend", {"new_due_date": "2020-01-01", "reason": "x"}, "new_due_date"),
        ("extend", {"new_due_date": "not a date", "reason": "x"}, "new_due_date"),
        ("stop", {"reason": ""}, "reason"),
        ("return", {"method": "pigeon"}, "method"),
        ("request-payment", {"amount": -5}, "amount"),
        ("process", {"at": "2020-13-45"}, "at"),
    ]:
        response = api.post(f"/api/v1/records/{record.code}/{path}/", body, format="json")
        assert response.status_code in (400, 409), (path, response.content)
        if response.status_code == 400:
            assert field in response.json(), (path, response.json())
    assert Record.objects.get(pk=record.pk).version == 1


def test_errors_in_vietnamese_by_default(api, clerk_a, unit_a):
    response = api.post(
        "/api/v1/records/", {"procedure": "x", "channel": 1, "applicant_name": "A"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["procedure"] == ["Thủ tục không tồn tại hoặc đã ngừng áp dụng."]


def test_limited_update(api, clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    response = api.patch(
        f"/api/v1/records/{record.code}/",
        {"applicant_phone": "0935 000 111", "note": "Gọi trước khi trả"},
        format="json",
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert (record.applicant_phone, record.note, record.version) == (
        "0935000111",
        "Gọi trước khi trả",
        2,
    )
    event = record.events.latest("id")
    assert (event.action, event.data) == ("update", {"fields": ["applicant_phone", "note"]})
    # fields outside the limited set are ignored by the serializer, bad values refused
    bad = api.patch(f"/api/v1/records/{record.code}/", {"applicant_phone": "12"}, format="json")
    assert bad.status_code == 400 and "applicant_phone" in bad.json()
    api.patch(f"/api/v1/records/{record.code}/", {"status": 10, "code": "X"}, format="json")
    record.refresh_from_db()
    assert (record.status, record.code[:4]) == (2, "H57.")
    assert api.put(f"/api/v1/records/{record.code}/", {}, format="json").status_code == 405


def test_token_auth(clerk_a):
    client = APIClient()
    bad = client.post(
        "/api/v1/auth/token/", {"username": "clerk_a", "password": "x"}, format="json"
    )
    assert bad.status_code == 400
    good = client.post(
        "/api/v1/auth/token/", {"username": "clerk_a", "password": PASSWORD}, format="json"
    )
    token = good.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/records/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert client.get("/api/v1/records/").status_code == 401


def test_token_endpoint_is_throttled(clerk_a, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    client = APIClient()
    statuses = [
        client.post("/api/v1/auth/token/", {"username": "clerk_a", "password": "x"}).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_unknown_record_is_404_json(api, reference_data):
    response = api.get("/api/v1/records/H57.19753-250701-9999/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_schema_and_local_swagger_ui(client, reference_data):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/v1/records/",
        "/api/v1/records/{code}/",
        "/api/v1/records/{code}/history/",
        "/api/v1/records/{code}/request-supplement/",
        "/api/v1/records/{code}/return/",
        "/api/v1/auth/token/",
        "/api/v1/communes/{code}/",
    ]:
        assert path in paths, path
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower()


def test_unknown_api_path_is_json_404_and_pages_stay_html(client, reference_data):
    api = client.get("/api/v1/agent-points/%C2%84/")
    assert api.status_code == 404 and api.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "text/html" in page["Content-Type"]
