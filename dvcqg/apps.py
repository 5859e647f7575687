from django.apps import AppConfig


class DvcqgConfig(AppConfig):
    """The connector to the National Public Service Portal (Cổng Dịch vụ công quốc gia):
    online submissions in (the inbound API of the integration account), the record's progress
    out (the outbox and its delivery), and a simulator of the portal for development, the demo
    and tests. The only place that knows the national portal's shapes."""

    name = "dvcqg"
    verbose_name = "National Public Service Portal"
