"""Signals of the records app. Apps that follow the records (the statistics) connect to them
in their ``AppConfig.ready``, so that records imports none of them."""

from django.dispatch import Signal

# Sent inside the transaction of every change of a record, once its history event is written,
# with ``record``, ``action`` (the event's action name), ``at``, ``data`` (the event's data)
# ``figures`` (the action's ``records.lifecycle.Figures``: which daily figures it moves) and
# ``event`` (the ``RecordEvent`` just written).
record_changed = Signal()
