from django.urls import path

from post import views

app_name = "post"
urlpatterns = [
    path("intake/", views.intake, name="intake"),
    path("online-assistance/", views.online_assistance, name="online-assistance"),
    path("records/<str:code>/", views.record_page, name="record"),
    path("records/<str:code>/act/<str:action>/", views.act, name="act"),
]
