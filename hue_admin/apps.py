from django.apps import AppConfig


class HueAdminConfig(AppConfig):
    name = "hue_admin"
    verbose_name = "Hue portal"
