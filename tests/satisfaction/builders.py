"""Builders for the satisfaction tests: a returned record, a full set of answers."""

from records import services
from records.enums import ReturnMethod
from satisfaction.questions import INDICATOR_FIELDS
from tests.helpers import receive

GOOD = dict.fromkeys(INDICATOR_FIELDS, 2)


def returned_record(clerk, unit, **kwargs):
    """A record received, handled, resolved and handed over at the counter by ``clerk``."""
    record = receive(clerk, unit, **kwargs)
    record = services.record_process(record=record, actor=clerk)
    record = services.record_resolve(record=record, actor=clerk)
    return services.record_return(record=record, actor=clerk, method=ReturnMethod.COUNTER)


def answers(**overrides):
    return {**GOOD, **overrides}
