from django.urls import path

from citizens import views

app_name = "citizens"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("s/<str:token>/", views.status_link, name="link"),
]
