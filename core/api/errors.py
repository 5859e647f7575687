"""One error format for the whole API: ``{"detail": "..."}`` or ``{"field": ["message"]}``.

Domain errors map to HTTP: Django ``ValidationError`` → 400 with field messages, a
``core.errors.DomainError`` (the record changed meanwhile, a wrong status) → 409,
``PermissionDenied`` → 403, a record outside the user's scope → 404 (the scoped queryset
does not contain it).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import DomainError


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = ValidationError(detail=detail)
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    return exception_handler(exc, context)
