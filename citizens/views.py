"""The public status lookup (no login). The ID number travels only in the body of a POST; it
is never in a URL, a log line or the lookup log. A wrong code and a wrong ID number get the
same answer, and both are counted against the address's and the code's limits."""

from __future__ import annotations

import logging

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from citizens.forms import LookupForm
from citizens.limits import over_limit
from citizens.models import Lookup, LookupOutcome, LookupVia
from records.public import normalise_code, public_status, record_for_lookup, record_for_token

logger = logging.getLogger(__name__)


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _log(request, *, via, outcome, code="", record=None) -> None:
    Lookup.objects.create(
        via=via, outcome=outcome, code=code[:40], record=record, address=client_address(request)
    )
    logger.info("Status lookup via %s: %s", via, outcome)


def _status_page(request, record, *, via):
    context = {"status": public_status(record), "record": record, "via": via}
    return render(request, "citizens/status.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    """The lookup form; on POST, the record's status or one answer for "no such record"."""
    if request.method == "GET":
        return render(request, "citizens/lookup.html", {"form": LookupForm()})
    code = normalise_code(request.POST.get("code", ""))[:40]
    if over_limit(address=client_address(request) or "", code=code):
        _log(request, via=LookupVia.FORM, outcome=LookupOutcome.LIMITED, code=code)
        context = {"form": LookupForm(), "limited": True}
        return render(request, "citizens/lookup.html", context, status=429)
    form = LookupForm(request.POST)
    if not form.is_valid():
        _log(request, via=LookupVia.FORM, outcome=LookupOutcome.INVALID, code=code)
        return render(request, "citizens/lookup.html", {"form": form}, status=400)
    record = record_for_lookup(form.cleaned_data["code"], form.cleaned_data["id_number"])
    if record is None:
        _log(request, via=LookupVia.FORM, outcome=LookupOutcome.NOT_FOUND, code=code)
        form = LookupForm(initial={"code": form.cleaned_data["code"]})
        context = {"form": form, "not_found": True}
        return render(request, "citizens/lookup.html", context, status=404)
    _log(request, via=LookupVia.FORM, outcome=LookupOutcome.FOUND, code=code, record=record)
    return _status_page(request, record, via=LookupVia.FORM)


@never_cache
@require_GET
def status_link(request, token: str):
    """The status link of a slip's QR code or of a notification."""
    record = record_for_token(token)
    if record is None:
        _log(request, via=LookupVia.LINK, outcome=LookupOutcome.NOT_FOUND)
        context = {"form": LookupForm(), "link_invalid": True}
        return render(request, "citizens/lookup.html", context, status=404)
    _log(request, via=LookupVia.LINK, outcome=LookupOutcome.FOUND, code=record.code, record=record)
    return _status_page(request, record, via=LookupVia.LINK)


__all__ = ["lookup", "status_link"]
