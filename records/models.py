"""Procedures, records and their append-only history, and the working-day calendar overrides."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.text import fold
from records.enums import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    AccessChannel,
    CalendarDayKind,
    Channel,
    OnlineLevel,
    Outcome,
    PaymentChannel,
    PaymentState,
    ResultDelivery,
    ReturnMethod,
    Status,
    TimeUnit,
)
from records.lifecycle import action_label

# The notification channels a citizen may choose, each a ``notify_<name>`` field of Record.
NOTIFY_CHANNELS = ("sms", "zalo", "email")


class Procedure(TimeStampedModel):
    """An administrative procedure (thủ tục hành chính) with its legal time limit."""

    key = models.SlugField(_("key"), max_length=100, unique=True)
    national_code = models.CharField(_("national code"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    field = models.CharField(_("field"), max_length=120)
    field_en = models.CharField(_("field (English)"), max_length=120, blank=True)
    time_limit = models.PositiveSmallIntegerField(_("time limit"))
    time_unit = models.CharField(_("time unit"), max_length=20, choices=TimeUnit.choices)
    online_level = models.CharField(_("online level"), max_length=10, choices=OnlineLevel.choices)
    confidence = models.CharField(_("source confidence"), max_length=20, blank=True)
    # The fee (phí) and the charge (lệ phí) in đồng; empty: none is collected for it.
    fee = models.PositiveIntegerField(
        _("fee (phí), đồng"), null=True, blank=True, help_text=_("Empty: no fee.")
    )
    charge = models.PositiveIntegerField(
        _("charge (lệ phí), đồng"), null=True, blank=True, help_text=_("Empty: no charge.")
    )
    active = models.BooleanField(_("active"), default=True)
    needs_approval = models.BooleanField(
        _("needs the leader's approval"),
        default=False,
        help_text=_(
            "The specialist's proposed result (resolve, stop, extension) goes to the unit "
            "leader's queue and happens once approved."
        ),
    )

    class Meta:
        ordering = ["field", "name"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [
            models.CheckConstraint(
                condition=Q(time_unit__in=TimeUnit.values), name="procedure_time_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(online_level__in=OnlineLevel.values),
                name="procedure_online_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def fee_total(self) -> int:
        """What a payment request asks by default: the fee plus the charge (0: free)."""
        return (self.fee or 0) + (self.charge or 0)


class CalendarDay(TimeStampedModel):
    """An override of the national calendar published by the city: an extra day off, or a
    Saturday/Sunday worked in exchange for a bridge day."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarDayKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()}"


class Record(TimeStampedModel):
    """A citizen's dossier (hồ sơ) received for an administrative procedure.

    Status, dates and outcome change only through ``records.services``; ``version`` grows by one
    with every action so that concurrent changes are detected. ``code`` is issued at receipt
    and never changes.
    """

    code = models.CharField(_("record code"), max_length=40, unique=True, null=True, blank=True)
    # The opaque address of the record's submission page (never an ID number, never guessable).
    public_id = models.UUIDField(
        _("public identifier"), default=uuid.uuid4, unique=True, editable=False
    )
    # The national portal's dossier number of an online submission (its idempotency key).
    national_dossier_no = models.CharField(
        _("national dossier number"), max_length=50, unique=True, null=True, blank=True
    )
    receiving_unit = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="received_records",
    )
    handling_unit = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="handled_records",
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="records"
    )
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices)

    applicant_name = models.CharField(_("applicant name"), max_length=150)
    applicant_name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    applicant_id_number = models.CharField(_("personal ID number"), max_length=12, blank=True)
    applicant_old_id_number = models.CharField(_("old ID number"), max_length=9, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=10, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=255, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # An online submission must be accepted, refused or returned for completion within 8
    # working hours of its submission (Decree 45/2020/NĐ-CP): this is that moment.
    acceptance_due_at = models.DateTimeField(_("acceptance deadline"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_date = models.DateField(_("appointment date"), null=True, blank=True)
    extended_due_date = models.DateField(_("extended appointment date"), null=True, blank=True)
    extended_at = models.DateTimeField(_("first extended at"), null=True, blank=True)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_method = models.CharField(
        _("return method"), max_length=10, choices=ReturnMethod.choices, blank=True
    )

    agent_point = models.ForeignKey(
        "agent_points.AgentPoint",
        verbose_name=_("agent point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    result_delivery = models.CharField(
        _("result wanted"),
        max_length=10,
        choices=ResultDelivery.choices,
        default=ResultDelivery.AT_UNIT,
    )
    result_at_point_since = models.DateTimeField(
        _("result taken over by the agent point at"), null=True, blank=True
    )
    # A transfer to the competent unit (handling unit ≠ receiving unit) not yet accepted by it.
    transfer_pending_since = models.DateTimeField(
        _("transfer awaiting acceptance since"), null=True, blank=True
    )
    # The result of a transferred record, back at the receiving unit's desk to be returned.
    result_at_desk_since = models.DateTimeField(
        _("result at the receiving desk since"), null=True, blank=True
    )
    digitised = models.BooleanField(_("digitised"), default=False)
    # Derived from the payments (``records.services.fees``): true once a fee of the record was
    # paid online through the gateway; never set by hand (the figures read it).
    paid_online = models.BooleanField(_("paid online"), default=False, editable=False)
    e_result = models.BooleanField(_("electronic result"), default=False)
    # The channels the applicant chose at receipt for messages about the record's progress
    # (the ``notify`` app sends them): SMS and Zalo to the phone, e-mail to the e-mail address.
    notify_sms = models.BooleanField(_("notify by SMS"), default=False)
    notify_zalo = models.BooleanField(_("notify by Zalo"), default=False)
    notify_email = models.BooleanField(_("notify by e-mail"), default=False)
    note = models.TextField(_("note"), blank=True)
    # What the desk noted as missing from the dossier at receipt (beside the unticked
    # components).
    components_missing = models.TextField(_("missing documents"), blank=True)
    # Some change of the record is not yet delivered to the national portal: set by the
    # connector (``dvcqg``) in the transaction that writes the change's sync message, cleared
    # when its last unsent message is sent. Read only on its partial index (the backlog), for
    # the sync rate of Decision 766's indicator 1.4; never set by an action of the record.
    sync_pending = models.BooleanField(
        _("sync with the national portal pending"), default=False, editable=False
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("record")
        verbose_name_plural = _("records")
        indexes = [
            models.Index(fields=["receiving_unit", "received_at"], name="record_recv_unit_time"),
            models.Index(fields=["handling_unit", "status"], name="record_hand_unit_status"),
            models.Index(fields=["status", "due_date"], name="record_status_due"),
            models.Index(fields=["agent_point", "status"], name="record_point_status"),
            # Only the transfers awaiting acceptance: the handling unit's list of them.
            models.Index(
                fields=["handling_unit", "transfer_pending_since"],
                condition=Q(transfer_pending_since__isnull=False),
                name="record_transfer_pending",
            ),
            # Only the records whose sync is pending: its size is the backlog, not the history.
            models.Index(
                fields=["receiving_unit", "received_at"],
                condition=Q(sync_pending=True),
                name="record_sync_pending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="record_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="record_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[Status.SUBMITTED, Status.REFUSED])
                | Q(code__isnull=False, received_at__isnull=False, due_date__isnull=False),
                name="record_received_has_code_and_due_date",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    def save(self, *args, **kwargs):
        self.applicant_name_folded = fold(self.applicant_name)
        super().save(*args, **kwargs)

    @property
    def notify_channels(self) -> tuple[str, ...]:
        """The channels chosen for notifications, as ``sms``, ``zalo``, ``email``."""
        return tuple(name for name in NOTIFY_CHANNELS if getattr(self, f"notify_{name}"))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        """Waiting for the citizen (supplement or payment): the clock is stopped."""
        return self.status in PAUSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Overdue now: open, not paused, and past the date last promised (the extended one if
        any). ``selectors.overdue_q`` is the same rule in SQL; README, "Overdue and late"."""
        due = self.current_due_date
        return bool(self.is_open and not self.is_paused and due and due < timezone.localdate())

    @property
    def is_past_original_date(self) -> bool:
        """Open, not paused and past the original appointment date: late for the index
        (Decision 766), even when an extension promised a later date."""
        due = self.due_date
        return bool(self.is_open and not self.is_paused and due and due < timezone.localdate())

    @property
    def current_due_date(self):
        """The date the applicant was last promised: the extended one if any."""
        return self.extended_due_date or self.due_date


class ComponentKind(models.TextChoices):
    ORIGINAL = "original", _("original")
    CERTIFIED_COPY = "certified", _("certified copy")
    COPY = "copy", _("copy")


class ProcedureComponent(models.Model):
    """One document the law asks for in a procedure's dossier (thành phần hồ sơ): its name,
    original, certified copy or copy, and how many. Edited in the admin; seeded from
    ``records/data/procedure_components.csv``."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="required_components",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("component"), max_length=300)
    kind = models.CharField(
        _("original or copy"),
        max_length=10,
        choices=ComponentKind.choices,
        default=ComponentKind.ORIGINAL,
    )
    count = models.PositiveSmallIntegerField(
        _("number of copies"), default=1, validators=[MinValueValidator(1)]
    )
    optional = models.BooleanField(_("only if applicable"), default=False)

    class Meta:
        ordering = ["procedure", "position", "id"]
        verbose_name = _("required component")
        verbose_name_plural = _("required components")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ComponentKind.values),
                name="procedurecomponent_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(count__gte=1), name="procedurecomponent_count_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DossierComponent(models.Model):
    """One document of a dossier (thành phần hồ sơ) as the national portal lists it: the file
    the applicant uploaded, whether it is an original or a copy, and whether it was digitised
    or reused from the national data."""

    record = models.ForeignKey(
        Record, verbose_name=_("record"), on_delete=models.CASCADE, related_name="components"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("component"), max_length=300)
    kind = models.CharField(
        _("original or copy"),
        max_length=10,
        choices=ComponentKind.choices,
        default=ComponentKind.COPY,
    )
    count = models.PositiveSmallIntegerField(
        _("number of copies"), default=1, validators=[MinValueValidator(1)]
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    checksum = models.CharField(_("checksum"), max_length=128, blank=True)
    digitised = models.BooleanField(_("digitised"), default=False)
    reused = models.BooleanField(_("reused"), default=False)
    # Ticked at receipt: handed in (True) or listed by the procedure but missing (False).
    provided = models.BooleanField(_("handed in"), default=True)

    class Meta:
        ordering = ["record", "position", "id"]
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ComponentKind.values), name="dossiercomponent_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(count__gte=1), name="dossiercomponent_count_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def scans_storage():
    """The storage of the dossiers' scans (``STORAGES["scans"]``): never a public URL."""
    return storages["scans"]


def scan_path(instance, filename: str) -> str:
    """Where a scan is stored: by year and month, under a random name (the uploaded name is
    kept in ``original_name``, never in the path)."""
    suffix = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
    moment = timezone.now()
    return f"{moment:%Y/%m}/{uuid.uuid4().hex}{suffix.get(instance.content_type, '')}"


class RecordScan(models.Model):
    """A scan of a dossier's document (PDF, JPEG or PNG), checked by content and size at
    upload, stored through ``STORAGES["scans"]`` and read only through the record's scan view
    (scope checked, the read logged as a personal-data read)."""

    record = models.ForeignKey(
        Record, verbose_name=_("record"), on_delete=models.PROTECT, related_name="scans"
    )
    file = models.FileField(_("file"), upload_to=scan_path, storage=scans_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("checksum"), max_length=64)
    title = models.CharField(_("document"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["record", "uploaded_at", "id"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")

    def __str__(self) -> str:
        return self.title or self.original_name


class RecordEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Record history is append-only.")

    def delete(self):
        raise PermissionError("Record history is append-only.")


class RecordEvent(models.Model):
    """One step in a record's history. Append-only: never updated or deleted."""

    record = models.ForeignKey(
        Record, verbose_name=_("record"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.PositiveSmallIntegerField(
        _("from status"), choices=Status.choices, null=True, blank=True
    )
    to_status = models.PositiveSmallIntegerField(_("to status"), choices=Status.choices)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = RecordEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("record event")
        verbose_name_plural = _("record events")
        indexes = [models.Index(fields=["record", "at"], name="recordevent_record_at")]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Record history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Record history is append-only.")

    @property
    def action_label(self) -> str:
        return action_label(self.action)


class RecordSequence(models.Model):
    """Last record-code sequence number issued per receiving unit per local day."""

    unit = models.ForeignKey("communes.Commune", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="recordsequence_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}: {self.last_number}"


class PersonalDataAccess(models.Model):
    """Who read or exported a record's personal identifiers, and when (append-only)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    record = models.ForeignKey(
        Record, verbose_name=_("record"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), db_index=True)
    fields = models.JSONField(_("fields"), default=list)
    via = models.CharField(_("via"), max_length=10, choices=AccessChannel.choices)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.record_id} ({self.via})"


# --- Fees and payments ------------------------------------------------------------------------


class PaymentRequest(models.Model):
    """A request to the applicant to pay a fee or charge for a record (status 6 pauses its
    clock). Written only by ``records.services.fees``."""

    # The opaque reference the gateway knows the request by (never the record code).
    public_id = models.UUIDField(
        _("public identifier"), default=uuid.uuid4, unique=True, editable=False
    )
    record = models.ForeignKey(
        Record,
        verbose_name=_("record"),
        on_delete=models.PROTECT,
        related_name="payment_requests",
    )
    amount = models.PositiveIntegerField(_("amount (đồng)"), validators=[MinValueValidator(1)])
    purpose = models.CharField(_("for"), max_length=300)
    due_date = models.DateField(_("pay by"))
    state = models.CharField(
        _("state"), max_length=10, choices=PaymentState.choices, default=PaymentState.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("paid, cancelled or refunded at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=PaymentState.values), name="paymentrequest_state_valid"
            ),
            # At most one open request per record.
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(state="requested"),
                name="paymentrequest_one_open_per_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.amount} ({self.state})"


class Payment(models.Model):
    """The payment of a request, at the counter or online (with the gateway's transaction
    reference), and its receipt number (per receiving unit and year, without gaps)."""

    request = models.OneToOneField(
        PaymentRequest,
        verbose_name=_("payment request"),
        on_delete=models.PROTECT,
        related_name="payment",
    )
    amount = models.PositiveIntegerField(_("amount (đồng)"))
    channel = models.CharField(_("paid"), max_length=10, choices=PaymentChannel.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    paid_at = models.DateTimeField(_("paid at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    receipt_unit = models.ForeignKey(
        "communes.Commune", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    receipt_year = models.PositiveSmallIntegerField(_("receipt year"))
    receipt_number = models.PositiveIntegerField(_("receipt number"))

    class Meta:
        ordering = ["paid_at", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=PaymentChannel.values), name="payment_channel_valid"
            ),
            models.UniqueConstraint(
                fields=["receipt_unit", "receipt_year", "receipt_number"],
                name="payment_receipt_number_unique",
            ),
            # The gateway's transaction reference is recorded once (callbacks are replayed).
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(channel="online"),
                name="payment_online_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_no

    @property
    def receipt_no(self) -> str:
        """The receipt's number as printed: ``<number>/<year>`` (the series is the unit's)."""
        return f"{self.receipt_number:07d}/{self.receipt_year}"


class Refund(models.Model):
    """A paid fee given back, with the reason (the ``refund`` action writes the history)."""

    payment = models.OneToOneField(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refund"
    )
    amount = models.PositiveIntegerField(_("amount (đồng)"))
    reason = models.TextField(_("reason"))
    refunded_at = models.DateTimeField(_("refunded at"))
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("refunded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["refunded_at", "id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.amount}"


class ReceiptSequence(models.Model):
    """Last fee-receipt number issued per receiving unit per year."""

    unit = models.ForeignKey("communes.Commune", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="receiptsequence_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.last_number}"


class Assignment(models.Model):
    """Who handles a record (the specialist, chuyên viên) from when to when, who handed it to
    them, and the step's deadline. One open row (``until`` empty) per open record; "my
    records" is the indexed query on the open rows of an officer."""

    record = models.ForeignKey(
        Record, verbose_name=_("record"), on_delete=models.PROTECT, related_name="assignments"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    since = models.DateTimeField(_("since"))
    until = models.DateTimeField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    step_due_date = models.DateField(_("step deadline"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["since", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(
                fields=["officer", "record"],
                condition=Q(until__isnull=True),
                name="assignment_open_officer",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(until__isnull=True), name="assignment_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} → {self.officer_id}"


class AssignmentTurn(models.Model):
    """Whose turn it is, per unit and procedure field: the last specialist given a new
    record (round robin). Locked while choosing, so concurrent receipts take turns."""

    unit = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=120)
    last_officer_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "field"], name="assignmentturn_unit_field"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.field}: {self.last_officer_id}"


class ProposalDecision(models.TextChoices):
    APPROVED = "approved", _("approved")
    SENT_BACK = "sent_back", _("sent back")


class Proposal(models.Model):
    """A result the specialist proposes on a procedure that needs the leader's approval: the
    action (resolve, stop, extend) and its arguments, waiting in the unit leader's queue until
    approved (the action then happens through its service) or sent back with a note."""

    record = models.ForeignKey(
        Record, verbose_name=_("record"), on_delete=models.PROTECT, related_name="proposals"
    )
    action = models.CharField(_("proposed action"), max_length=30)
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    record_version = models.PositiveIntegerField()  # the record's version after the proposal
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=ProposalDecision.choices, blank=True
    )
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(decided_at__isnull=True), name="proposal_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.action}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)
