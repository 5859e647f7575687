from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.throttling import ScopedRateThrottle

from accounts.lockout import LockedOut


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token (throttled per address;
    locked, like the login page, after repeated failures for a user or from an address)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        tags=["auth"],
        summary="Obtain an API token",
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            429: inline_serializer("LockedOut", {"detail": serializers.CharField()}),
            400: inline_serializer(
                "TokenError",
                {"non_field_errors": serializers.ListField(child=serializers.CharField())},
            ),
        },
        examples=[
            OpenApiExample(
                "Clerk",
                value={"username": "canbo.phuxuan", "password": "hue-demo-2025"},
                request_only=True,
            ),
            OpenApiExample(
                "Token",
                value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                response_only=True,
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes flags the (DRF) request it was given when the attempt is refused.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut from None
            raise
