"""Forms of the clerk's workspace. They check types and shapes only; the lifecycle services
check the rules, and the views put the services' field errors back on the forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from agent_points.models import AgentPoint
from communes.models import Commune
from records.enums import DESK_CHANNELS, Channel, ResultDelivery
from records.lifecycle import ACTIONS, FIELDS, INPUTS, Actor, InputField
from records.models import Procedure, ProcedureComponent

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ComponentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.get_kind_display()} × {obj.count}"


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
    # The chain of officers: the specialist the desk hands the record to (default: in turn).
    specialist = forms.ModelChoiceField(
        label=_("Specialist"),
        queryset=User.objects.none(),
        to_field_name="username",
        required=False,
        empty_label=_("— the next one in turn —"),
    )
    result_delivery = forms.ChoiceField(
        label=_("Result wanted"),
        choices=ResultDelivery.choices,
        initial=ResultDelivery.AT_UNIT,
        required=False,
    )
    digitised = forms.BooleanField(label=_("Dossier digitised"), required=False)
    # The channels the applicant wants notifications on (the service checks the contact).
    notify_sms = forms.BooleanField(label=_("Notify by SMS"), required=False)
    notify_zalo = forms.BooleanField(label=_("Notify by Zalo"), required=False)
    notify_email = forms.BooleanField(label=_("Notify by e-mail"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The procedure's required components the applicant handed in (the page shows the chosen
    # procedure's list); the ones not ticked are listed as missing on the receipt slip.
    components_provided = ComponentChoiceField(
        label=_("Documents handed in"),
        queryset=ProcedureComponent.objects.select_related("procedure"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    components_missing = forms.CharField(
        label=_("Missing documents (note)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, unit: Commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent_point"].queryset = AgentPoint.objects.filter(
            commune=unit, active=True
        ).order_by("code")
        self.fields["specialist"].queryset = User.objects.filter(
            role=Role.CLERK, is_active=True, is_specialist=True, commune=unit
        ).order_by("last_name", "first_name", "username")
        self.fields["specialist"].label_from_instance = lambda user: user.display_name

    def service_arguments(self) -> dict:
        """The service's keyword arguments; a field the form rejected is None."""
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        applicant = {
            name: data.pop(name) or "" for name in list(data) if name.startswith("applicant_")
        }
        if not data.get("received_at"):
            data.pop("received_at", None)
        data["result_delivery"] = data.get("result_delivery") or ResultDelivery.AT_UNIT
        if "components_provided" in self.fields:  # not on the post office's intake form
            data["components_provided"] = [c.pk for c in data.get("components_provided") or ()]
            data["components_missing"] = data.get("components_missing") or ""
        return {**data, "applicant": applicant}

    def component_groups(self):
        """The checkboxes of ``components_provided`` by procedure key, for the page to show
        only the chosen procedure's list."""
        groups: dict[str, list] = {}
        procedures = dict(ProcedureComponent.objects.values_list("pk", "procedure__key").order_by())
        for checkbox in self["components_provided"]:
            key = procedures.get(int(str(checkbox.data["value"])))
            groups.setdefault(key, []).append(checkbox)
        return groups


class ActionForm(forms.Form):
    """Common to every lifecycle action: the version the clerk saw (stale page → conflict)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


def form_field(spec: InputField) -> forms.Field:
    """The form field of one action input of ``records.lifecycle.FIELDS``."""
    options = {"label": spec.label, "required": spec.required_in_form}
    if spec.kind == "text":
        widget = forms.Textarea(attrs={"rows": 2}) if spec.multiline else None
        return forms.CharField(max_length=spec.max_length, widget=widget, **options)
    if spec.kind == "int":
        return forms.IntegerField(min_value=spec.min_value, max_value=spec.max_value, **options)
    if spec.kind == "bool":
        return forms.BooleanField(**{**options, "required": False})
    if spec.kind == "date":
        return forms.DateField(widget=DATE_INPUT, input_formats=["%Y-%m-%d", "%d/%m/%Y"], **options)
    if spec.kind == "choice":
        return forms.ChoiceField(choices=spec.choices, **options)
    raise ValueError(f"unknown input kind {spec.kind!r}")


def _input_form(shape: str, fields: tuple[str, ...]) -> type[ActionForm]:
    name = "".join(part.capitalize() for part in shape.split("_")) + "Form"
    attributes = {field: form_field(FIELDS[field]) for field in fields}
    return type(name, (ActionForm,), {"__module__": __name__, **attributes})


# One form class per input shape of the lifecycle table (NoteForm, ReasonForm, ...).
INPUT_FORMS: dict[str, type[forms.Form]] = {
    shape: _input_form(shape, fields) for shape, fields in INPUTS.items() if fields is not None
}
INPUT_FORMS["desk_intake"] = RecordReceiveForm
NoteForm = INPUT_FORMS["note"]
ReasonForm = INPUT_FORMS["reason"]

# The forms of the unit's buttons on a record page, from the table.
ACTION_FORMS = {
    action.name: INPUT_FORMS[action.inputs]
    for action in ACTIONS.values()
    if action.actor == Actor.DESK and action.is_transition and action.on_pages
}


def service_arguments(form: ActionForm) -> dict:
    """Form data as keyword arguments of the lifecycle service."""
    data = dict(form.cleaned_data)
    data["expected_version"] = data.pop("version")
    for optional in ("amount", "payment_due"):  # None: the service's default
        if optional in data and data[optional] is None:
            data.pop(optional)
    return data


class ScanForm(forms.Form):
    """A scan attached to a record: the type (by content) and size are checked by the
    service (``records.services.check_scan``)."""

    file = forms.FileField(
        label=_("Scan (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    title = forms.CharField(label=_("Document"), max_length=300, required=False)
