from django.apps import AppConfig

from records.extensions import RecordExtra, register_record_extra
from records.signals import record_changed


class DvcqgConfig(AppConfig):
    """The connector to the National Public Service Portal (Cổng Dịch vụ công quốc gia):
    online submissions in (the inbound API of the integration account), the record's progress
    out (the outbox and its delivery), and a simulator of the portal for development, the demo
    and tests. The only place that knows the national portal's shapes. Listens to
    ``records.signals.record_changed`` (the outbox) and registers the record's sync state in
    ``records.extensions``."""

    name = "dvcqg"
    verbose_name = "National Public Service Portal"

    def ready(self):
        # The tasks import the models, which are not loaded before ready().
        from dvcqg.outbox import sync_value  # noqa: PLC0415
        from dvcqg.tasks import write_sync_message  # noqa: PLC0415

        record_changed.connect(write_sync_message, dispatch_uid="dvcqg.write_sync_message")
        register_record_extra(
            RecordExtra("sync", read=sync_value, template="dvcqg/sync_state.html")
        )
