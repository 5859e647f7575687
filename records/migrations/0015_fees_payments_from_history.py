"""Data: the payment requests and payments of the records written before the fees existed,
rebuilt from their history (``records.fees_history``), so that a record awaiting payment has
its open request and ``Record.paid_online`` (kept as it was) has its payments beside it."""

from django.db import migrations

from records.fees_history import payments_from_events, rows_for_records


def forwards(apps, schema_editor):
    models = {
        name: apps.get_model("records", name)
        for name in ("PaymentRequest", "Payment", "ReceiptSequence")
    }
    if models["PaymentRequest"].objects.exists():
        return
    rows = rows_for_records(apps.get_model("records", "Record"), apps.get_model("records", "RecordEvent"))
    payments_from_events(rows, models=models)


def backwards(apps, schema_editor):
    # Rows only, children first, without the collector (historical models).
    alias = schema_editor.connection.alias
    for name in ("Refund", "Payment", "PaymentRequest", "ReceiptSequence"):
        apps.get_model("records", name).objects.all()._raw_delete(alias)


class Migration(migrations.Migration):
    dependencies = [("records", "0014_fees_payments")]

    operations = [migrations.RunPython(forwards, backwards)]
