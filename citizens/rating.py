"""The citizen's satisfaction rating (no login), reached from the status page or the slip's
QR code: the status link's signed token names the record. GET shows the provincial form, POST
saves it once (``satisfaction.services.rate_record``); a second rating, from either the
citizen or a paper form, is refused. Nothing of the applicant (name, ID number, phone,
address) is shown; the page names the record by its code, procedure and unit only."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from citizens.forms import LookupForm
from records.enums import Status
from records.exceptions import RecordConflict
from records.public import public_status, record_for_token
from satisfaction.forms import RatingForm, add_service_errors
from satisfaction.models import Source
from satisfaction.selectors import is_rated
from satisfaction.services import rate_record

logger = logging.getLogger(__name__)


def _page(request, record, token, *, form=None, conflict="", status=200):
    context = {
        "status": public_status(record),
        "token": token,
        "form": form,
        "rated": is_rated(record),
        "returned": record.status == Status.RETURNED,
        "conflict": conflict,
        "thanks": request.GET.get("ok") == "1",
    }
    return render(request, "citizens/rating.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    record = record_for_token(token)
    if record is None:
        context = {"form": LookupForm(), "link_invalid": True}
        return render(request, "citizens/lookup.html", context, status=404)
    can_rate = record.status == Status.RETURNED and not is_rated(record)
    if request.method == "GET":
        return _page(request, record, token, form=RatingForm() if can_rate else None)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _page(request, record, token, form=form, status=400)
    try:
        rate_record(
            record=record,
            answers=form.answers(),
            comment=form.cleaned_data["comment"],
            source=Source.ONLINE,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _page(request, record, token, form=form, status=400)
    except RecordConflict as error:
        return _page(request, record, token, conflict=error.message, status=409)
    logger.info("Satisfaction rating given online")
    return redirect(f"{request.path}?ok=1")


__all__ = ["rate"]
