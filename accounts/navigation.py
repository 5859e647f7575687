"""The main navigation, by role. Apps add entries here as their pages arrive."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

EVERYONE = frozenset(Role.values)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None  # None: also shown to anonymous visitors

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS = [
    NavItem(_("Home"), "home", EVERYONE),
    NavItem(
        _("Dashboard"), "dashboard", frozenset({Role.CITY_OFFICE, Role.COMMUNE_LEADER, Role.ADMIN})
    ),
    NavItem(
        _("Records"),
        "records:list",
        frozenset({Role.CLERK, Role.COMMUNE_LEADER, Role.CITY_OFFICE, Role.ADMIN}),
    ),
    NavItem(_("Receive a record"), "records:new", frozenset({Role.CLERK})),
    NavItem(_("Postal intake"), "post:intake", frozenset({Role.POST_STAFF})),
    NavItem(_("Look up a record"), "citizens:lookup", None),
    NavItem(_("Service centres"), "directory:directory", None),
    NavItem(_("Notifications"), "notify:deliveries", frozenset({Role.CITY_OFFICE, Role.ADMIN})),
    NavItem(_("Administration"), "admin:index", frozenset({Role.CITY_OFFICE, Role.ADMIN})),
    NavItem(_("API"), "api-docs", frozenset({Role.CITY_OFFICE, Role.ADMIN})),
]


def items_for(user) -> list[NavItem]:
    authenticated = bool(user and user.is_authenticated)
    role = getattr(user, "role", None) if authenticated else None
    return [
        item for item in NAV_ITEMS if item.roles is None or (authenticated and role in item.roles)
    ]
