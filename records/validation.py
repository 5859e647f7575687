"""Validation of applicant data, shared by the services, forms and API."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records.enums import Channel

# Province codes of birth registration (Circular 07/2016/TT-BCA), digits 1–3 of the 12-digit
# personal identification number. Hue (formerly Thừa Thiên Huế) is 046.
PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)
MOBILE_PREFIXES = ("03", "05", "07", "08", "09")
_SEPARATORS = re.compile(r"[\s.\-()]")


def validate_personal_id(value: str, *, today: date | None = None) -> str:
    """A 12-digit personal identification number (CCCD) with a valid province prefix and a
    birth year that is not in the future. Returns the number."""
    value = (value or "").strip()
    if not re.fullmatch(r"\d{12}", value):
        raise ValidationError(_("The personal ID number must have exactly 12 digits."))
    if value[:3] not in PROVINCE_CODES:
        raise ValidationError(
            _("The personal ID number starts with %(prefix)s, which is not a province code."),
            params={"prefix": value[:3]},
        )
    century = 1900 + (int(value[3]) // 2) * 100
    birth_year = century + int(value[4:6])
    if birth_year > (today or timezone.localdate()).year:
        raise ValidationError(_("The personal ID number encodes a birth year in the future."))
    return value


def validate_old_id(value: str) -> str:
    value = (value or "").strip()
    if not re.fullmatch(r"\d{9}", value):
        raise ValidationError(_("The old ID number must have exactly 9 digits."))
    return value


def normalise_phone(value: str) -> str:
    """A Vietnamese mobile number as ``0XXXXXXXXX`` (accepts +84, 84, spaces, dots, dashes)."""
    digits = _SEPARATORS.sub("", (value or "").strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0\d{9}", digits) or not digits.startswith(MOBILE_PREFIXES):
        raise ValidationError(
            _("Enter a Vietnamese mobile number: 10 digits starting with 03, 05, 07, 08 or 09.")
        )
    return digits


def identifier_lookup(value: str) -> tuple[str, str] | None:
    """The record field and normalised value a search text names, if it is a personal ID
    (12 digits), an old ID (9 digits) or a mobile phone (+84, spaces accepted); else None."""
    compact = _SEPARATORS.sub("", (value or "").strip())
    candidates = [
        ("applicant_id_number", validate_personal_id, compact),
        ("applicant_old_id_number", validate_old_id, compact),
        ("applicant_phone", normalise_phone, value),
    ]
    for field, normaliser, text in candidates:
        try:
            return field, normaliser(text)
        except ValidationError:
            continue
    return None


# What each channel needs from the applicant, besides the name.
REQUIRED_BY_CHANNEL = {
    Channel.IN_PERSON: ("identity",),
    Channel.ONLINE: ("identity", "applicant_phone"),
    Channel.POSTAL: ("applicant_phone", "applicant_address"),
}


def clean_applicant(channel: int, data: dict) -> dict:
    """Validate and normalise the applicant fields for ``channel``.

    Returns the cleaned fields; raises ``ValidationError`` with a message per field.
    """
    cleaned = _stripped_applicant(data)
    errors = _normalise_fields(cleaned)
    if channel not in Channel.values:
        errors["channel"] = [_("Choose a channel: in person, online or public postal service.")]
        return _raise_or_return(errors, cleaned)
    _check_channel_requirements(Channel(channel), cleaned, errors)
    return _raise_or_return(errors, cleaned)


def _stripped_applicant(data: dict) -> dict:
    """The applicant fields of ``data`` with surrounding blanks removed (inner runs of blanks
    collapsed in the name and the address)."""
    return {
        "applicant_name": " ".join((data.get("applicant_name") or "").split()),
        "applicant_id_number": (data.get("applicant_id_number") or "").strip(),
        "applicant_old_id_number": (data.get("applicant_old_id_number") or "").strip(),
        "applicant_phone": (data.get("applicant_phone") or "").strip(),
        "applicant_email": (data.get("applicant_email") or "").strip(),
        "applicant_address": " ".join((data.get("applicant_address") or "").split()),
    }


def _normalise_fields(cleaned: dict) -> dict[str, list]:
    """Check each field on its own and normalise the identifiers in ``cleaned`` (in place);
    returns the messages per field."""
    errors: dict[str, list] = {}
    if not cleaned["applicant_name"]:
        errors["applicant_name"] = [_("Enter the applicant's full name.")]
    elif len(cleaned["applicant_name"]) > 150:
        errors["applicant_name"] = [_("The name is too long (150 characters at most).")]
    validators = {
        "applicant_id_number": validate_personal_id,
        "applicant_old_id_number": validate_old_id,
        "applicant_phone": normalise_phone,
    }
    for name, validator in validators.items():
        if cleaned[name]:
            try:
                cleaned[name] = validator(cleaned[name])
            except ValidationError as exc:
                errors[name] = exc.messages
    if len(cleaned["applicant_address"]) > 255:
        errors["applicant_address"] = [_("The address is too long (255 characters at most).")]
    return errors


def _check_channel_requirements(channel: Channel, cleaned: dict, errors: dict) -> None:
    """Add to ``errors`` a message for each thing ``channel`` needs that ``cleaned`` lacks."""
    for requirement in REQUIRED_BY_CHANNEL[channel]:
        if requirement == "identity":
            if not cleaned["applicant_id_number"] and not cleaned["applicant_old_id_number"]:
                errors.setdefault("applicant_id_number", []).append(
                    _("Enter the personal ID number (or the old 9-digit ID number).")
                )
        elif not cleaned[requirement]:
            message = {
                "applicant_phone": _("A phone number is required for this channel."),
                "applicant_address": _("An address is required for postal delivery."),
            }[requirement]
            errors.setdefault(requirement, []).append(message)


def _raise_or_return(errors: dict, cleaned: dict) -> dict:
    if errors:
        raise ValidationError(errors)
    return cleaned


def mask_id(value: str) -> str:
    """``046123456789`` -> ``046*******89``: for lists and exports."""
    if not value:
        return ""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def mask_phone(value: str) -> str:
    """``0912345678`` -> ``091*****78``."""
    return mask_id(value)


def mask_name(value: str) -> str:
    """``Nguyễn Văn An`` -> ``N. V. A.``: names in lists read by the city office."""
    return " ".join(f"{word[0]}." for word in (value or "").split())


# What each notification channel sends to: SMS and Zalo the mobile phone, e-mail the address.
NOTIFY_NEEDS = {
    "notify_sms": "applicant_phone",
    "notify_zalo": "applicant_phone",
    "notify_email": "applicant_email",
}


def clean_notify(notify: dict, applicant: dict) -> dict:
    """The notification channels chosen (``notify_sms``, ``notify_zalo``, ``notify_email``,
    booleans) checked against the applicant's cleaned contact details: e-mail needs the
    e-mail address, SMS and Zalo the mobile phone. Returns the three booleans; raises
    ``ValidationError`` with a message on each channel that cannot be sent."""
    chosen = {name: bool((notify or {}).get(name)) for name in NOTIFY_NEEDS}
    messages = {
        "notify_sms": _("SMS notifications need the applicant's mobile phone."),
        "notify_zalo": _("Zalo notifications need the applicant's mobile phone."),
        "notify_email": _("E-mail notifications need the applicant's e-mail address."),
    }
    errors = {
        name: [messages[name]]
        for name, needs in NOTIFY_NEEDS.items()
        if chosen[name] and not (applicant or {}).get(needs)
    }
    return _raise_or_return(errors, chosen)
