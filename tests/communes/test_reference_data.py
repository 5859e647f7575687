import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agent_points.models import AgentPoint
from agent_points.services import BUNDLED_AGENT_POINTS_FILE, load_agent_points
from communes.models import Commune, CommuneKind
from communes.services import load_communes
from core.reference import ReferenceDataError

pytestmark = pytest.mark.django_db


def snapshot():
    units = list(Commune.objects.order_by("code").values())
    points = list(AgentPoint.objects.order_by("code").values())
    for row in units + points:
        row.pop("updated_at")
        row.pop("created_at")
    return units, points


def test_reference_counts_40_units_21_wards_19_communes(reference_data):
    assert Commune.objects.count() == 40
    assert Commune.objects.filter(kind=CommuneKind.WARD).count() == 21
    assert Commune.objects.filter(kind=CommuneKind.COMMUNE).count() == 19


def test_reference_counts_166_agent_points_every_unit_has_one(reference_data):
    assert AgentPoint.objects.count() == 166
    assert AgentPoint.objects.filter(active=True).count() == 166
    units_without_point = Commune.objects.filter(agent_points__isnull=True)
    assert list(units_without_point) == []


def test_reference_codes_unique_and_well_formed(reference_data):
    codes = list(Commune.objects.values_list("code", flat=True))
    agency = list(Commune.objects.values_list("agency_code", flat=True))
    points = list(AgentPoint.objects.values_list("code", flat=True))
    assert len(set(codes)) == 40
    assert all(len(c) == 5 and c.isdigit() for c in codes)
    assert len(set(agency)) == 40
    assert set(agency) == {f"H57.{c}" for c in codes}
    assert len(set(points)) == 166


def test_reference_known_units(reference_data):
    phu_xuan = Commune.objects.get(code="19753")
    assert phu_xuan.name == "Phường Phú Xuân"
    assert phu_xuan.kind == CommuneKind.WARD
    assert phu_xuan.population == 130247
    assert Commune.objects.get(name="Xã A Lưới 5").code == "20050"
    assert Commune.objects.get(name="Xã Phú Vang").kind == CommuneKind.COMMUNE


def test_loading_twice_is_idempotent(reference_data):
    before = snapshot()
    unit_report = load_communes()
    point_report = load_agent_points()
    assert (len(unit_report.unchanged), unit_report.created, unit_report.updated) == (40, [], [])
    assert (len(point_report.unchanged), point_report.created, point_report.updated) == (
        166,
        [],
        [],
    )
    assert point_report.deactivated == []
    assert snapshot() == before


def test_load_reference_command_twice_gives_same_rows(reference_data, capsys):
    before = snapshot()
    call_command("load_reference")
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "Units: 0 created, 0 updated, 40 unchanged, 0 deactivated" in out
    assert "Agent points: 0 created, 0 updated, 166 unchanged, 0 deactivated" in out
    assert snapshot() == before


def test_updated_agent_point_list_replaces_provisional(reference_data, tmp_path):
    data = json.loads(BUNDLED_AGENT_POINTS_FILE.read_text(encoding="utf-8"))
    points = data["agent_points"]
    removed = points.pop(0)  # DL001 no longer in the official list
    points[0]["address"] = "12 Lê Lợi, phường Phú Xuân"  # corrected address
    changed_code = points[0]["code"]
    points.append(
        {
            "code": "BD900",
            "commune_code": "19753",
            "name_vi": "Bưu điện Trung tâm Huế",
            "kind": "post_office",
            "address": "8 Hoàng Hoa Thám",
        }
    )
    official = tmp_path / "official.json"
    official.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    report = load_agent_points(path=official)

    assert report.created == ["BD900"]
    assert report.updated == [changed_code]
    assert report.deactivated == [removed["code"]]
    assert len(report.unchanged) == 164
    assert AgentPoint.objects.get(code=removed["code"]).active is False
    assert AgentPoint.objects.get(code=changed_code).address == "12 Lê Lợi, phường Phú Xuân"
    assert AgentPoint.objects.get(code="BD900").commune.code == "19753"
    assert AgentPoint.objects.filter(active=True).count() == 166
    # loading it again changes nothing
    again = load_agent_points(path=official)
    assert (again.created, again.updated, again.deactivated) == ([], [], [])


def test_updated_list_as_csv(reference_data, tmp_path):
    csv_file = tmp_path / "points.csv"
    rows = ["code,commune_code,name_vi,kind,address,former_unit,former_unit_old_code"]
    for point in AgentPoint.objects.select_related("commune").order_by("code"):
        rows.append(
            f'{point.code},{point.commune.code},"{point.name}",{point.kind},"{point.address}",'
            f'"{point.former_unit}",{point.former_unit_old_code}'
        )
    csv_file.write_text("\n".join(rows), encoding="utf-8")
    report = load_agent_points(path=csv_file)
    assert (report.created, report.updated, len(report.unchanged)) == ([], [], 166)


def test_bad_agent_point_file_is_rejected_whole(reference_data, tmp_path):
    before = snapshot()
    data = json.loads(BUNDLED_AGENT_POINTS_FILE.read_text(encoding="utf-8"))
    data["agent_points"][0]["address"] = "changed, must not be saved"
    data["agent_points"][5]["commune_code"] = "99999"
    data["agent_points"][7]["kind"] = "kiosk"
    del data["agent_points"][9]["name_vi"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(ReferenceDataError) as excinfo:
        load_agent_points(path=bad)

    problems = excinfo.value.problems
    assert len(problems) == 3
    assert "agent point #6" in problems[0] and "99999" in problems[0]
    assert "agent point #8" in problems[1] and "kiosk" in problems[1]
    assert problems[2] == "agent point #10: missing name_vi"
    assert snapshot() == before


def test_bad_file_via_command_is_a_clear_error(reference_data, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="rejected, nothing imported"):
        call_command("load_reference", "--agent-points", str(bad))
    with pytest.raises(CommandError, match="file not found"):
        call_command("load_reference", "--communes", str(tmp_path / "missing.json"))


def test_bad_unit_file_is_rejected(reference_data, tmp_path):
    before = snapshot()
    bad = tmp_path / "units.json"
    bad.write_text(
        json.dumps({"units": [{"code": "123", "name_vi": "X", "kind": "district"}]}),
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError) as excinfo:
        load_communes(path=bad)
    assert excinfo.value.problems == [
        "unit #1: code '123' is not 5 digits",
        "unit #1: kind 'district' is not one of ['ward', 'commune']",
    ]
    assert snapshot() == before


def test_edited_agency_code_survives_reload(reference_data):
    unit = Commune.objects.get(code="19753")
    unit.agency_code = "000.00.20.H57"
    unit.save()
    load_communes()
    unit.refresh_from_db()
    assert unit.agency_code == "000.00.20.H57"
