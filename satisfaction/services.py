"""Writes of ratings: ``rate_record`` is the only way a rating is made."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from records.enums import Status
from records.exceptions import RecordConflict
from records.models import Record
from records.permissions import ensure_can_act
from satisfaction.models import Rating, Source
from satisfaction.questions import COMMENT_MAX_LENGTH, INDICATORS


class AlreadyRated(RecordConflict):
    def __init__(self):
        super().__init__(_("This record has already been rated. Thank you: one rating per record."))


class NotReturned(RecordConflict):
    def __init__(self):
        super().__init__(_("A record can be rated once its result has been handed over."))


def _score(value):
    """An answer as an int, or None when it is not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def clean_answers(answers: dict, comment: str) -> tuple[dict[str, int], str]:
    """Every indicator answered within its allowed set, the comment within its length; a
    ``ValidationError`` with a message per field otherwise."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, int] = {}
    for indicator in INDICATORS:
        raw = answers.get(indicator.field)
        score = _score(raw)
        if raw in (None, ""):
            errors[indicator.field] = [_("Choose an answer.")]
        elif score not in indicator.allowed:
            errors[indicator.field] = [_("Choose one of the answers offered.")]
        else:
            cleaned[indicator.field] = score
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = [
            _("Keep the comment to %(max)d characters (it has %(length)d).")
            % {"max": COMMENT_MAX_LENGTH, "length": len(comment)}
        ]
    if errors:
        raise ValidationError(errors)
    return cleaned, comment


def rate_record(
    *,
    record: Record,
    answers: dict,
    comment: str = "",
    source: str = Source.ONLINE,
    entered_by=None,
    at=None,
) -> Rating:
    """Rate a returned record, once. ``source`` online (the citizen, no ``entered_by``) or
    paper (a clerk of the record's unit, kept as ``entered_by``).

    Raises ``ValidationError`` (400) for a missing or unknown answer or a too-long comment,
    ``NotReturned`` / ``AlreadyRated`` (``RecordConflict``, 409) when the record is not
    returned or already has a rating (from either source; the unique record key decides when
    two arrive at once), ``PermissionDenied`` when ``entered_by`` may not act on the record.
    """
    if source not in Source.values:
        raise ValidationError({"source": _("Unknown source of the rating.")})
    if source == Source.PAPER:
        if entered_by is None:
            raise PermissionDenied(_("A paper form is entered by a clerk of the record's unit."))
        ensure_can_act(entered_by, record)
    else:
        entered_by = None
    cleaned, comment = clean_answers(answers, comment)
    current = Record.objects.only("status").get(pk=record.pk)
    if current.status != Status.RETURNED:
        raise NotReturned()
    if Rating.objects.filter(record_id=record.pk).exists():
        raise AlreadyRated()
    try:
        with transaction.atomic():
            return Rating.objects.create(
                record_id=record.pk,
                source=source,
                entered_by=entered_by,
                rated_at=at or timezone.now(),
                comment=comment,
                **cleaned,
            )
    except IntegrityError as error:
        # Two ratings of one record at once: the unique key let one in.
        raise AlreadyRated() from error


__all__ = ["AlreadyRated", "NotReturned", "clean_answers", "rate_record"]
