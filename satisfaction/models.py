"""One satisfaction rating per record (the unique record key is what makes "once" hold under
concurrent submissions), whatever its source: online by the citizen, or a paper form entered
by a clerk (who is kept)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satisfaction.questions import COMMENT_MAX_LENGTH, INDICATORS, SCORES


class Source(models.TextChoices):
    ONLINE = "online", _("online, by the citizen")
    PAPER = "paper", _("paper form, entered by a clerk")


def _score_field(indicator):
    return models.PositiveSmallIntegerField(indicator.question, choices=list(indicator.answers))


class Rating(models.Model):
    record = models.OneToOneField(
        "records.Record",
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="satisfaction_rating",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), db_index=True)
    total_time = _score_field(INDICATORS[0])
    unit_time = _score_field(INDICATORS[1])
    contacts = _score_field(INDICATORS[2])
    agencies = _score_field(INDICATORS[3])
    one_stop = _score_field(INDICATORS[4])
    publicity = _score_field(INDICATORS[5])
    attitude = _score_field(INDICATORS[6])
    convenience = _score_field(INDICATORS[7])
    overall = _score_field(INDICATORS[8])
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-rated_at", "-id"]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{indicator.field}__in": SCORES}),
                name=f"rating_{indicator.field}_score",
            )
            for indicator in INDICATORS
        ] + [
            models.CheckConstraint(
                condition=models.Q(source="online", entered_by__isnull=True)
                | models.Q(source="paper", entered_by__isnull=False),
                name="rating_source_entered_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.source} {self.overall}"
