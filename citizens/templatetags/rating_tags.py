"""The status page's invitation to rate (``citizens/partials/rating_invitation.html``)."""

from django import template
from django.urls import reverse

from records.enums import Status
from records.public import status_token
from satisfaction.selectors import is_rated

register = template.Library()


@register.simple_tag
def rating_invitation(record) -> dict:
    """Nothing before the result is returned; then either the rating link (a fresh status
    token, so that it works after a lookup by code and ID number too) or "already rated"."""
    if record is None or record.status != Status.RETURNED:
        return {"show": False}
    if is_rated(record):
        return {"show": True, "rated": True}
    url = reverse("citizens:rate", kwargs={"token": status_token(record)})
    return {"show": True, "rated": False, "url": url}
