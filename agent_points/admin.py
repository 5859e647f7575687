from django.contrib import admin
from django.db.models import Count

from agent_points.models import AgentPoint
from communes.models import Commune

# The unit's admin page lives here, not in communes/, because it lists the unit's agent points
# and communes/ imports no other app.


@admin.register(AgentPoint)
class AgentPointAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "commune", "kind", "active")
    list_filter = ("kind", "active", "commune")
    search_fields = ("code", "name", "address", "former_unit", "commune__name")
    list_select_related = ("commune",)
    autocomplete_fields = ("commune",)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: records keep pointing at the point


class AgentPointInline(admin.TabularInline):
    model = AgentPoint
    fields = ("code", "name", "kind", "address", "active")
    extra = 0
    show_change_link = True


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "agency_code", "population", "point_count", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "name_en", "name_folded", "agency_code")
    readonly_fields = ("code", "former_units", "created_at", "updated_at")
    inlines = [AgentPointInline]
    ordering = ("code",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(point_count=Count("agent_points"))

    @admin.display(description="agent points", ordering="point_count")
    def point_count(self, obj):
        return obj.point_count

    def has_delete_permission(self, request, obj=None):
        return False  # units are deactivated, never deleted: records point at them
