"""The living demo's dossier documents and transfers between the demo units.

``tick_components``: the records received at the desk in the window get their procedure's
required components, ticked as handed in (a few dossiers miss one, with the desk's note), in
bulk. ``seed_transfers``: a few records received at one demo unit are transferred to another
(Decree 118/2025), through the lifecycle services so that their histories are the real ones:
some awaiting the competent unit's acceptance, some accepted, one resolved there with its
result back at the receiving desk. Both are idempotent: records with components are left as
they are, and no transfer is added once the demo holds one.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db.models import Exists, Max, OuterRef

from accounts.models import User
from demo.plan import SEED
from records import services
from records.enums import Channel, Status
from records.models import DossierComponent, ProcedureComponent, Record, RecordEvent

MISSING_SHARE = 0.08  # of the desk's dossiers: one document missing, noted at receipt
MISSING_NOTE = "Thiếu {name}; công dân hẹn bổ sung."

# (receiving unit, competent unit, awaiting acceptance, accepted, resolved with the result back)
TRANSFERS = (
    ("19753", "19942", 2, 1, 1),  # Phú Xuân → Phú Vang
    ("19942", "19753", 1, 1, 0),  # Phú Vang → Phú Xuân
    ("20050", "19753", 1, 0, 0),  # A Lưới 5 → Phú Xuân
)
REASONS = [
    "Thửa đất thuộc địa bàn {unit}: chuyển đơn vị có thẩm quyền giải quyết.",
    "Người yêu cầu cư trú tại {unit}: chuyển đơn vị có thẩm quyền.",
    "Tiếp nhận không phụ thuộc địa giới (Nghị định 118/2025/NĐ-CP), chuyển {unit} giải quyết.",
]
STEP = timedelta(minutes=40)


def tick_components(since: datetime) -> int:
    """Components for the desk's records received since ``since`` that have none yet (bulk).
    Returns the number of components written."""
    required: dict[int, list[ProcedureComponent]] = {}
    for component in ProcedureComponent.objects.order_by("procedure", "position", "id"):
        required.setdefault(component.procedure_id, []).append(component)
    listed = DossierComponent.objects.filter(record=OuterRef("pk"))
    records = (
        Record.objects.filter(
            received_at__gte=since, channel__in=[Channel.IN_PERSON, Channel.POSTAL]
        )
        .exclude(Exists(listed))
        .order_by("code")
        .values_list("pk", "code", "procedure_id")
    )
    rows, missing_notes = [], {}
    for pk, code, procedure_id in records:
        components = required.get(procedure_id, [])
        rng = random.Random(f"{SEED}:components:{code}")
        missing = None
        mandatory = [c for c in components if not c.optional]
        if mandatory and rng.random() < MISSING_SHARE:
            missing = rng.choice(mandatory)
            missing_notes[pk] = MISSING_NOTE.format(name=missing.name[0].lower() + missing.name[1:])
        for component in components:
            provided = component is not missing and (not component.optional or rng.random() < 0.5)
            rows.append(
                DossierComponent(
                    record_id=pk,
                    position=component.position,
                    name=component.name,
                    kind=component.kind,
                    count=component.count,
                    provided=provided,
                )
            )
    DossierComponent.objects.bulk_create(rows, batch_size=5000)
    for pk, note in missing_notes.items():
        Record.objects.filter(pk=pk).update(components_missing=note)
    return len(rows)


def seed_transfers(since: datetime, now: datetime) -> int:
    """The transfers of ``TRANSFERS`` among the records received since ``since`` and still
    open before their result, whose last step is a few hours before ``now``. Returns the
    number of history events written."""
    if RecordEvent.objects.filter(action="transfer").exists():
        return 0
    clerks = {
        user.commune.code: user
        for user in User.objects.filter(username__startswith="canbo.", is_active=True)
        .exclude(commune=None)
        .select_related("commune")
    }
    done = 0
    for giver, taker, pending, accepted, resolved in TRANSFERS:
        if giver not in clerks or taker not in clerks:
            continue
        candidates = list(
            Record.objects.filter(
                receiving_unit__code=giver,
                handling_unit__code=giver,
                status__in=[Status.RECEIVED, Status.PROCESSING],
                channel=Channel.IN_PERSON,
                received_at__gte=since,
            )
            .annotate(last_step=Max("events__at"))
            .filter(last_step__lte=now - 5 * STEP)
            .select_related("receiving_unit", "handling_unit", "procedure")
            .order_by("-last_step", "code")[: pending + accepted + resolved]
        )
        rng = random.Random(f"{SEED}:transfers:{giver}:{taker}")
        for index, record in enumerate(candidates):
            moment = record.last_step + STEP
            unit_name = clerks[taker].commune.name
            record = services.record_transfer(
                record=record,
                actor=clerks[giver],
                to_unit=taker,
                reason=rng.choice(REASONS).format(unit=unit_name),
                at=moment,
            )
            done += 1
            if index < pending:
                continue
            record = services.record_accept_transfer(
                record=record, actor=clerks[taker], at=moment + STEP, note="Đã nhận hồ sơ."
            )
            done += 1
            if index < pending + accepted:
                continue
            if record.status == Status.RECEIVED:
                record = services.record_process(
                    record=record, actor=clerks[taker], at=moment + 2 * STEP
                )
                done += 1
            record = services.record_resolve(
                record=record, actor=clerks[taker], at=moment + 3 * STEP
            )
            services.record_result_to_desk(
                record=record,
                actor=clerks[taker],
                at=moment + 4 * STEP,
                note="Chuyển kết quả về bộ phận một cửa nơi tiếp nhận.",
            )
            done += 2
    return done
