"""The dossier's documents: the components the procedure asks for, ticked at receipt
(``desk_components``), and the scans attached to a record (``record_attach_scan``: type by
content, size by ``SCANS_MAX_BYTES``, stored through ``STORAGES["scans"]``)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from records.models import Procedure, ProcedureComponent, Record, RecordScan
from records.permissions import ensure_can_act

# The types a scan may have, told by the file's first bytes (never by its name alone).
SIGNATURES = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
)


def desk_components(procedure: Procedure | str | None, provided) -> list[dict]:
    """The procedure's required components as the record's ``DossierComponent`` fields, each
    ``provided`` (handed in) when its id is among ``provided``; ``ValidationError`` on
    ``components_provided`` when an id is not one of the procedure's."""
    if isinstance(procedure, str):
        procedure = Procedure.objects.filter(key=procedure).first()
    if procedure is None:
        return []
    required = list(ProcedureComponent.objects.filter(procedure=procedure))
    ticked = {int(pk) for pk in provided or ()}
    unknown = ticked - {component.pk for component in required}
    if unknown:
        raise ValidationError(
            {"components_provided": _("Tick only the components of the chosen procedure.")}
        )
    return [
        {
            "name": component.name,
            "kind": component.kind,
            "count": component.count,
            "provided": component.pk in ticked,
        }
        for component in required
    ]


def sniff_type(head: bytes) -> str | None:
    """The content type told by a file's first bytes: PDF, JPEG, PNG, or None."""
    for signature, content_type, _suffixes in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def check_scan(upload) -> tuple[str, str]:
    """Refuse a scan that is too large or not a PDF, JPEG or PNG by its content (and whose
    name does not end as its type does). Returns (content type, SHA-256)."""
    limit = settings.SCANS_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    upload.seek(0)
    content_type = sniff_type(upload.read(16))
    name = (upload.name or "").lower()
    expected = next((s for _sig, t, s in SIGNATURES if t == content_type), ())
    if content_type is None or not name.endswith(expected):
        raise ValidationError(
            {"file": _("Only PDF, JPEG or PNG scans are accepted (checked by the file's content).")}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


def record_attach_scan(*, record: Record, actor, file, title: str = "") -> RecordScan:
    """Attach a scan to ``record`` (a clerk of its receiving or handling unit): checked by
    size and content, stored under a random name through the scans storage."""
    ensure_can_act(actor, record)
    if file is None:
        raise ValidationError({"file": _("Choose a file to attach.")})
    content_type, checksum = check_scan(file)
    original_name = (file.name or "scan").rsplit("/", 1)[-1][:255]
    with transaction.atomic():
        scan = RecordScan(
            record=record,
            original_name=original_name,
            content_type=content_type,
            size=file.size,
            sha256=checksum,
            title=(title or "").strip()[:300],
            uploaded_by=actor,
        )
        scan.file.save(original_name, file, save=False)
        scan.save()
    return scan
