from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from records.enums import ResultDelivery
from records.forms import INPUT_FORMS, RecordReceiveForm
from records.lifecycle import ACTIONS, Actor


class PostalIntakeForm(RecordReceiveForm):
    """A dossier received by post: the receive form without channel and agent point (both
    follow from the staff member's point), with where the result should go."""

    receiving_unit = forms.ModelChoiceField(
        label=_("For the unit"),
        queryset=Commune.objects.filter(active=True).order_by("-kind", "name_folded"),
        to_field_name="code",
    )
    result_delivery = forms.ChoiceField(
        label=_("Result wanted"), choices=ResultDelivery.choices, initial=ResultDelivery.BY_POST
    )

    def __init__(self, *args, point, **kwargs):
        super().__init__(*args, unit=point.commune, **kwargs)
        # The documents are ticked by the unit's desk (README, "The dossier's documents").
        for name in (
            "channel",
            "agent_point",
            "handling_unit",
            "components_provided",
            "components_missing",
        ):
            del self.fields[name]
        self.fields["receiving_unit"].initial = point.commune.code


class OnlineAssistanceForm(forms.Form):
    day = forms.DateField(
        label=_("Day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        initial=timezone.localdate,
    )
    count = forms.IntegerField(label=_("Citizens helped to file online"), min_value=0)


POINT_INPUT_FORMS = {**INPUT_FORMS, "postal_intake": PostalIntakeForm}
# The forms of the agent point's buttons on a record page, from the lifecycle table.
POINT_FORMS = {
    action.name: POINT_INPUT_FORMS[action.inputs]
    for action in ACTIONS.values()
    if action.actor == Actor.POINT and action.is_transition and action.on_pages
}
