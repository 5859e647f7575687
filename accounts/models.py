from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    POST_STAFF = "post_staff", _("Post office staff")
    COMMUNE_LEADER = "commune_leader", _("Commune leader")
    CITY_OFFICE = "city_office", _("City office")
    ADMIN = "admin", _("Administrator")
    INTEGRATION = "integration", _("Integration account")


UNIT_ROLES = frozenset({Role.CLERK, Role.COMMUNE_LEADER})
CITY_WIDE_ROLES = frozenset({Role.CITY_OFFICE, Role.ADMIN})
STAFF_ROLES = CITY_WIDE_ROLES


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A portal user. The role decides what they see:

    - clerk, commune_leader: one commune-level unit (``commune`` is required);
    - post_staff: one agent point (``agent_point`` is required);
    - city_office, admin: the whole city (neither is set);
    - integration: the national portal's connector, no unit nor agent point; it delivers online
      submissions to its ``delivery_units`` and reads nothing.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune-level unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    agent_point = models.ForeignKey(
        "agent_points.AgentPoint",
        verbose_name=_("agent point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    delivery_units = models.ManyToManyField(
        "communes.Commune",
        verbose_name=_("units it may deliver to"),
        blank=True,
        related_name="integration_accounts",
        help_text=_("Integration accounts only: the units this connector may submit dossiers to."),
    )

    # Duties in the unit (README, "The chain of officers"): a clerk may receive and return at
    # the one-stop desk, handle records as a specialist (chuyên viên) and approve as a leader.
    # A commune leader is the unit's leader (and reads everything of the unit).
    is_desk = models.BooleanField(
        _("desk duty"), default=True, help_text=_("Clerks: receives dossiers and returns results.")
    )
    is_specialist = models.BooleanField(
        _("specialist duty"),
        default=True,
        help_text=_("Clerks: handles records (chuyên viên); new records are assigned in turn."),
    )
    is_leader = models.BooleanField(
        _("leader duty"),
        default=False,
        help_text=_("Approves proposed results. A commune leader always has this duty."),
    )
    specialist_fields = models.JSONField(
        _("fields handled"),
        default=list,
        blank=True,
        help_text=_(
            'The procedure fields (lĩnh vực) this specialist handles, as a list, e.g. ["Hộ tịch"]; '
            "empty: all fields."
        ),
    )
    title = models.CharField(
        _("job title"),
        max_length=120,
        blank=True,
        help_text=_('For the signature blocks, e.g. "Chuyên viên", "Phó Chủ tịch UBND".'),
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.CLERK, Role.COMMUNE_LEADER])
                | Q(commune__isnull=False, agent_point__isnull=True),
                name="user_unit_role_has_commune",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.POST_STAFF)
                | Q(agent_point__isnull=False, commune__isnull=True),
                name="user_post_staff_has_agent_point",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.CITY_OFFICE, Role.ADMIN])
                | Q(agent_point__isnull=True, commune__isnull=True),
                name="user_city_role_has_no_unit",
            ),
            models.CheckConstraint(
                condition=~Q(role="integration")
                | Q(agent_point__isnull=True, commune__isnull=True),
                name="user_integration_has_no_unit",
            ),
        ]

    def clean(self):
        super().clean()
        errors = self._workplace_errors()
        if self.role != Role.INTEGRATION and self.pk is not None and self.delivery_units.exists():
            errors["delivery_units"] = _("Only an integration account delivers to units.")
        if errors:
            raise ValidationError(errors)

    def _workplace_errors(self) -> dict:
        """The unit and agent point fields that do not fit the role, with why: each role
        requires (True) or forbids (False) each of them."""
        if self.role in UNIT_ROLES:
            rules = {
                "commune": (True, _("A clerk or commune leader must belong to a unit.")),
                "agent_point": (False, _("Only post office staff belong to an agent point.")),
            }
        elif self.role == Role.POST_STAFF:
            rules = {
                "agent_point": (True, _("Post office staff must belong to an agent point.")),
                "commune": (False, _("Post office staff belong to an agent point, not a unit.")),
            }
        elif self.role == Role.INTEGRATION:
            rules = {
                "commune": (False, _("An integration account does not belong to a unit.")),
                "agent_point": (
                    False,
                    _("An integration account does not belong to an agent point."),
                ),
            }
        elif self.role in CITY_WIDE_ROLES:
            rules = {
                "commune": (False, _("City-wide roles do not belong to a unit.")),
                "agent_point": (False, _("City-wide roles do not belong to an agent point.")),
            }
        else:
            return {}
        return {
            name: message
            for name, (required, message) in rules.items()
            if bool(getattr(self, f"{name}_id")) != required
        }

    def save(self, *args, **kwargs):
        # The Django admin is the city office's tool: staff status follows the role.
        self.is_staff = self.role in STAFF_ROLES or self.is_superuser
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        """The full name in Vietnamese order: family and middle names (``last_name``, "Họ"),
        then the given name (``first_name``, "Tên"): "Nguyễn Thị" + "Lan" → "Nguyễn Thị Lan"."""
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def display_name(self) -> str:
        """The name printed and shown for the user: the full name, the username if none is set."""
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        """An administrator: may do what every role does."""
        return self.role == Role.ADMIN or self.is_superuser

    def in_role(self, *roles) -> bool:
        """Has one of ``roles``, or is an administrator."""
        return self.role in roles or self.is_admin

    @property
    def is_city_wide(self) -> bool:
        return self.is_active and (self.role in CITY_WIDE_ROLES or self.is_superuser)

    @property
    def desk_clerk(self) -> bool:
        """Receives and returns at the unit's one-stop desk."""
        return self.is_active and self.role == Role.CLERK and self.is_desk

    @property
    def specialist(self) -> bool:
        """Handles the unit's records (chuyên viên): gets new records in turn."""
        return self.is_active and self.role == Role.CLERK and self.is_specialist

    @property
    def leader(self) -> bool:
        """The unit's leader: approves proposed results (a commune leader, or a clerk with
        the leader duty)."""
        return self.is_active and (
            self.role == Role.COMMUNE_LEADER or (self.role == Role.CLERK and self.is_leader)
        )

    def handles_field(self, field: str) -> bool:
        """Whether this specialist handles procedures of ``field`` (no fields: all)."""
        return not self.specialist_fields or field in self.specialist_fields

    @property
    def workplace(self):
        """The unit or agent point the user works for, or None for city-wide roles."""
        return self.agent_point if self.role == Role.POST_STAFF else self.commune
