from django.urls import path

from citizens import rating, views

app_name = "citizens"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("s/<str:token>/", views.status_link, name="link"),
    path("s/<str:token>/danh-gia/", rating.rate, name="rate"),
]
