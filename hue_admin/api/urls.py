"""/api/v1/: one router for every app's viewsets, token auth, and the OpenAPI documents."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api.auth import ObtainTokenView
from agent_points.api.views import AgentPointViewSet, OnlineAssistanceView
from communes.api.views import CommuneViewSet
from dvcqg.api import SubmissionCompletionView, SubmissionCreateView
from records.api.views import ProcedureViewSet, RecordViewSet
from stats.api import DailyStatList, PeriodReportFileView, PeriodReportView
from stats.satisfaction_api import SatisfactionQuarterView

router = DefaultRouter()
router.register("communes", CommuneViewSet, basename="commune")
router.register("agent-points", AgentPointViewSet, basename="agent-point")
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("records", RecordViewSet, basename="record")

urlpatterns = [
    path("v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("v1/dvcqg/submissions/", SubmissionCreateView.as_view(), name="dvcqg-submissions"),
    path(
        "v1/dvcqg/submissions/<str:national_dossier_no>/completion/",
        SubmissionCompletionView.as_view(),
        name="dvcqg-submission-completion",
    ),
    path("v1/stats/daily/", DailyStatList.as_view(), name="stats-daily"),
    path(
        "v1/satisfaction/quarterly/",
        SatisfactionQuarterView.as_view(),
        name="satisfaction-quarterly",
    ),
    path("v1/online-assistance/", OnlineAssistanceView.as_view(), name="online-assistance"),
    path("v1/reports/period/", PeriodReportView.as_view(), name="report-period"),
    re_path(
        r"^v1/reports/period\.(?P<format>csv|xlsx|json)$",
        PeriodReportFileView.as_view(),
        name="report-period-file",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script from a URL (/api/docs/?script), not
    # inline: the content-security policy allows no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
]
