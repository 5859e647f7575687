from django.apps import AppConfig


class PostConfig(AppConfig):
    """The post office's workspace at an agent point: postal intake, digitisation, results
    handed back, online assistance (an interface over ``records.services``)."""

    name = "post"
    verbose_name = "Post office workspace"
