from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from hue_admin import views

admin.site.site_header = _("Hue commune records portal — administration")
admin.site.site_title = _("Hue portal administration")
admin.site.index_title = _("Reference data and accounts")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("directory/", include("agent_points.urls")),
    path("tra-cuu/", include("citizens.urls")),
    path("dashboard/", include("stats.urls")),
    path("records/", include("records.urls")),
    path("satisfaction/", include("satisfaction.urls")),
    path("post/", include("post.urls")),
    path("notifications/", include("notify.urls")),
    path("payments/", include("payments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("hue_admin.api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "hue_admin.views.permission_denied"
handler404 = "hue_admin.views.page_not_found"
handler500 = "hue_admin.views.server_error"
