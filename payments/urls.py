from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("pay/<uuid:public_id>/", views.pay, name="pay"),
    path("callback/", views.callback, name="callback"),
]
