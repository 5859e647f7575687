from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.text import fold


class CommuneKind(models.TextChoices):
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")


class Commune(TimeStampedModel):
    """One of Hue City's 40 commune-level units (since 1 July 2025) and its service centre.

    ``code`` is the official 5-digit unit code. Some codes were reused from former units: a code
    never means the same unit before and after 1 July 2025.
    """

    code = models.CharField(_("unit code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CommuneKind.choices)
    agency_code = models.CharField(
        _("agency code"),
        max_length=20,
        unique=True,
        help_text=_(
            "Prefix of record codes; official codes not yet published (default H57.<code>)."
        ),
    )
    hq_address = models.CharField(_("centre address"), max_length=255, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    former_units = models.JSONField(_("former units"), default=list, blank=True)
    resolution_clause = models.PositiveSmallIntegerField(
        _("resolution clause"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-kind", "name_folded"]
        verbose_name = _("commune-level unit")
        verbose_name_plural = _("commune-level units")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CommuneKind.values), name="commune_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def place_name(self) -> str:
        """The place as forms write it before the date: the name without "Phường"/"Xã"
        ("Phú Xuân, ngày 02 tháng 12 năm 2026")."""
        for kind in ("Phường ", "Xã "):
            if self.name.startswith(kind):
                return self.name[len(kind) :]
        return self.name

    @property
    def centre_name(self) -> str:
        """Name of the unit's Public Administration Service Centre."""
        return _("Public Administration Service Centre of %(unit)s") % {"unit": self.display_name}

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        if not self.agency_code:
            self.agency_code = default_agency_code(self.code)
        super().save(*args, **kwargs)


def default_agency_code(unit_code: str) -> str:
    return f"{settings.PORTAL_CITY_AGENCY_CODE}.{unit_code}"
