from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dvcqg import outbox
from dvcqg.models import SyncMessage
from dvcqg.tasks import queue_delivery


@admin.register(SyncMessage)
class SyncMessageAdmin(admin.ModelAdmin):
    """The outbox to the national portal, read-only: find what is pending or failed (by
    state, record code, last error) and retry it now."""

    list_display = (
        "key",
        "record_code",
        "sequence",
        "national_word",
        "action",
        "at",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("state", "national_word", "action")
    search_fields = ("key", "record__code", "last_error")
    list_select_related = ("record",)
    ordering = ("-id",)
    actions = ["retry_now"]

    @admin.display(description=_("record code"), ordering="record__code")
    def record_code(self, message):
        return message.record.code or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry now"), permissions=["view"])
    def retry_now(self, request, queryset):
        record_ids = outbox.retry_now(list(queryset))
        for record_id in record_ids:
            queue_delivery(record_id)
        self.message_user(
            request,
            ngettext(
                "%(count)d record queued for delivery to the national portal.",
                "%(count)d records queued for delivery to the national portal.",
                len(record_ids),
            )
            % {"count": len(record_ids)},
            messages.SUCCESS,
        )
