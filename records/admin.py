from django.contrib import admin

from records.models import (
    CalendarDay,
    Payment,
    PaymentRequest,
    PersonalDataAccess,
    Procedure,
    ProcedureComponent,
    Record,
    RecordEvent,
)


class ProcedureComponentInline(admin.TabularInline):
    """The documents the law asks for in the procedure's dossier, in order (the desk ticks
    them at receipt; the receipt slip lists them)."""

    model = ProcedureComponent
    extra = 1
    fields = ["position", "name", "kind", "count", "optional"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    inlines = [ProcedureComponentInline]
    list_display = (
        "key",
        "name",
        "field",
        "time_limit",
        "time_unit",
        "online_level",
        "fee",
        "charge",
        "needs_approval",
        "active",
    )
    # The fees, and which results pass the leader (the chain of officers).
    list_editable = ("fee", "charge", "needs_approval")
    list_filter = ("field", "time_unit", "online_level", "needs_approval", "active")
    search_fields = ("key", "name", "name_en", "name_folded", "national_code")

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: records point at procedures


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "date"


class RecordEventInline(admin.TabularInline):
    model = RecordEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "note", "data")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    """Read-only: records change only through the lifecycle services."""

    list_display = ("code", "procedure", "receiving_unit", "channel", "status", "due_date")
    list_filter = ("status", "channel", "outcome", "receiving_unit")
    search_fields = ("code",)
    list_select_related = ("procedure", "receiving_unit")
    exclude = ("applicant_id_number", "applicant_old_id_number", "applicant_phone")
    inlines = [RecordEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Who read or exported whose ID or phone: browsable, never editable."""

    list_display = ("at", "user", "record", "fields", "via")
    list_filter = ("via", "at")
    search_fields = ("user__username", "record__code")
    list_select_related = ("user", "record")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentInline(admin.StackedInline):
    model = Payment
    fields = ("amount", "channel", "reference", "paid_at", "received_by", "receipt_number")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PaymentRequest)
class PaymentRequestAdmin(admin.ModelAdmin):
    """Read-only: payment requests, payments and refunds change only through the lifecycle
    services (request_payment, paid, refund)."""

    list_display = ("record", "amount", "state", "requested_at", "due_date")
    list_filter = ("state",)
    search_fields = ("record__code",)
    readonly_fields = (
        "record",
        "amount",
        "purpose",
        "due_date",
        "state",
        "requested_at",
        "requested_by",
        "closed_at",
    )
    fields = readonly_fields
    inlines = [PaymentInline]
    list_select_related = ("record",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
