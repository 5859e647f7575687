from django.contrib import admin

from agent_points.models import AgentPoint


@admin.register(AgentPoint)
class AgentPointAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "commune", "kind", "active")
    list_filter = ("kind", "active", "commune")
    search_fields = ("code", "name", "address", "former_unit", "commune__name")
    list_select_related = ("commune",)
    autocomplete_fields = ("commune",)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: records keep pointing at the point
