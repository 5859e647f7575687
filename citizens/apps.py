from django.apps import AppConfig


class CitizensConfig(AppConfig):
    """The citizen's side, without a login: the public status lookup (record code and personal
    ID number, or the status link of a slip's QR code or a notification) over the reduced view
    of ``records.public``. An interface: it reads the records, never changes them."""

    name = "citizens"
    verbose_name = "Citizens"
