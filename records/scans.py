"""Serving a dossier's scan: streamed from its storage, never from a public URL, with the read
logged like any personal-data read. Callers (the record page's view, the API) check first
that the record is in the reader's scope and that the reader sees personal data in full."""

from __future__ import annotations

from django.http import FileResponse

from records.services import log_personal_data_access


def scan_response(scan, *, user, via) -> FileResponse:
    """Stream ``scan`` inline (never stored by a shared cache), logging the read."""
    log_personal_data_access(user=user, records=[scan.record], fields=[f"scan:{scan.pk}"], via=via)
    response = FileResponse(
        scan.file.open("rb"), content_type=scan.content_type, filename=scan.original_name
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
