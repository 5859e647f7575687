import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_directory_lists_40_units_and_166_points_publicly(client, reference_data):
    response = client.get(reverse("directory:directory"))
    assert response.status_code == 200
    assert len(response.context["units"]) == 40
    page = response.content.decode()
    assert "40 đơn vị (21 phường, 19 xã), 166 điểm phục vụ" in page
    assert "Phường Phú Xuân" in page and "Xã A Lưới 5" in page
    assert "130.247" in page  # Phú Xuân population, Vietnamese thousands separator


def test_directory_search_ignores_diacritics(client, reference_data):
    response = client.get(reverse("directory:directory"), {"q": "phu xuan"})
    assert [u.name for u in response.context["units"]] == ["Phường Phú Xuân"]
    response = client.get(reverse("directory:directory"), {"q": "A LUOI"})
    assert len(response.context["units"]) == 5
    response = client.get(reverse("directory:directory"), {"q": "dan dien"})
    assert [u.name for u in response.context["units"]] == ["Xã Đan Điền"]


def test_directory_filter_by_kind_and_bad_kind_is_ignored(client, reference_data):
    wards = client.get(reverse("directory:directory"), {"kind": "ward"}).context["units"]
    assert len(wards) == 21
    everything = client.get(reverse("directory:directory"), {"kind": "<script>"})
    assert everything.status_code == 200
    assert len(everything.context["units"]) == 40


def test_unit_page_lists_its_agent_points(client, unit_a):
    response = client.get(reverse("directory:detail", args=[unit_a.code]))
    assert response.status_code == 200
    points = response.context["unit"].active_points
    assert [p.code for p in points] == sorted(
        unit_a.agent_points.values_list("code", flat=True),
        key=lambda code: (unit_a.agent_points.get(code=code).kind, code),
    )
    page = response.content.decode()
    assert "Trung tâm Phục vụ hành chính công Phường Phú Xuân" in page
    for point in points:
        assert point.name in page


def test_unknown_unit_is_404(client, reference_data):
    response = client.get(reverse("directory:detail", args=["99999"]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_directory_query_count_is_constant(client, reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(reverse("directory:directory"))
    with django_assert_max_num_queries(3):
        client.get(reverse("directory:detail", args=["19753"]))


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
