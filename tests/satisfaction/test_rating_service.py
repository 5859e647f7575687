"""``rate_record``: once per returned record whatever the source, every answer in its set,
the comment's length, and who may enter a paper form."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from records import services
from satisfaction.models import Rating, Source
from satisfaction.questions import COMMENT_MAX_LENGTH, INDICATOR_FIELDS
from satisfaction.services import AlreadyRated, NotReturned, rate_record
from tests.helpers import receive
from tests.satisfaction.builders import answers, returned_record

pytestmark = pytest.mark.django_db


def test_a_returned_record_is_rated_online_once(clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    rating = rate_record(record=record, answers=answers(attitude=1, overall=0), comment=" Tốt ")
    assert rating.source == Source.ONLINE and rating.entered_by is None
    assert (rating.attitude, rating.overall, rating.comment) == (1, 0, "Tốt")
    with pytest.raises(AlreadyRated):
        rate_record(record=record, answers=answers())
    assert Rating.objects.filter(record=record).count() == 1


def test_one_rating_per_record_whatever_the_source(clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    rate_record(record=record, answers=answers(), source=Source.PAPER, entered_by=clerk_a)
    with pytest.raises(AlreadyRated):
        rate_record(record=record, answers=answers())
    rating = Rating.objects.get(record=record)
    assert (rating.source, rating.entered_by) == (Source.PAPER, clerk_a)


@pytest.mark.parametrize("step", ["received", "processing", "resolved"])
def test_a_record_not_returned_is_refused(clerk_a, unit_a, step):
    record = receive(clerk_a, unit_a)
    if step in ("processing", "resolved"):
        record = services.record_process(record=record, actor=clerk_a)
    if step == "resolved":
        record = services.record_resolve(record=record, actor=clerk_a)
    with pytest.raises(NotReturned):
        rate_record(record=record, answers=answers())
    assert not Rating.objects.exists()


def test_every_answer_must_be_in_its_set(clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    bad = answers(total_time=3, unit_time="x", contacts=-1, overall=None, convenience=True)
    del bad["attitude"]
    with pytest.raises(ValidationError) as caught:
        rate_record(record=record, answers=bad, comment="x" * (COMMENT_MAX_LENGTH + 1))
    errors = caught.value.message_dict
    assert set(errors) == {
        "total_time",
        "unit_time",
        "contacts",
        "overall",
        "convenience",
        "attitude",
        "comment",
    }
    assert not Rating.objects.exists()


def test_answers_given_as_form_strings_are_accepted(clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    rating = rate_record(record=record, answers=dict.fromkeys(INDICATOR_FIELDS, "1"))
    assert [getattr(rating, name) for name in INDICATOR_FIELDS] == [1] * 9


def test_a_paper_form_is_entered_by_a_clerk_of_the_record_unit(clerk_a, clerk_b, unit_a):
    record = returned_record(clerk_a, unit_a)
    with pytest.raises(PermissionDenied):
        rate_record(record=record, answers=answers(), source=Source.PAPER, entered_by=clerk_b)
    with pytest.raises(PermissionDenied):
        rate_record(record=record, answers=answers(), source=Source.PAPER)
    assert not Rating.objects.exists()
