from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from records.signals import record_changed


class NotifyConfig(AppConfig):
    """Notifications to citizens about their record (SMS, Zalo, e-mail), on the channels they
    chose at receipt: the templates the city office edits, the outbox written from
    ``records.signals.record_changed``, its delivery by a worker (queue ``notify``) and the
    delivery counts for the city office."""

    name = "notify"
    verbose_name = "Notifications"

    def ready(self):
        # The tasks and the cache import the models, which are not loaded before ready().
        from notify.catalogue import invalidate  # noqa: PLC0415
        from notify.models import NotificationTemplate  # noqa: PLC0415
        from notify.tasks import write_notifications  # noqa: PLC0415

        record_changed.connect(write_notifications, dispatch_uid="notify.write_notifications")
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                invalidate, sender=NotificationTemplate, dispatch_uid=f"notify.invalidate.{name}"
            )
