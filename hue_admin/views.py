import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from rest_framework import exceptions

from accounts.models import UNIT_ROLES, Role
from accounts.navigation import items_for
from post.views import workspace as point_workspace
from records.views import workspace as unit_workspace
from stats.views import city_home

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """A unit's staff land on their workspace, post office staff on their agent point's, the
    city office (and administrators) on the city's figures of today and this month."""
    if request.user.role in UNIT_ROLES:
        return unit_workspace(request)
    if request.user.role == Role.POST_STAFF:
        return point_workspace(request)
    if request.user.is_city_wide:
        return city_home(request)
    return render(request, "home.html", {"workplace": request.user.workplace})


def healthz(request):
    """Liveness for the compose healthcheck and load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- Error pages ------------------------------------------------------------------------------
# Pages get the portal's layout in the user's language with a way back; the API keeps its
# JSON error format. 403 and 404 render with the full request context (menu, user); 500 with
# a minimal one that reads nothing from the database (which may be what failed), and a plain
# bilingual page if even that cannot be rendered.

API_PREFIX = "/api/"

SERVER_ERROR_FALLBACK = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
    "<title>Lỗi hệ thống / Server error</title></head><body>"
    "<h1>Đã xảy ra lỗi hệ thống</h1><p>Dữ liệu của bạn không bị thay đổi. "
    'Vui lòng thử lại sau ít phút.</p><hr><p lang="en">A server error occurred. Nothing was '
    "changed. Please try again in a few minutes.</p></body></html>"
)


def permission_denied(request, exception):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": str(exceptions.PermissionDenied.default_detail)}, status=403)
    # The reason a view gives (a translated sentence of the portal), if any.
    reason = exception.args[0] if exception and exception.args else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Server error. Nothing was changed."}, status=500)
    context = {
        "request": request,
        "csrf_token": get_token(request),
        "nav_items": items_for(None),
        "minimal": True,  # no user in the top bar: reading it may be what failed
    }
    try:
        html = loader.get_template("500.html").render(context)
    except Exception:  # a broken layout must not hide the error page
        logger.exception("The 500 page could not be rendered")
        html = SERVER_ERROR_FALLBACK
    return HttpResponseServerError(html)
