from django.apps import AppConfig

from records.extensions import RecordExtra, register_record_extra


class SatisfactionConfig(AppConfig):
    """The citizens' satisfaction with a returned record (the provincial form of Circular
    01/2018/TT-VPCP, chapter III): one rating per record, given online by the citizen or
    entered from a paper form by a clerk, and its figures per unit and quarter (Decision 766,
    group 5). A domain app above the records; the citizens' pages, the dashboard and the API
    sit above it. Registers the clerk's panel on the record page in ``records.extensions``."""

    name = "satisfaction"
    verbose_name = "Satisfaction"

    def ready(self):
        # The panel reads the models, which are not loaded before ready().
        from satisfaction.selectors import panel_value  # noqa: PLC0415

        register_record_extra(
            RecordExtra("satisfaction", read=panel_value, template="satisfaction/panel.html")
        )
