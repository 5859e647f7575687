from django.urls import path

from stats import satisfaction_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "satisfaction/",
        satisfaction_views.satisfaction_dashboard,
        name="dashboard-satisfaction",
    ),
]
