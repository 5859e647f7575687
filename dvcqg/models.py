"""The outbox of the national portal's connector: one ``SyncMessage`` per change of a record
the portal must learn, written in the transaction of the change and delivered afterwards
(``dvcqg.outbox``, ``dvcqg.tasks``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncState(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class SyncMessage(models.Model):
    """One status message for the national portal, in order per record (``sequence``),
    idempotent on ``key`` (sent as the ``Idempotency-Key`` header).

    ``pending``: not delivered yet (never tried, or tried fewer than ``DVCQG_MAX_ATTEMPTS``
    times); ``failed``: tried that many times without success — shown to users and the
    admin, and still retried by the sweep (at the longest back-off), so it is never dropped;
    ``sent``: the portal answered 2xx, final."""

    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("record"),
        on_delete=models.PROTECT,
        related_name="sync_messages",
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    key = models.CharField(_("message key"), max_length=40, unique=True)
    national_status = models.PositiveSmallIntegerField(_("national status"))
    national_word = models.CharField(_("national status word"), max_length=20)
    action = models.CharField(_("action"), max_length=30)
    at = models.DateTimeField(_("time of the change"))
    payload = models.JSONField(_("payload"), default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=SyncState.choices, default=SyncState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sync message")
        verbose_name_plural = _("sync messages")
        ordering = ["record_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "sequence"], name="syncmessage_record_sequence"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="syncmessage_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.national_word} ({self.state})"
