from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import Role


class ClerkWritesOthersRead(BasePermission):
    """Anyone authenticated reads (within their scope); only clerks and administrators write.

    Post staff, commune leaders and the city office are read-only here.
    """

    message = "Your role may read but not change records."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return user.in_role(Role.CLERK)


class PostStaffWrites(BasePermission):
    """Post office staff (and administrators) do the agent point's work."""

    message = "Only post office staff of an agent point may do this."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.in_role(Role.POST_STAFF)


class ClerkOrPostStaffWrites(BasePermission):
    """Digitising is done at the unit's desk or at the agent point."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.in_role(Role.CLERK, Role.POST_STAFF)


class LeaderWrites(BasePermission):
    """The unit's leader (and administrators) approve or send back a proposed result."""

    message = "Only the unit's leader may approve."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.leader or user.is_admin
