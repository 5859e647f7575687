"""The dossier's documents: each procedure's required components (seeded for the catalogue),
ticked at receipt and listed on the receipt slip; scans attached to a record, checked by
content and size, served only to logged-in readers in scope, each read logged."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from records import services
from records.models import PersonalDataAccess, Procedure, ProcedureComponent, RecordScan
from tests.helpers import APPLICANT, UNIT_B, receive

pytestmark = pytest.mark.django_db

PROCEDURE = "ho-tich-khai-sinh-da-co-giay-to"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def scans_in_tmp(tmp_path):
    """Each test stores its scans in its own directory, outside the project (the field's
    storage is ``STORAGES["scans"]``, resolved once when the models load)."""
    field = RecordScan._meta.get_field("file")
    configured = field.storage
    field.storage = FileSystemStorage(location=tmp_path / "scans")
    yield tmp_path / "scans"
    field.storage = configured


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_procedure_has_its_list_of_components(reference_data):
    for procedure in Procedure.objects.filter(active=True):
        components = list(procedure.required_components.all())
        assert len(components) >= 2, procedure.key
        assert all(c.count >= 1 and c.kind in ("original", "certified", "copy") for c in components)
    birth = ProcedureComponent.objects.filter(procedure__key="ho-tich-khai-sinh")
    assert "Giấy chứng sinh" in set(birth.values_list("name", flat=True))


def test_ticked_at_receipt_and_listed_on_the_slip(clerk_a, unit_a):
    required = list(ProcedureComponent.objects.filter(procedure__key=PROCEDURE))
    client = logged_in(clerk_a)
    form = client.get(reverse("records:new"))
    assert f'data-components-for="{PROCEDURE}"' in form.content.decode()
    response = client.post(
        reverse("records:new"),
        {
            "procedure": PROCEDURE,
            "channel": 1,
            **APPLICANT,
            "result_delivery": "unit",
            "components_provided": [required[0].pk, required[1].pk],
            "components_missing": "Thiếu văn bản cam đoan, hẹn bổ sung",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    record = unit_a.received_records.get()
    assert [(c.name, c.provided) for c in record.components.all()] == [
        (c.name, i < 2) for i, c in enumerate(required)
    ]
    assert record.components_missing == "Thiếu văn bản cam đoan, hẹn bổ sung"
    slip = client.get(reverse("records:receipt-slip", args=[record.code])).content.decode()
    assert 'data-testid="slip-components"' in slip
    for component in required:
        assert component.name in slip
    assert "Thiếu văn bản cam đoan" in slip
    assert "slip-code" in slip and "<svg" in slip  # the QR header is still there


def test_a_component_of_another_procedure_is_refused(clerk_a, unit_a):
    other = ProcedureComponent.objects.filter(procedure__key="ho-tich-ket-hon").first()
    response = logged_in(clerk_a).post(
        reverse("records:new"),
        {"procedure": PROCEDURE, "channel": 1, **APPLICANT, "components_provided": [other.pk]},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["components_provided"]
    assert not unit_a.received_records.exists()


def upload(client, record, name, content, content_type="application/pdf"):
    return client.post(
        reverse("records:scan-upload", args=[record.code]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type), "title": "Tờ khai"},
    )


def test_scan_attached_and_streamed_to_readers_in_scope(
    clerk_a, clerk_b, leader_a, unit_a, scans_in_tmp
):
    record = receive(clerk_a, unit_a)
    client = logged_in(clerk_a)
    assert upload(client, record, "to-khai.pdf", PDF).status_code == 302
    scan = RecordScan.objects.get(record=record)
    assert (scan.content_type, scan.size, scan.original_name) == (
        "application/pdf",
        len(PDF),
        "to-khai.pdf",
    )
    assert "to-khai" not in scan.file.name  # stored under a random name
    assert (scans_in_tmp / scan.file.name).read_bytes() == PDF
    url = reverse("records:scan", args=[record.code, scan.pk])
    assert url in client.get(reverse("records:detail", args=[record.code])).content.decode()

    before = PersonalDataAccess.objects.count()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    read = PersonalDataAccess.objects.latest("id")
    assert PersonalDataAccess.objects.count() == before + 1
    assert (read.user, read.record, read.fields) == (clerk_a, record, [f"scan:{scan.pk}"])
    assert logged_in(leader_a).get(url).status_code == 200

    # Another unit's clerk: 404, nothing logged; nobody logged out gets any of it.
    count = PersonalDataAccess.objects.count()
    assert logged_in(clerk_b).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert b"PDF" not in anonymous.content
    api = APIClient()
    assert api.get(f"/api/v1/records/{record.code}/scans/{scan.pk}/file/").status_code in (
        401,
        403,
    )
    api.force_authenticate(clerk_b)
    assert api.get(f"/api/v1/records/{record.code}/scans/{scan.pk}/file/").status_code == 404
    assert PersonalDataAccess.objects.count() == count
    # A scan of another record through this record's address: 404.
    other = receive(clerk_a, unit_a)
    assert client.get(reverse("records:scan", args=[other.code, scan.pk])).status_code == 404


def test_transferred_the_handling_unit_reads_the_scan_too(clerk_a, clerk_b, unit_a):
    record = receive(clerk_a, unit_a)
    scan = services.record_attach_scan(
        record=record, actor=clerk_a, file=SimpleUploadedFile("a.png", PNG), title=""
    )
    url = reverse("records:scan", args=[record.code, scan.pk])
    assert logged_in(clerk_b).get(url).status_code == 404
    services.record_transfer(record=record, actor=clerk_a, to_unit=UNIT_B, reason="Lý do")
    assert logged_in(clerk_b).get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 32, "Chỉ nhận bản quét PDF, JPEG hoặc PNG"),
        ("fake.pdf", b"<html>not a pdf</html>", "Chỉ nhận bản quét PDF, JPEG hoặc PNG"),
        ("scan.png", PDF, "Chỉ nhận bản quét PDF, JPEG hoặc PNG"),  # the name lies
    ],
)
def test_a_wrong_type_is_refused_with_a_clear_message(clerk_a, unit_a, name, content, message):
    record = receive(clerk_a, unit_a)
    response = upload(logged_in(clerk_a), record, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RecordScan.objects.exists()


def test_an_oversized_file_is_refused_in_the_form_and_the_api(clerk_a, unit_a, settings):
    settings.SCANS_MAX_BYTES = 1000
    record = receive(clerk_a, unit_a)
    big = PDF + b"0" * 2000
    response = upload(logged_in(clerk_a), record, "big.pdf", big)
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()

    api = APIClient()
    api.force_authenticate(clerk_a)
    path = f"/api/v1/records/{record.code}/scans/"
    too_big = api.post(path, {"file": SimpleUploadedFile("big.pdf", big)}, format="multipart")
    assert too_big.status_code == 400
    assert "file" in too_big.json()
    wrong = api.post(path, {"file": SimpleUploadedFile("x.pdf", b"GIF89a")}, format="multipart")
    assert wrong.status_code == 400 and "file" in wrong.json()
    assert not RecordScan.objects.exists()

    good = api.post(path, {"file": SimpleUploadedFile("ok.pdf", PDF)}, format="multipart")
    assert good.status_code == 201, good.content
    listed = api.get(path).json()
    assert [row["original_name"] for row in listed] == ["ok.pdf"]
    streamed = api.get(f"{path}{good.json()['id']}/file/")
    assert streamed.status_code == 200 and b"".join(streamed.streaming_content) == PDF
    assert PersonalDataAccess.objects.filter(via="api", fields=[f"scan:{good.json()['id']}"])


def test_the_api_lists_the_components_and_takes_the_ticks(clerk_a, unit_a):
    api = APIClient()
    api.force_authenticate(clerk_a)
    procedure = api.get(f"/api/v1/procedures/{PROCEDURE}/").json()
    ids = [component["id"] for component in procedure["required_components"]]
    assert len(ids) == 4
    created = api.post(
        "/api/v1/records/",
        {
            "procedure": PROCEDURE,
            "channel": 1,
            **APPLICANT,
            "components_provided": ids[:3],
            "components_missing": "Thiếu giấy tờ tùy thân",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert [c["provided"] for c in body["components"]] == [True, True, True, False]
    assert body["components_missing"] == "Thiếu giấy tờ tùy thân"
    other = ProcedureComponent.objects.filter(procedure__key="ho-tich-ket-hon").first()
    refused = api.post(
        "/api/v1/records/",
        {"procedure": PROCEDURE, "channel": 1, **APPLICANT, "components_provided": [other.pk]},
        format="json",
    )
    assert refused.status_code == 400 and "components_provided" in refused.json()
