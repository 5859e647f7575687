from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "get_full_name",
        "title",
        "role",
        "commune",
        "is_desk",
        "is_specialist",
        "is_leader",
        "is_active",
    )
    list_filter = ("role", "is_active", "is_specialist", "is_leader", "commune__kind", "commune")
    search_fields = ("username", "first_name", "last_name", "email")
    list_select_related = ("commune", "agent_point")
    autocomplete_fields = ("commune", "agent_point")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role and workplace"), {"fields": ("role", "commune", "agent_point")}),
        (
            _("Duties in the unit"),
            {"fields": ("title", "is_desk", "is_specialist", "is_leader", "specialist_fields")},
        ),
        (_("Status"), {"fields": ("is_active", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Role and workplace"), {"fields": ("role", "commune", "agent_point")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_admin:
            return fieldsets
        # The city office manages unit accounts but cannot hand out admin powers.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in self._admin_only]})
            for name, opts in fieldsets
        ]

    _admin_only = ("is_superuser", "groups", "user_permissions")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_admin:
            kwargs["choices"] = [(r.value, r.label) for r in Role if r != Role.ADMIN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_admin:
            return queryset
        return queryset.exclude(role=Role.ADMIN).exclude(is_superuser=True)
