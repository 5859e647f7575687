"""What the clerk's pages share: who may see and write, the scoped record or a 404, the
services' field errors put back on a form."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import UNIT_ROLES, Role
from records.enums import AccessChannel
from records.permissions import can_read_record_pages, can_see_names
from records.selectors import record_for_user
from records.services import log_personal_data_access
from records.validation import mask_name


def can_write(user) -> bool:
    return user.in_role(Role.CLERK)


def require_unit_user(user):
    """The workspace is for a unit's clerks and leader (and administrators)."""
    if not user.in_role(*UNIT_ROLES):
        raise PermissionDenied


def require_list_reader(user):
    """Lists, their CSV and record pages also serve the city office's drill-down, read-only
    with personal data masked (``permissions.record_page_rules``)."""
    if not can_read_record_pages(user):
        raise PermissionDenied


def applicant_name(user, record) -> str:
    if can_see_names(user):
        return record.applicant_name
    return mask_name(record.applicant_name)


def record_or_404(user, code: str):
    record = record_for_user(user, code)
    if record is None:
        raise Http404
    return record


def log_page_read(user, record, rules) -> None:
    """Log the personal data a record's page shows in full (``rules.logged_fields``)."""
    if rules.logged_fields:
        log_personal_data_access(
            user=user, records=[record], fields=list(rules.logged_fields), via=AccessChannel.WEB
        )


def list_url(**filters) -> str:
    return f"{reverse('records:list')}?{urlencode(filters, doseq=True)}"


def errors_to_form(form, exc: ValidationError):
    """Put a service's ValidationError on the form, next to the fields it names."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages_ in errors.items():
        target = field if field in form.fields else None
        if target is not None and target in form.errors:
            continue  # the form's own message for the field comes first and suffices
        for message in messages_:
            form.add_error(target, message)
