from django.urls import path

from agent_points import directory as views

app_name = "directory"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<str:code>/", views.unit_detail, name="detail"),
]
