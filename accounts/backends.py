"""Permissions that follow the user's role, so nobody has to maintain permission groups.

- admin: every permission;
- city office: view everything, and add/change the reference data and user accounts it
  administers (see ``CITY_OFFICE_PERMISSIONS``); delete only calendar overrides;
- other roles: none in the Django admin (they work in the portal's own pages).
"""

from django.contrib.auth.backends import ModelBackend

from accounts.models import Role

CITY_OFFICE_APPS = frozenset(
    {"accounts", "communes", "agent_points", "records", "authtoken", "dvcqg", "notify"}
)
CITY_OFFICE_PERMISSIONS = frozenset(
    {
        "communes.change_commune",
        "agent_points.add_agentpoint",
        "agent_points.change_agentpoint",
        "accounts.add_user",
        "accounts.change_user",
        "records.add_procedure",
        "records.change_procedure",
        "records.add_calendarday",
        "records.change_calendarday",
        "records.delete_calendarday",
        # The Vietnamese texts of the notifications to citizens.
        "notify.change_notificationtemplate",
    }
)


class RolePermissionBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        role = getattr(user_obj, "role", None)
        if role == Role.ADMIN:
            return True
        if role == Role.CITY_OFFICE:
            app_label, _, codename = perm.partition(".")
            if app_label in CITY_OFFICE_APPS and codename.startswith("view_"):
                return True
            if perm in CITY_OFFICE_PERMISSIONS:
                return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if not user_obj.is_active:
            return False
        role = getattr(user_obj, "role", None)
        if role == Role.ADMIN or (role == Role.CITY_OFFICE and app_label in CITY_OFFICE_APPS):
            return True
        return super().has_module_perms(user_obj, app_label)
