"""Forms of the clerk's workspace. They check types and shapes only; the lifecycle services
check the rules, and the views put the services' field errors back on the forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agent_points.models import AgentPoint
from communes.models import Commune
from records.models import DESK_CHANNELS, Channel, Procedure, ResultDelivery, ReturnMethod

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordReceiveForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label=_("Procedure"),
        queryset=Procedure.objects.filter(active=True).order_by("field", "name"),
        to_field_name="key",
        widget=forms.Select(attrs={"size": 8}),
    )
    # At the desk a dossier comes in person or by post; online ones come as submissions.
    channel = forms.TypedChoiceField(
        label=_("Channel"),
        choices=[(channel.value, channel.label) for channel in DESK_CHANNELS],
        coerce=int,
        initial=Channel.IN_PERSON,
    )
    applicant_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        error_messages={"required": _("Enter the applicant's full name.")},
    )
    applicant_id_number = forms.CharField(
        label=_("Personal ID number"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_old_id_number = forms.CharField(
        label=_("Old ID number (9 digits)"),
        max_length=9,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    applicant_email = forms.EmailField(label=_("Email"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        help_text=_("Leave empty for now."),
    )
    agent_point = forms.ModelChoiceField(
        label=_("Agent point (postal intake)"),
        queryset=AgentPoint.objects.none(),
        to_field_name="code",
        required=False,
    )
    handling_unit = forms.ModelChoiceField(
        label=_("Handling unit, if another unit"),
        queryset=Commune.objects.filter(active=True).order_by("-kind", "name_folded"),
        to_field_name="code",
        required=False,
    )
    result_delivery = forms.ChoiceField(
        label=_("Result wanted"),
        choices=ResultDelivery.choices,
        initial=ResultDelivery.AT_UNIT,
        required=False,
    )
    digitised = forms.BooleanField(label=_("Dossier digitised"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, unit: Commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent_point"].queryset = AgentPoint.objects.filter(
            commune=unit, active=True
        ).order_by("code")

    def service_arguments(self) -> dict:
        """The service's keyword arguments; a field the form rejected is None."""
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        applicant = {
            name: data.pop(name) or "" for name in list(data) if name.startswith("applicant_")
        }
        if not data.get("received_at"):
            data.pop("received_at", None)
        data["result_delivery"] = data.get("result_delivery") or ResultDelivery.AT_UNIT
        return {**data, "applicant": applicant}


class ActionForm(forms.Form):
    """Common to every lifecycle action: the version the clerk saw (stale page → conflict)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class NoteForm(ActionForm):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentForm(NoteForm):
    amount = forms.IntegerField(
        label=_("Amount (đồng)"), required=False, min_value=0, max_value=10**12
    )


class PaidForm(NoteForm):
    online = forms.BooleanField(label=_("Paid online"), required=False)


class ResolveForm(NoteForm):
    e_result = forms.BooleanField(label=_("Electronic result issued"), required=False)


class ReturnForm(NoteForm):
    method = forms.ChoiceField(label=_("Return method"), choices=ReturnMethod.choices)


class ExtendForm(ActionForm):
    new_due_date = forms.DateField(
        label=_("New appointment date"), widget=DATE_INPUT, input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


ACTION_FORMS = {
    "receive": NoteForm,
    "refuse": ReasonForm,
    "process": NoteForm,
    "request_supplement": ReasonForm,
    "supplement": NoteForm,
    "request_payment": PaymentForm,
    "paid": PaidForm,
    "resolve": ResolveForm,
    "withdraw": NoteForm,
    "stop": ReasonForm,
    "return": ReturnForm,
    "extend": ExtendForm,
}


def service_arguments(form: ActionForm) -> dict:
    """Form data as keyword arguments of the lifecycle service."""
    data = dict(form.cleaned_data)
    data["expected_version"] = data.pop("version")
    if "amount" in data and data["amount"] is None:
        data.pop("amount")
    return data
