from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Online payment of fees through a payment gateway (the national payment platform in
    production; ``manage.py payment_gateway_simulator`` for tests and the demo): the citizen's
    "Pay online" redirect, the gateway's signed callback. An interface over the records: the
    payment itself is recorded by ``records.services.record_paid_online``."""

    name = "payments"
    verbose_name = "Payments"
