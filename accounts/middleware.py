"""Integration accounts (the national portal's connector) use their inbound API endpoint and
nothing else: no page opens for them, whatever their session."""

from django.core.exceptions import PermissionDenied

from accounts.models import Role


class IntegrationAccountsOffPagesMiddleware:
    """A signed-in integration account gets 403 on every page (the API is guarded by
    ``accounts.api.auth``, which knows the one view that accepts it). Goes after
    ``AuthenticationMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.role == Role.INTEGRATION
            and not request.path.startswith("/api/")
            and request.path != "/accounts/logout/"
        ):
            raise PermissionDenied
        return None
