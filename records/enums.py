"""The records' choices and status sets: the vocabulary that the models, the lifecycle table
(``records.lifecycle``), the services and the interfaces share. Imports no other records
module, so that models and lifecycle both build on it without importing each other."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    SAME_DAY = "same_day", _("same day")
    IMMEDIATE = "immediate", _("immediate")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("full-process online")
    PARTIAL = "partial", _("partly online")
    NONE = "none", _("not online")


class CalendarDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("extra day off")
    WORKING_DAY = "working_day", _("working day (swapped Saturday)")


class Channel(models.IntegerChoices):
    """National channel codes."""

    IN_PERSON = 1, _("in person")
    ONLINE = 2, _("online")
    POSTAL = 3, _("public postal service")


# What a dossier received at the desk can come by: an online dossier only comes from an online
# submission (``record_submit``, then ``record_receive``), never typed in at the counter.
DESK_CHANNELS = (Channel.IN_PERSON, Channel.POSTAL)


class Status(models.IntegerChoices):
    """Statuses with the codes of the National Public Service Portal."""

    SUBMITTED = 1, _("submitted")
    RECEIVED = 2, _("received")
    REFUSED = 3, _("refused")
    PROCESSING = 4, _("processing")
    SUPPLEMENT_REQUESTED = 5, _("supplement requested")
    AWAITING_PAYMENT = 6, _("awaiting payment")
    WITHDRAWAL_REQUESTED = 7, _("withdrawal requested")
    STOPPED = 8, _("stopped")
    RESOLVED = 9, _("resolved")
    RETURNED = 10, _("returned")


OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.PROCESSING,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
        Status.WITHDRAWAL_REQUESTED,
    }
)
PAUSED_STATUSES = frozenset({Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT})
FINISHED_STATUSES = frozenset({Status.STOPPED, Status.RESOLVED, Status.RETURNED})


class Outcome(models.TextChoices):
    EARLY = "early", _("early")
    ON_TIME = "on_time", _("on time")
    LATE = "late", _("late")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("at the counter")
    POST = "post", _("by post")
    ONLINE = "online", _("electronically")


class ResultDelivery(models.TextChoices):
    """Where the applicant wants the result: at the unit's desk, at the agent point, or
    delivered home by Vietnam Post."""

    AT_UNIT = "unit", _("at the unit's desk")
    AT_POINT = "point", _("at the agent point")
    BY_POST = "post", _("delivered home by post")


class AccessChannel(models.TextChoices):
    API = "api", _("API")
    WEB = "web", _("web page")
    EXPORT = "export", _("export")


class DeliveryPlace(models.TextChoices):
    """Where post office staff handed a result over (``record_deliver``)."""

    AT_POINT = "point", _("at the agent point")
    AT_HOME = "home", _("at the applicant's home")


class PaymentState(models.TextChoices):
    """A payment request's state: open until paid, cancelled (the record stopped while it was
    open) or refunded (after it was paid)."""

    REQUESTED = "requested", _("requested")
    PAID = "paid", _("paid")
    CANCELLED = "cancelled", _("cancelled")
    REFUNDED = "refunded", _("refunded")


class PaymentChannel(models.TextChoices):
    """How a fee was paid: at the one-stop desk's counter, or online through the gateway."""

    COUNTER = "counter", _("at the counter")
    ONLINE = "online", _("online")
