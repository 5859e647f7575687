from django.contrib import admin

from citizens.models import Lookup


@admin.register(Lookup)
class LookupAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the lookups themselves."""

    list_display = ("at", "via", "code", "outcome", "address")
    list_filter = ("via", "outcome")
    search_fields = ("code",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
