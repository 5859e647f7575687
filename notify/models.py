"""Notifications to citizens: the templates the city office edits (one per event and
channel) and the outbox, one ``Notification`` per history event and channel, written in the
change's transaction and sent afterwards (``notify.outbox``, ``notify.tasks``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotifyChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")
    EMAIL = "email", _("e-mail")


class NotifyEvent(models.TextChoices):
    """What a citizen is told about, each from one or more lifecycle actions
    (``notify.events.ACTION_EVENTS``)."""

    SUBMITTED = "submitted", _("online submission received")
    REFUSED = "refused", _("dossier not accepted")
    RECEIVED = "received", _("dossier accepted, appointment date")
    SUPPLEMENT = "supplement", _("supplement requested")
    PAYMENT = "payment", _("fee to pay")
    RESULT_READY = "result_ready", _("result ready")
    RETURNED = "returned", _("result handed over")
    EXTENDED = "extended", _("apology and new appointment date")


class NotificationState(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class NotificationTemplate(models.Model):
    """The text of one event's message on one channel, in Vietnamese, rendered with Django's
    template engine from the fixed context of ``notify.rendering.CONTEXT_NAMES`` (e.g.
    ``{{ code }}``, ``{{ status }}``, ``{{ link }}``). An inactive template sends nothing."""

    event = models.CharField(_("event"), max_length=20, choices=NotifyEvent.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=NotifyChannel.choices)
    active = models.BooleanField(_("active"), default=True)
    subject = models.CharField(
        _("subject (e-mail)"), max_length=200, blank=True, help_text=_("Used by e-mail only.")
    )
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["event", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel"], name="notifytemplate_event_channel"
            ),
            models.CheckConstraint(
                condition=models.Q(event__in=NotifyEvent.values), name="notifytemplate_event_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=NotifyChannel.values),
                name="notifytemplate_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} · {self.get_channel_display()}"

    def clean(self):
        # Imported here: rendering imports records.public, which needs the app registry.
        from notify.rendering import check_template  # noqa: PLC0415 - see above

        errors = {}
        for field in ("subject", "body"):
            message = check_template(getattr(self, field))
            if message:
                errors[field] = message
        if errors:
            raise ValidationError(errors)


class Notification(models.Model):
    """One message to the applicant of a record: for one history event on one channel
    (unique: a repeated write, or a repeated send, never gives a second message). The text
    is rendered when the event happens (its dates and reason as they were); the address is
    read from the record when it is sent, so it is never copied here.

    ``pending``: not sent yet; ``failed``: ``NOTIFY_MAX_ATTEMPTS`` attempts without success,
    still retried by the sweep at the longest back-off; ``sent``: final."""

    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("record"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    history_event = models.ForeignKey(
        "records.RecordEvent",
        verbose_name=_("history event"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    event = models.CharField(_("event"), max_length=20, choices=NotifyEvent.choices)
    action = models.CharField(_("action"), max_length=30)
    channel = models.CharField(_("channel"), max_length=10, choices=NotifyChannel.choices)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["history_event", "channel"], name="notification_event_channel"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"

    @property
    def key(self) -> str:
        """The message's idempotency key (``Idempotency-Key`` of the gateway): one history
        event and one channel."""
        return f"{self.history_event_id}:{self.channel}"
