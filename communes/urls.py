from django.urls import path

from communes import views

app_name = "communes"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<str:code>/", views.unit_detail, name="detail"),
]
