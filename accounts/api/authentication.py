"""The API's authentication: DRF's token and session schemes, refusing an integration account
(the national portal's connector) everywhere but the view that accepts it."""

import drf_spectacular.authentication
from rest_framework import authentication
from rest_framework.exceptions import PermissionDenied

from accounts.models import Role


def refuse_integration_elsewhere(request, result):
    """An integration account is accepted only by a view that says so
    (``accepts_integration = True``); everywhere else its credentials get 403."""
    if result is None:
        return result
    user = result[0]
    view = (getattr(request, "parser_context", None) or {}).get("view")
    if getattr(user, "role", None) == Role.INTEGRATION and not getattr(
        view, "accepts_integration", False
    ):
        raise PermissionDenied("An integration account may only deliver online submissions.")
    return result


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, refusing an integration account outside its endpoint."""

    def authenticate(self, request):
        return refuse_integration_elsewhere(request, super().authenticate(request))


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, refusing an integration account outside its endpoint."""

    def authenticate(self, request):
        return refuse_integration_elsewhere(request, super().authenticate(request))


class SessionScheme(drf_spectacular.authentication.SessionScheme):
    """The OpenAPI security scheme of the session (the same cookie as DRF's)."""

    target_class = "accounts.api.authentication.SessionAuthentication"
