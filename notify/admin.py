from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notify import outbox
from notify.models import Notification, NotificationState, NotificationTemplate
from notify.rendering import CONTEXT_NAMES
from notify.tasks import queue_send


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    """The city office edits the Vietnamese texts (one per event and channel) and turns them
    on or off; a template that cannot be rendered is refused with its error."""

    list_display = ("event", "channel", "active", "subject", "body", "updated_at")
    list_filter = ("event", "channel", "active")
    list_editable = ("active",)
    search_fields = ("subject", "body")
    fields = ("event", "channel", "active", "subject", "body", "names")
    readonly_fields = ("event", "channel", "names")

    @admin.display(description=_("names a template may use"))
    def names(self, template):
        return format_html_join(
            "", "<div><code>{{{{ {} }}}}</code> {}</div>", CONTEXT_NAMES.items()
        )

    def has_add_permission(self, request):
        return False  # one per event and channel, all shipped

    def has_delete_permission(self, request, obj=None):
        return False  # turn it off instead


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: counts per channel and state on top, filters by state,
    channel and event, the latest errors; *Retry now* sends the chosen ones at once."""

    list_display = (
        "id",
        "record_code",
        "event",
        "channel",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "created_at",
    )
    list_filter = ("state", "channel", "event", "created_at")
    search_fields = ("record__code", "last_error")
    list_select_related = ("record",)
    date_hierarchy = "created_at"
    ordering = ("-id",)
    actions = ["retry_now"]
    exclude = ("body", "subject")  # the text stays in the outbox; the list is for delivery

    @admin.display(description=_("record code"), ordering="record__code")
    def record_code(self, notification):
        return notification.record.code or "—"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        try:
            queryset = response.context_data["cl"].queryset
        except (AttributeError, KeyError):
            return response
        summary = (
            queryset.order_by()
            .values("channel")
            .annotate(
                sent=Count("id", filter=Q(state=NotificationState.SENT)),
                pending=Count("id", filter=Q(state=NotificationState.PENDING)),
                failed=Count("id", filter=Q(state=NotificationState.FAILED)),
            )
        )
        counts = "; ".join(
            f"{row['channel']}: {row['sent']} / {row['pending']} / {row['failed']}"
            for row in summary.order_by("channel")
        )
        if counts:
            self.message_user(
                request, _("Sent / pending / failed: %(counts)s") % {"counts": counts}
            )
        return response

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry now"), permissions=["view"])
    def retry_now(self, request, queryset):
        notifications = list(queryset)
        ids = outbox.retry_now(notifications)
        channels = {n.pk: n.channel for n in notifications}
        for pk in ids:
            queue_send(pk, channels[pk])
        self.message_user(
            request,
            ngettext("%(count)d notification queued.", "%(count)d notifications queued.", len(ids))
            % {"count": len(ids)},
            messages.SUCCESS,
        )
