"""The log of public status lookups: every lookup, found or not, refused or not, without the
ID number that was typed (the code is kept: it is how abuse of one record shows)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LookupOutcome(models.TextChoices):
    FOUND = "found", _("found")
    NOT_FOUND = "not_found", _("not found")
    INVALID = "invalid", _("invalid input")
    LIMITED = "limited", _("refused: too many lookups")


class LookupVia(models.TextChoices):
    FORM = "form", _("code and ID number")
    LINK = "link", _("status link (QR code or message)")


class Lookup(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    via = models.CharField(_("via"), max_length=10, choices=LookupVia.choices)
    code = models.CharField(_("record code entered"), max_length=40, blank=True)
    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=LookupOutcome.choices)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("status lookup")
        verbose_name_plural = _("status lookups")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.code or '—'} {self.outcome}"
