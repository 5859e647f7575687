"""Acceptance of issue 14 on the demo data: for every period the dashboard offers (today, last
7 days, this month, custom), each card equals the length of the record list it links to —
including the overdue stocks at the end of the period — on the embedded default (in-process
tasks, the test database) and on PostgreSQL with a real Celery worker after record changes."""

import io
import time
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from records import services
from records.enums import Status
from records.models import Record
from stats.models import RecomputeOwed
from tests.helpers import ON_POSTGRES, redis_available, require_service

PERIODS = [
    {"period": "today"},
    {"period": "last7"},
    {"period": "month"},
    {"period": "custom", "date_from": "2025-07-01", "date_to": "2025-07-11"},
]


def card_counts(client, query: dict) -> list[tuple[str, int, int]]:
    """(card, its figure, the length of the list it links to) for every card of the page."""
    response = client.get(reverse("dashboard"), query)
    assert response.status_code == 200, query
    found = []
    for card in response.context["cards"]:
        figure = card["value"] if "value" in card else card["detail"][0]
        listed = client.get(card["link"])
        assert listed.status_code == 200, card["link"]
        found.append((card["testid"], figure, listed.context["page"].paginator.count))
    return found


def assert_cards_equal_lists(client):
    for query in PERIODS:
        counts = card_counts(client, query)
        assert [(name, figure) for name, figure, _ in counts] == [
            (name, listed) for name, _, listed in counts
        ], query
    # The demo's reference period has something on every card.
    assert all(figure for _, figure, _ in card_counts(client, PERIODS[-1]))


@pytest.fixture
def demo(django_db_setup, django_db_blocker):
    """``seed_demo`` for the test, rolled back afterwards (closed before the next test, which
    commits for a real worker to see its writes)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--force", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.slow
@pytest.mark.django_db
def test_every_card_equals_its_list_for_every_period_on_the_demo(client, demo):
    client.force_login(User.objects.get(username="thanhpho"))
    assert_cards_equal_lists(client)


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_every_card_equals_its_list_with_a_worker_after_changes(client, request):
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    require_service(redis_available(), "Redis (REDIS_URL=redis://...)")
    call_command("seed_demo", "--force", stdout=io.StringIO())
    RecomputeOwed.objects.all().delete()
    log = request.getfixturevalue("worker")
    clerk = User.objects.get(username="chuyenvien.phuxuan", role=Role.CLERK)  # a specialist
    open_records = Record.objects.filter(
        handling_unit=clerk.commune,
        status__in=[Status.RECEIVED, Status.PROCESSING],
        procedure__needs_approval=False,  # the others pass the leader (the chain of officers)
    ).order_by("received_at")
    first, second, third = list(open_records[:3])
    services.record_resolve(record=first, actor=clerk)
    services.record_request_supplement(record=second, actor=clerk, reason="Thiếu giấy tờ")
    services.record_extend(
        record=third,
        actor=clerk,
        # After the date already promised (a living-demo record may be due weeks from now).
        new_due_date=_working_day_after(max(third.current_due_date, timezone.localdate())),
        reason="Cần xác minh",
    )
    deadline = time.monotonic() + 90
    while RecomputeOwed.objects.exists():  # the worker clears each change's note when done
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not recompute within 90 s:\n{log.read_text()}")
        time.sleep(0.2)

    client.force_login(User.objects.get(username="thanhpho"))
    assert_cards_equal_lists(client)


def _working_day_after(day: date) -> date:
    from records.calendar import WorkingCalendar

    return WorkingCalendar().add_working_days(day, 3)
