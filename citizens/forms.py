from django import forms
from django.utils.translation import gettext_lazy as _

from records.public import normalise_code, normalise_id


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Record code"),
        max_length=40,
        help_text=_("As printed on your receipt, e.g. H57.19753-250701-0001"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    id_number = forms.CharField(
        label=_("Personal ID number"),
        max_length=20,
        help_text=_(
            "The 12-digit number of the applicant's citizen ID card (or the old 9-digit ID)"
        ),
        widget=forms.PasswordInput(
            attrs={"autocomplete": "off", "inputmode": "numeric"}, render_value=False
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if len(code) < 6:
            raise forms.ValidationError(_("Enter the record code as printed on your receipt."))
        return code

    def clean_id_number(self):
        number = normalise_id(self.cleaned_data["id_number"])
        if len(number) not in (9, 12):
            raise forms.ValidationError(
                _("Enter the 12-digit personal ID number (or the 9-digit old ID).")
            )
        return number
