"""The lifecycle table is the single declaration: every action of ``records.lifecycle.ACTIONS``
reaches every surface its actor needs, and no surface offers an action the table lacks.

The surfaces are read from where the portal serves them (the services module, the generated
OpenAPI schema, the form registries the views use, the buttons the pages list, the statistics'
receiver, the translation catalogue, the slip), then compared with what the table asks for.
``missing_surfaces`` is the check; the last tests feed it a table with an action too many and
one with an action too few and see it report both.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from post.forms import POINT_FORMS, POINT_INPUT_FORMS
from post.views import act as point_act_view
from records import services
from records.api.serializers import INPUT_SERIALIZERS
from records.enums import Status
from records.forms import ACTION_FORMS, INPUT_FORMS
from records.lifecycle import (
    ACTIONS,
    APPLICANT,
    CONDITIONS,
    DESK,
    GIVER,
    INPUTS,
    POINT,
    POINT_ACTIONS,
    RECEIVER,
    RECORD_ACTIONS,
    SECTION,
    Actor,
    Figures,
    allowed_actions,
)
from records.models import Record
from records.signals import record_changed
from stats.tasks import affected_start, schedule_recompute_for_change

API_PREFIX = "/api/v1/"
WRITES = ("post", "patch", "put", "delete")
# Writes under records/ that are not lifecycle actions (no status, no history event): the
# dossier's scans (README, "The dossier's documents and scans").
NOT_LIFECYCLE = {"POST /api/v1/records/{code}/scans/"}
HUE = ZoneInfo("Asia/Ho_Chi_Minh")


def expected_surfaces(actions) -> dict[str, set]:
    """What the table asks for, surface by surface."""
    on_pages = {a.name for a in actions.values() if a.on_pages and a.actor != Actor.SYSTEM}
    routed = [a for a in actions.values() if a.api_path]
    return {
        "service": set(actions),
        "api": {f"{a.api_method.upper()} {API_PREFIX}{a.api_path}" for a in routed},
        "serializer": {a.name for a in routed},
        "form": on_pages,
        "button": on_pages,
        "figures": set(actions),
        "label": set(actions),
        "slip": set(actions),
    }


def found_surfaces(actions) -> dict[str, set]:
    """What the portal actually offers. ``actions`` only tells which entry an offer belongs to
    (its inputs, its route); an offer no entry claims still counts, as an extra."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    api = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        if path.startswith(API_PREFIX + "records/")
        for method, operation in operations.items()
        if method in WRITES and operation.get("summary") and operation.get("requestBody")
    } - NOT_LIFECYCLE
    desk_buttons = {name for status in Status for name in allowed_actions(status)}
    point_buttons = {name for status in Status for name in allowed_actions(status, POINT_ACTIONS)}
    pages = {"desk_intake": "records:new", "postal_intake": "post:intake"}
    creation_pages = {
        a.name for a in actions.values() if a.creates and _resolves(pages.get(a.inputs))
    }
    creation_forms = {
        a.name
        for a in actions.values()
        if a.creates
        and (
            (a.actor == Actor.DESK and a.inputs in INPUT_FORMS)
            or (a.actor == Actor.POINT and a.inputs in POINT_INPUT_FORMS)
        )
    }
    with translation.override("vi"):
        translated = {
            a.name for a in actions.values() if a.label and str(a.label) != _english(a.label)
        }
    return {
        "service": {
            a.name
            for a in actions.values()
            if callable(getattr(services, a.service, None))
            and services.ACTION_SERVICES.get(a.name) is getattr(services, a.service)
        }
        | (set(services.ACTION_SERVICES) - set(actions)),
        "api": api,
        "serializer": {
            a.name for a in actions.values() if a.inputs in INPUT_SERIALIZERS and a.api_path
        }
        | _api_names(actions, api),
        "form": set(ACTION_FORMS) | set(POINT_FORMS) | creation_forms,
        "button": (desk_buttons & set(ACTION_FORMS))
        | (point_buttons & set(POINT_FORMS))
        | creation_pages,
        "figures": {
            a.name for a in actions.values() if isinstance(a.figures, Figures) and _figured(a)
        },
        "label": translated,
        "slip": {
            a.name
            for a in actions.values()
            if a.handover.giver in (APPLICANT, DESK, SECTION, POINT)
            and a.handover.actor_side in (GIVER, RECEIVER)
        },
    }


def missing_surfaces(actions, found) -> list[str]:
    """Every gap between the table and the surfaces, in words; empty when complete."""
    problems = []
    for surface, wanted in expected_surfaces(actions).items():
        offered = found[surface]
        for item in sorted(wanted - offered, key=str):
            problems.append(f"{item} is missing from the {surface}")
        for item in sorted(offered - wanted, key=str):
            problems.append(f"the {surface} offers {item}, which the table lacks")
    return problems


def _english(label) -> str:
    with translation.override("en"):
        return str(label)


def _resolves(url_name: str | None) -> bool:
    if not url_name:
        return False
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


def _api_names(actions, api) -> set[str]:
    """Offered routes no entry claims, by their path (so that they show as extras)."""
    claimed = {f"{a.api_method.upper()} {API_PREFIX}{a.api_path}" for a in actions.values()}
    return api - claimed


def _figured(action) -> bool:
    """The statistics' receiver computes this action's days: the first affected day is a day
    when the table says figures move, None when it says none do."""
    record = SimpleNamespace(
        submitted_at=datetime(2025, 7, 1, 9, tzinfo=HUE),
        received_at=datetime(2025, 7, 2, 9, tzinfo=HUE),
    )
    at = datetime(2025, 7, 7, 9, tzinfo=HUE)
    data = {"fields": sorted(action.figures.only_if_changed)}
    start = affected_start(record=record, figures=action.figures, at=at, data=data)
    if action.figures.since is None:
        return start is None
    return start is not None and start <= at.date()


# --- The table against the portal ---------------------------------------------------------


def test_every_action_reaches_every_surface_its_actor_needs():
    assert missing_surfaces(ACTIONS, found_surfaces(ACTIONS)) == []


def test_the_statistics_listen_to_record_changes():
    sync_receivers, _async_receivers = record_changed._live_receivers(Record)
    assert schedule_recompute_for_change in sync_receivers


def test_event_names_are_entries_that_agree_on_figures_label_and_slip():
    for action in ACTIONS.values():
        event = ACTIONS[action.event]
        assert (action.figures, action.handover, str(action.label)) == (
            event.figures,
            event.handover,
            str(event.label),
        ), action.name


def test_inputs_and_services_exist_for_every_entry():
    for action in ACTIONS.values():
        assert action.inputs is None or action.inputs in INPUTS, action.name
        assert set(action.requires) <= set(CONDITIONS), action.name
        assert action.actor == Actor.SYSTEM or action.inputs is not None, action.name
        assert services.ACTION_SERVICES[action.name] is getattr(services, action.service)
        if action.api_path and action.example:
            serializer = INPUT_SERIALIZERS[action.inputs]
            assert set(action.example) <= set(serializer().fields), action.name


def test_the_record_page_posts_each_unit_action_to_its_view():
    for name in RECORD_ACTIONS:
        assert reverse("records:act", kwargs={"code": "X", "action": name})
    for name in POINT_ACTIONS:
        assert reverse("post:act", kwargs={"code": "X", "action": name})
    assert point_act_view is not None


# --- The check itself -----------------------------------------------------------------------


def test_the_check_finds_an_action_missing_from_one_surface():
    found = found_surfaces(ACTIONS)
    found["button"] = found["button"] - {"process"}
    assert missing_surfaces(ACTIONS, found) == ["process is missing from the button"]

    found = found_surfaces(ACTIONS)
    found["api"] = found["api"] - {"POST /api/v1/records/{code}/deliver/"}
    assert missing_surfaces(ACTIONS, found) == [
        "POST /api/v1/records/{code}/deliver/ is missing from the api"
    ]


def test_the_check_finds_an_entry_no_surface_serves():
    """A table with one action more than the portal implements: every surface misses it."""
    archive = dataclasses.replace(
        ACTIONS["withdraw"],
        name="archive",
        service="record_archive",
        event="archive",
        api_path="records/{code}/archive/",
    )
    table = {**ACTIONS, "archive": archive}
    problems = missing_surfaces(table, found_surfaces(table))
    assert problems == [
        "archive is missing from the service",
        "POST /api/v1/records/{code}/archive/ is missing from the api",
        "archive is missing from the form",
        "archive is missing from the button",
    ]


def test_the_check_finds_a_surface_serving_an_action_the_table_lacks():
    """A table without ``process``: its service, route, form and button are left over."""
    table = {name: action for name, action in ACTIONS.items() if name != "process"}
    problems = missing_surfaces(table, found_surfaces(table))
    assert "the service offers process, which the table lacks" in problems
    assert "the form offers process, which the table lacks" in problems
    assert "the button offers process, which the table lacks" in problems
    assert "the api offers POST /api/v1/records/{code}/process/, which the table lacks" in (
        problems
    )


@pytest.mark.parametrize("action", [a for a in ACTIONS.values() if a.on_pages])
def test_every_page_action_has_a_label_in_vietnamese(action):
    with translation.override("vi"):
        assert str(action.label) != _english(action.label)


def test_the_readmes_table_is_the_lifecycle_table():
    """The README's table of actions is a view of ``ACTIONS``: the same names, actors, source
    and target statuses, in the same order."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Records and their lifecycle", 1)[1].split("\n## ", 1)[0]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| `")
    ]

    def statuses(cell: str) -> list[int]:
        if cell == "(new)":
            return []
        if cell == "1–10":
            return list(range(1, 11))
        return [int(part) for part in cell.split(", ")]

    documented = [
        (name.strip("`"), who, statuses(sources), None if target == "(unchanged)" else int(target))
        for name, who, sources, target, *_ in rows
    ]
    declared = [
        (name, action.actor.value, sorted(int(s) for s in action.sources), action.target)
        for name, action in ACTIONS.items()
    ]
    assert documented == declared
