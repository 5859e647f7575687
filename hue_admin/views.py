from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults

from accounts.models import UNIT_ROLES, Role


@login_required
def home(request):
    """A unit's staff land on their workspace, post office staff on their agent point's, the
    city office (and administrators) on the city's figures of today and this month."""
    if request.user.role in UNIT_ROLES:
        from records.views import workspace

        return workspace(request)
    if request.user.role == Role.POST_STAFF:
        from agent_points.views import workspace

        return workspace(request)
    if request.user.is_city_wide:
        from records.dashboard import city_home

        return city_home(request)
    return render(request, "home.html", {"workplace": request.user.workplace})


def healthz(request):
    """Liveness for the compose healthcheck and load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception):
    """HTML 404 for pages, the API's JSON error format under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error. Nothing was changed."}, status=500)
    return defaults.server_error(request)
