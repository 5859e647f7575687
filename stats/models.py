"""Derived figures per (unit, local day). Records are the truth; these rows are recomputed from
them by ``stats.services`` and never edited by hand."""

from django.db import models
from django.utils.translation import gettext_lazy as _

COUNT_FIELDS = [
    # Intake, by receiving unit and local day of receipt (or submission / refusal).
    "received",
    "received_in_person",
    "received_online",
    "received_postal",
    "digitised",
    "not_accepted",
    "refused",
    # Online submissions accepted or refused, by receiving unit and local day of the decision.
    "acceptance_decided",
    "acceptance_on_time",
    # Handling, by handling unit and local day of the event.
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "stopped",
    "returned",
    "returned_counter",
    "returned_post",
    "returned_online",
    # Stock at the end of the day, by handling unit.
    "open_end",
    "overdue_end",
    "overdue_original_end",
]
STOCK_FIELDS = ["open_end", "overdue_end", "overdue_original_end"]
FLOW_FIELDS = [name for name in COUNT_FIELDS if name not in STOCK_FIELDS]


def _count(label):
    return models.PositiveIntegerField(label, default=0)


class DailyStat(models.Model):
    """The figures of one unit for one local day (Asia/Ho_Chi_Minh).

    - intake (receiving unit): ``received`` (status 2 reached that day) split by channel,
      ``digitised`` among them, ``not_accepted`` (online submissions of that day still in
      status 1), ``refused`` (status 3, dated by the refusal);
    - acceptance (receiving unit, day of the decision): ``acceptance_decided`` online
      submissions accepted (dated by the receipt) or refused at intake (dated by the refusal),
      ``acceptance_on_time`` those of them decided on or before their acceptance deadline
      (8 working hours from submission, moved by a finished completion pause);
    - handling (handling unit): ``finished`` (reached resolved, returned or stopped, dated by
      ``finished_at``) split by outcome, ``stopped`` among them, ``returned`` by method (dated by
      ``returned_at``);
    - stock at the end of the day (handling unit): ``open_end`` received on or before the day
      and not finished by its end; ``overdue_end`` those of them not paused at the end of the
      day (not waiting for the citizen's supplement or payment) whose date promised on that day
      (the extended date from the day of the extension, else the appointment date) is before
      the day; ``overdue_original_end`` those not paused whose original appointment date is
      before the day (the index's reading: an extension does not move it).

    One row per (unit, day), written only by upsert: recomputing is idempotent.
    """

    unit = models.ForeignKey(
        "communes.Commune", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    received = _count(_("received"))
    received_in_person = _count(_("received in person"))
    received_online = _count(_("received online"))
    received_postal = _count(_("received by post"))
    digitised = _count(_("digitised"))
    not_accepted = _count(_("submitted, not accepted"))
    refused = _count(_("refused"))
    acceptance_decided = _count(_("online submissions accepted or refused"))
    acceptance_on_time = _count(_("online submissions accepted or refused within 8 working hours"))
    finished = _count(_("finished"))
    finished_early = _count(_("finished early"))
    finished_on_time = _count(_("finished on time"))
    finished_late = _count(_("finished late"))
    stopped = _count(_("stopped"))
    returned = _count(_("returned"))
    returned_counter = _count(_("returned at the counter"))
    returned_post = _count(_("returned by post"))
    returned_online = _count(_("returned electronically"))
    open_end = _count(_("open at the end of the day"))
    overdue_end = _count(_("overdue at the end of the day"))
    overdue_original_end = _count(_("past the original date at the end of the day"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["day", "unit"]
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="dailystat_unit_day"),
        ]
        indexes = [models.Index(fields=["day"], name="dailystat_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class RecomputeOwed(models.Model):
    """A recompute owed: a record change altered the figures of ``unit`` from ``day`` on.
    Written in the same transaction as the change; deleted by the task that recomputes it, or
    else by the sweep or the nightly job, so a lost task costs minutes, never exact figures.
    """

    unit = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    noted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.unit_id} from {self.day}"
