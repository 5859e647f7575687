from django.urls import path

from satisfaction import views

app_name = "satisfaction"
urlpatterns = [
    path("records/<str:code>/paper/", views.paper_form, name="paper"),
]
