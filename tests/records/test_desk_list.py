"""Issue 14, the record list: searches by ID/phone/partial code, sort labels, drill-down
filters kept by the form, the city office's unit column and read-only record page."""

import html
import logging
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from records.models import PersonalDataAccess
from records.services import postal_receive
from tests.helpers import APPLICANT, local, receive

pytestmark = pytest.mark.django_db

OTHER = {
    "applicant_name": "Trần Thị Bình",
    "applicant_id_number": "046195004321",
    "applicant_old_id_number": "191234567",
    "applicant_phone": "0905 111 222",
    "applicant_address": "3 Đinh Tiên Hoàng, phường Phú Xuân",
}


@pytest.fixture
def citizens(clerk_a, unit_a):
    an = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 9, 0))
    an_again = receive(clerk_a, unit_a, received_at=local(2025, 7, 2, 9, 0))
    binh = receive(clerk_a, unit_a, received_at=local(2025, 7, 3, 9, 0), applicant=OTHER)
    return {"an": [an_again, an], "binh": binh}


def listed(client, **params):
    response = client.get(reverse("records:list"), params)
    assert response.status_code == 200, response.content
    return [row[0].code for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("search", "who"),
    [
        ("046095001234", "an"),
        (" 046 095 001 234 ", "an"),
        ("0912345678", "an"),
        ("+84 912 345 678", "an"),
        ("0905111222", "binh"),
        ("191234567", "binh"),
    ],
)
def test_list_search_by_identifier_is_an_exact_logged_match(
    client, clerk_a, citizens, search, who, caplog
):
    client.force_login(clerk_a)
    expected = citizens[who] if who == "an" else [citizens[who]]
    with caplog.at_level(logging.DEBUG):
        codes = listed(client, search=search)
    assert codes == [record.code for record in expected]
    accesses = PersonalDataAccess.objects.order_by("record_id")
    assert [(a.user, a.record_id, a.via) for a in accesses] == [
        (clerk_a, record.pk, "web") for record in sorted(expected, key=lambda r: r.pk)
    ]
    compact = search.replace(" ", "").replace("+84", "0")
    assert compact not in caplog.text and search.strip() not in caplog.text


def test_list_search_by_part_of_an_identifier_finds_nothing(client, clerk_a, citizens):
    client.force_login(clerk_a)
    assert listed(client, search="04609500123") == []
    assert not PersonalDataAccess.objects.exists()


def test_list_search_by_identifier_of_another_unit_finds_nothing(client, clerk_b, citizens):
    client.force_login(clerk_b)
    assert listed(client, search="046095001234") == []
    assert listed(client, search="0912345678") == []
    assert not PersonalDataAccess.objects.exists()


def test_city_office_search_by_identifier_finds_nothing(client, city_office, citizens):
    client.force_login(city_office)
    assert listed(client, search="046095001234") == []
    assert not PersonalDataAccess.objects.exists()


def test_api_search_by_identifier_is_logged_as_api(clerk_a, citizens):
    api = APIClient()
    api.force_authenticate(clerk_a)
    response = api.get("/api/v1/records/", {"search": "0912 345 678"})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == [
        record.code for record in citizens["an"]
    ]
    assert sorted(PersonalDataAccess.objects.values_list("record_id", "via")) == sorted(
        (record.pk, "api") for record in citizens["an"]
    )


def test_post_staff_search_matches_part_of_a_code_at_their_point(
    client, post_staff_a, clerk_a, unit_a, citizens
):
    first = postal_receive(actor=post_staff_a, procedure="ho-tich-khai-tu", applicant=APPLICANT)
    second = postal_receive(actor=post_staff_a, procedure="ho-tich-khai-tu", applicant=OTHER)
    client.force_login(post_staff_a)
    suffix = second.code.rsplit("-", 1)[1]  # the day's number, e.g. "0002"
    found = client.get(reverse("home"), {"code": suffix})
    assert (found.status_code, found["Location"]) == (
        302,
        reverse("post:record", args=[second.code]),
    )
    both = client.get(reverse("home"), {"code": second.code.rsplit("-", 1)[0]})
    assert both.status_code == 200
    assert [record.code for record in both.context["found"]] == [second.code, first.code]
    # records of the unit not linked to the point stay out of reach, even by their full code
    desk_record = citizens["binh"]
    missing = client.get(reverse("home"), {"code": desk_record.code})
    assert (missing.status_code, missing.context["found"]) == (200, [])


SORT_LABELS = {
    "vi": [
        "Thời điểm tiếp nhận",
        "Thời điểm tiếp nhận (giảm dần)",
        "Ngày hẹn trả",
        "Ngày hẹn trả (giảm dần)",
        "Mã hồ sơ",
        "Mã hồ sơ (giảm dần)",
        "Trạng thái",
        "Trạng thái (giảm dần)",
    ],
    "en": [
        "Received at",
        "Received at (descending)",
        "Appointment date",
        "Appointment date (descending)",
        "Record code",
        "Record code (descending)",
        "Status",
        "Status (descending)",
    ],
}


def sort_options(page: str) -> list[str]:
    select = page.split('name="ordering"', 1)[1].split("</select>", 1)[0]
    return [
        html.unescape(option.split(">", 1)[1].split("<", 1)[0])
        for option in select.split("<option")[1:]
        if 'value=""' not in option
    ]


def test_sort_labels_follow_the_language_of_each_request(client, clerk_a):
    client.force_login(clerk_a)
    for language in ["vi", "en", "vi", "en"]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(reverse("records:list")).content.decode()
        assert sort_options(page) == SORT_LABELS[language], language


class FormFields(HTMLParser):
    """What a browser submits for the filter form: its controls with their current values."""

    def __init__(self):
        super().__init__()
        self.inside, self.select, self.fields = False, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "filters" in (attrs.get("class") or ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self.select = attrs
            self.chosen = []
        elif tag == "option" and self.select is not None and "selected" in attrs:
            self.chosen.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            if not self.chosen and "multiple" not in self.select:
                self.chosen = [""]  # a single select sends its first option
            self.fields += [(self.select["name"], value) for value in self.chosen]
            self.select = None


def press_filter(client, response):
    """Submit the list's filter form as a browser would (the "Lọc" button)."""
    parser = FormFields()
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return client.get(reverse("records:list"), data)


@pytest.fixture
def drill_down(clerk_a, clerk_b, unit_a, unit_b, point_a):
    """Records on both sides of each filter the dashboard's links use."""
    from records import services

    early = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 9, 0))
    late = receive(clerk_a, unit_a, received_at=local(2025, 7, 10, 9, 0), digitised=True)
    online = receive(clerk_a, unit_a, channel=2, received_at=local(2025, 7, 2, 9, 0))
    services.record_resolve(record=online, actor=clerk_a, at=local(2025, 7, 3, 9, 0))
    returned = receive(clerk_a, unit_a, received_at=local(2025, 7, 2, 10, 0))
    returned = services.record_resolve(record=returned, actor=clerk_a, at=local(2025, 7, 3, 10))
    services.record_return(
        record=returned, actor=clerk_a, method="post", at=local(2025, 7, 4, 10, 0)
    )
    elsewhere = receive(clerk_b, unit_b, received_at=local(2025, 7, 1, 9, 30))
    handled_by_b = receive(clerk_a, unit_a, handling_unit=unit_b, received_at=local(2025, 7, 1))
    return {
        "early": early,
        "late": late,
        "online": online,
        "returned": returned,
        "elsewhere": elsewhere,
        "handled_by_b": handled_by_b,
    }


DRILL_DOWNS = [
    {"overdue_on": "2025-07-11"},
    {"received_from": "2025-07-01", "received_to": "2025-07-02"},
    {"finished": "true", "finished_from": "2025-07-03", "finished_to": "2025-07-03"},
    {"returned_from": "2025-07-04", "returned_to": "2025-07-04", "return_method": "post"},
    {"digitised": "true", "received_from": "2025-07-01", "received_to": "2025-07-11"},
    {"receiving_unit": "19753", "channel": "2", "received_from": "2025-07-01"},
    {"handling_unit": ["19753", "19942"], "received_to": "2025-07-01"},
    {"status": "2", "open": "true", "due_from": "2025-07-01", "due_to": "2025-07-31"},
    {"overdue": "true", "ordering": "due_date"},
]


@pytest.mark.parametrize("query", DRILL_DOWNS, ids=lambda q: "+".join(q))
def test_drill_down_filters_show_and_survive_the_filter_button(
    client, city_office, drill_down, query
):
    client.force_login(city_office)
    first = client.get(reverse("records:list"), query)
    assert first.status_code == 200
    expected = [row[0].code for row in first.context["rows"]]
    total = first.context["page"].paginator.count
    assert 0 < total < 7  # each drill-down narrows the 7 records
    shown = {chip["filter"].name for chip in first.context["chips"]}
    assert shown == set(query) - {"ordering"}
    again = press_filter(client, first)
    assert again.context["page"].paginator.count == total
    assert [row[0].code for row in again.context["rows"]] == expected
    assert {chip["filter"].name for chip in again.context["chips"]} == shown


def test_drill_down_chips_read_as_values_and_remove_one_filter(client, city_office, drill_down):
    client.force_login(city_office)
    response = client.get(
        reverse("records:list"),
        {"overdue_on": "2025-07-11", "handling_unit": ["19753", "19942"], "status": "2"},
    )
    chips = [(c["filter"].label, c["filter"].shown, c["remove"]) for c in response.context["chips"]]
    assert chips == [
        (
            "Trạng thái",
            "đã tiếp nhận",
            "overdue_on=2025-07-11&handling_unit=19753&handling_unit=19942",
        ),
        (
            "Đơn vị giải quyết",
            "Phường Phú Xuân, Xã Phú Vang",
            "overdue_on=2025-07-11&status=2",
        ),
        (
            "Quá hạn vào cuối ngày (theo ngày hẹn hiện hành)",
            "11/07/2025",
            "handling_unit=19753&handling_unit=19942&status=2",
        ),
    ]
    page = response.content.decode()
    assert 'href="/records/"' in page  # clear filters


def test_city_office_list_has_unit_column_and_links(client, city_office, drill_down):
    client.force_login(city_office)
    response = client.get(reverse("records:list"), {"received_to": "2025-07-01"})
    page = response.content.decode()
    assert '<th scope="col">Đơn vị</th>' in page
    assert "Xã Phú Vang" in page and "Nguyễn Văn An" not in page
    for code in [drill_down["early"].code, drill_down["elsewhere"].code]:
        assert reverse("records:detail", args=[code]) in page
    assert response.context["request"].resolver_match  # the page rendered
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "Hồ sơ · Thành phố Huế"


def test_list_title_names_the_unit_of_a_clerk(client, clerk_a):
    client.force_login(clerk_a)
    page = client.get(reverse("records:list")).content.decode()
    assert page.split("<title>", 1)[1].split("</title>", 1)[0] == "Hồ sơ · Phường Phú Xuân"


def test_city_office_opens_a_masked_read_only_record_of_any_unit(client, city_office, drill_down):
    record = drill_down["elsewhere"]
    client.force_login(city_office)
    response = client.get(reverse("records:detail", args=[record.code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["actions"] == []
    assert response.context["applicant_name"] == "N. V. A."
    for secret in [
        APPLICANT["applicant_name"],
        APPLICANT["applicant_id_number"],
        "0912345678",
        APPLICANT["applicant_address"],
        reverse("records:receipt-slip", args=[record.code]),
        reverse("records:control-slip", args=[record.code]),
        "/act/",
    ]:
        assert secret not in page, secret
    assert "046*******34" in page and "091*****78" in page
    assert "Chỉ xem" in page
    assert list(PersonalDataAccess.objects.values_list("user", "record", "fields", "via")) == [
        (city_office.pk, record.pk, ["applicant_name"], "web")
    ]
    act = reverse("records:act", args=[record.code, "process"])
    assert client.post(act, {"version": record.version}).status_code == 403


def test_other_unit_clerk_and_leader_still_get_404(client, clerk_b, leader_a, drill_down):
    client.force_login(clerk_b)
    assert client.get(reverse("records:detail", args=[drill_down["early"].code])).status_code == 404
    client.force_login(leader_a)
    assert (
        client.get(reverse("records:detail", args=[drill_down["elsewhere"].code])).status_code
        == 404
    )


def test_development_server_log_drops_the_searched_identifier():
    server_log = logging.getLogger("django.server")
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    server_log.addHandler(handler)
    try:
        server_log.info(
            '"%s" %s %s', "GET /records/?search=046095001234&status=2 HTTP/1.1", "200", "5120"
        )
    finally:
        server_log.removeHandler(handler)
    assert lines == ['"GET /records/ HTTP/1.1" 200 5120']
