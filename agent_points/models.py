from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class AgentPointKind(models.TextChoices):
    FORMER_HQ_POST_OFFICE = "former_hq_post_office", _("Post office at a former headquarters")
    ONLINE_SUPPORT_POINT = "online_support_point", _("Online public-service support point")
    POST_OFFICE = "post_office", _("Post office")
    OTHER = "other", _("Other agent point")


class AgentPoint(TimeStampedModel):
    """A public-service agent point (điểm phục vụ / đại lý dịch vụ công) attached to one unit.

    The list is provisional until the city publishes the official one; a point missing from an
    updated list is deactivated, never deleted, because records keep pointing at it.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune-level unit"),
        on_delete=models.PROTECT,
        related_name="agent_points",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AgentPointKind.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    former_unit = models.CharField(_("former unit"), max_length=120, blank=True)
    former_unit_old_code = models.CharField(_("former unit code"), max_length=5, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("agent point")
        verbose_name_plural = _("agent points")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class OnlineAssistance(models.Model):
    """How many citizens the agent point helped to file online on one day (one row per point
    and day; a new entry for the same day replaces the count)."""

    agent_point = models.ForeignKey(
        AgentPoint,
        verbose_name=_("agent point"),
        on_delete=models.PROTECT,
        related_name="online_assistance",
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("citizens helped to file online"))
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("online filing assistance")
        verbose_name_plural = _("online filing assistance")
        constraints = [
            models.UniqueConstraint(fields=["agent_point", "day"], name="onlineassistance_day"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_point_id} {self.day}: {self.count}"
