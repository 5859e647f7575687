from django.contrib import admin

from satisfaction.models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("record", "source", "entered_by", "rated_at", "overall")
    list_filter = ("source", "overall")
    raw_id_fields = ("record", "entered_by")
    date_hierarchy = "rated_at"

    def has_change_permission(self, request, obj=None):
        return False  # a rating is the citizen's answer: never edited
