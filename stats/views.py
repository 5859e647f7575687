"""The city office's dashboard (and a commune leader's, for their unit).

Everything on it comes from the statistics (``stats.reports.period_report`` over
``DailyStat``); the records table is never scanned at request time (the sync rate's backlog is
one count on the partial index of the records whose sync is pending). Every number links to the
record list filtered to exactly the records behind it.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from records.enums import Channel, Outcome
from stats.charts import rate_line, stacked_bars
from stats.forms import PERIODS, SHORTCUTS, SORTS, DashboardForm, resolve_period
from stats.models import DailyStat
from stats.reports import HIGHLIGHT_MIN_RECORDS, period_report
from stats.selectors import stats_units_for_user


def _query_with(request, **values) -> str:
    """The page's query string with ``values`` set (replaced, not repeated)."""
    query = request.GET.copy()
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


def _summary(report) -> str:
    return report.summary_en if get_language() == "en" else report.summary_vi


def records_link(**filters) -> str:
    return f"{reverse('records:list')}?{urlencode(filters, doseq=True)}"


def _cards(report, date_from: date, date_to: date, unit_filter: dict) -> list[dict]:
    totals, rates = report.totals, report.rates
    received = {"received_from": date_from, "received_to": date_to}
    finished = {"finished": "true", "finished_from": date_from, "finished_to": date_to}
    return [
        {
            "label": _("Records received"),
            "value": totals["received"],
            "link": records_link(**unit_filter.get("receiving", {}), **received),
            "help": _(
                "Records accepted (status received) in the period, by receiving unit; "
                "submissions not accepted and refusals are not counted."
            ),
            "testid": "card-received",
        },
        {
            "label": _("Online rate"),
            "rate": rates["online_rate"],
            "detail": (totals["received_online"], totals["received"]),
            "link": records_link(
                **unit_filter.get("receiving", {}), channel=Channel.ONLINE, **received
            ),
            "help": _("Records received online ÷ all records received."),
            "testid": "card-online",
        },
        {
            "label": _("Handling rate"),
            "rate": rates["handling_rate"],
            "detail": (totals["finished"], totals["to_handle"]),
            "link": records_link(**unit_filter.get("handling", {}), **finished),
            "help": _(
                "Records finished (resolved, returned or stopped) ÷ records to handle "
                "(received in the period + carried over open from before)."
            ),
            "testid": "card-handling",
        },
        {
            "label": _("On-time rate"),
            "rate": rates["on_time_rate"],
            "detail": (totals["finished_early"] + totals["finished_on_time"], totals["finished"]),
            "link": records_link(
                **unit_filter.get("handling", {}),
                outcome=[Outcome.EARLY, Outcome.ON_TIME],
                **finished,
            ),
            "help": _(
                "(Finished early + on time) ÷ finished, against the original appointment date."
            ),
            "testid": "card-on-time",
        },
        {
            "label": _("Overdue at the end"),
            "value": totals["overdue_end"],
            "link": records_link(**unit_filter.get("handling", {}), overdue_on=date_to),
            "help": _(
                "Open records at the end of the period, not waiting for the citizen, past the "
                "date promised (the extended date if any)."
            ),
            "testid": "card-overdue",
        },
        {
            "label": _("Past the original date at the end"),
            "value": totals["overdue_original_end"],
            "link": records_link(**unit_filter.get("handling", {}), overdue_original_on=date_to),
            "help": _(
                "Open records at the end of the period, not waiting for the citizen, past the "
                "original appointment date: late for the index (Decision 766), even if extended."
            ),
            "testid": "card-overdue-original",
        },
        {
            "label": _("Returned by post"),
            "value": totals["returned_post"],
            "link": records_link(
                **unit_filter.get("handling", {}),
                return_method="post",
                returned_from=date_from,
                returned_to=date_to,
            ),
            "help": _("Results handed to citizens through Vietnam Post in the period."),
            "testid": "card-post",
        },
        {
            "label": _("Digitised"),
            "rate": rates["digitisation_rate"],
            "detail": (totals["digitised"], totals["received"]),
            "link": records_link(**unit_filter.get("receiving", {}), digitised="true", **received),
            "help": _("Records received whose dossier was digitised ÷ records received."),
            "testid": "card-digitised",
        },
        {
            "label": _("Sync rate"),
            "rate": rates["sync_rate"],
            "detail": (totals["synced"], totals["received"]),
            "link": records_link(**unit_filter.get("receiving", {}), synced="true", **received),
            "help": _(
                "Records received whose every change has been delivered to the national "
                "portal ÷ records received (Decision 766, indicator 1.4). A record with "
                "nothing owed to the portal (such as history from before the connector) "
                "counts as synced."
            ),
            "testid": "card-sync",
        },
        {
            "label": _("Acceptance timeliness"),
            "rate": rates["acceptance_timeliness"],
            "detail": (totals["acceptance_on_time"], totals["acceptance_decided"]),
            "link": records_link(
                **unit_filter.get("receiving", {}),
                decided_from=date_from,
                decided_to=date_to,
                acceptance="on_time",
            ),
            "help": _(
                "Online submissions accepted or refused within 8 working hours of submission "
                "(a pause for the citizen to complete the dossier stops the clock) ÷ all "
                "online submissions accepted or refused in the period, by the day of the "
                "decision."
            ),
            "testid": "card-acceptance",
        },
    ]


def figures_as_of(units) -> datetime | None:
    """When the figures of ``units`` were last recomputed ("figures as of")."""
    rows = DailyStat.objects.filter(unit__in=[unit.pk for unit in units])
    return rows.aggregate(at=Max("computed_at"))["at"]


@login_required
def dashboard(request):
    user = request.user
    if not (user.is_city_wide or user.role == Role.COMMUNE_LEADER):
        raise PermissionDenied
    visible = list(stats_units_for_user(user).order_by("-kind", "name_folded"))
    form = DashboardForm(request.GET or None, units=visible)
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    date_from, date_to, period = resolve_period(data, today)
    codes = set(data.get("commune") or [])
    units = [unit for unit in visible if unit.code in codes] or visible
    report = period_report(date_from=date_from, date_to=date_to, units=units)

    single = len(units) == 1
    unit_filter = {}
    if len(units) < len(visible) or not user.is_city_wide:
        # Links must name the units unless the report covers everything the list shows.
        unit_codes = [unit.code for unit in units]
        unit_filter = {
            "receiving": {"receiving_unit": unit_codes},
            "handling": {"handling_unit": unit_codes},
        }
    sort_key = data.get("sort") or "received"
    field_name = SORTS[sort_key][0]
    rows = sorted(
        report.rows,
        key=lambda row: (
            -(row.counts[field_name] if field_name in row.counts else row.rates[field_name] or -1),
            row.unit.code,
        ),
    )
    received = {"received_from": date_from, "received_to": date_to}
    finished = {"finished": "true", "finished_from": date_from, "finished_to": date_to}
    table = [
        {
            "rank": index + 1,
            "row": row,
            "received_link": records_link(receiving_unit=row.unit.code, **received),
            "online_link": records_link(
                receiving_unit=row.unit.code, channel=Channel.ONLINE, **received
            ),
            "finished_link": records_link(handling_unit=row.unit.code, **finished),
        }
        for index, row in enumerate(rows)
    ]
    highlights = {
        key: {
            "row": row,
            "received_link": records_link(receiving_unit=row.unit.code, **received) if row else "",
        }
        for key, row in report.highlights.items()
    }
    as_of = figures_as_of(units)
    cards = _cards(report, date_from, date_to, unit_filter)
    by_id = {card["testid"]: card for card in cards}
    export_query = urlencode(
        [("date_from", date_from), ("date_to", date_to)]
        + [("commune", unit.code) for unit in units if len(units) < len(visible)]
    )
    context = {
        "form": form,
        "period": period,
        "period_label": dict(PERIODS)[period] if period in SHORTCUTS else "",
        "periods": PERIODS,
        "date_from": date_from,
        "date_to": date_to,
        "units": units,
        "visible": visible,
        "selected_codes": {unit.code for unit in units} if len(units) < len(visible) else set(),
        "report": report,
        "cards": cards,
        "card_help": {
            "sync": by_id["card-sync"]["help"],
            "acceptance": by_id["card-acceptance"]["help"],
        },
        "table": table,
        "sort": sort_key,
        "sorts": [
            (key, label, _query_with(request, sort=key)) for key, (_, label) in SORTS.items()
        ],
        "highlights": highlights,
        "highlight_min_records": HIGHLIGHT_MIN_RECORDS,
        "summary": _summary(report),
        "as_of": as_of,
        "intake_chart": stacked_bars(
            report.daily,
            [
                ("received_in_person", Channel.IN_PERSON.label, "s-in-person"),
                ("received_online", Channel.ONLINE.label, "s-online"),
                ("received_postal", Channel.POSTAL.label, "s-postal"),
            ],
        ),
        "online_chart": rate_line(report.daily, "online_rate"),
        "export_query": export_query,
        "single": single,
    }
    return render(request, "stats/dashboard.html", context)


HOME_CARDS = ["card-received", "card-online", "card-handling", "card-on-time", "card-overdue"]


def city_home(request):
    """The city office's home (``/`` for city-wide users): today's and this month's key
    figures for the whole city, from the daily statistics like the dashboard, each linking to
    its records, and the way to the dashboard and the record list."""
    units = list(stats_units_for_user(request.user))
    today = timezone.localdate()
    periods = []
    for key in ("today", "month"):
        date_from, date_to = SHORTCUTS[key](today)
        report = period_report(date_from=date_from, date_to=date_to, units=units)
        cards = {card["testid"]: card for card in _cards(report, date_from, date_to, {})}
        periods.append(
            {
                "key": key,
                "label": dict(PERIODS)[key],
                "date_from": date_from,
                "date_to": date_to,
                "cards": [cards[testid] for testid in HOME_CARDS],
                "summary": _summary(report),
                "dashboard_link": f"{reverse('dashboard')}?{urlencode({'period': key})}",
            }
        )
    context = {"periods": periods, "units": units, "as_of": figures_as_of(units)}
    return render(request, "stats/city_home.html", context)
