"""Satisfaction ratings for the demo: a deterministic share of the returned records rated, so
that the satisfaction page and the API show figures for July 2025 and for the recent
quarters of the living demo.

Deterministic: each record's draw comes from a ``random.Random`` seeded with its code only,
so the same records get the same answers on every machine and whatever day it is seeded.
Idempotent: only returned records without a rating are considered; run again after the living
demo has returned more records, it rates their share and nothing else. One read and a bulk
insert: the seed stays fast.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, User
from demo.plan import SEED
from records.enums import Outcome, Status
from records.models import Record
from satisfaction.models import Rating, Source
from satisfaction.questions import INDICATORS

RATED_SHARE = 0.35  # of the returned records
PAPER_SHARE = 0.25  # of the ratings, where the unit has a demo clerk to enter them
BATCH_SIZE = 2000
# Answers other than the time, best first (2, 1, 0): most citizens are content.
WEIGHTS = (0.72, 0.21, 0.07)
TIME_BY_OUTCOME = {Outcome.EARLY: 2, Outcome.ON_TIME: 1, Outcome.LATE: 0}


def _answers(rng: random.Random, outcome: str) -> dict[str, int]:
    answers = {}
    for indicator in INDICATORS:
        if indicator.field in ("total_time", "unit_time") and outcome in TIME_BY_OUTCOME:
            # Late records are felt late, mostly.
            score = TIME_BY_OUTCOME[outcome] if rng.random() < 0.85 else 1
        else:
            score = rng.choices((2, 1, 0), weights=WEIGHTS)[0]
        answers[indicator.field] = score
    if answers["total_time"] == 0 and rng.random() < 0.5:
        answers["overall"] = 0
    return answers


def seed_ratings(now=None) -> int:
    """Rate ``RATED_SHARE`` of the returned records without a rating (chosen by their code);
    returns the ratings created."""
    now = now or timezone.now()
    clerks = dict(
        User.objects.filter(role=Role.CLERK, commune__isnull=False)
        .order_by("-id")
        .values_list("commune_id", "id")
    )
    rows = (
        Record.objects.filter(
            status=Status.RETURNED, returned_at__isnull=False, satisfaction_rating__isnull=True
        )
        .order_by()
        .values_list("pk", "code", "returned_at", "handling_unit_id", "outcome")
    )
    ratings = []
    for pk, code, returned_at, unit_id, outcome in rows.iterator(chunk_size=BATCH_SIZE):
        rng = random.Random(f"{SEED}:rating:{code}")
        if rng.random() >= RATED_SHARE:
            continue
        clerk = clerks.get(unit_id)
        paper = clerk is not None and rng.random() < PAPER_SHARE
        rated_at = min(returned_at + timedelta(minutes=rng.randrange(5, 3 * 24 * 60)), now)
        ratings.append(
            Rating(
                record_id=pk,
                source=Source.PAPER if paper else Source.ONLINE,
                entered_by_id=clerk if paper else None,
                rated_at=max(rated_at, returned_at),
                **_answers(rng, outcome),
            )
        )
    Rating.objects.bulk_create(ratings, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(ratings)
