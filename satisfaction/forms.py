"""The satisfaction form, one for the citizen's page and the clerk's paper form: nine radio
groups and an optional comment. The service validates again (``rate_record``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from satisfaction.questions import COMMENT_MAX_LENGTH, INDICATORS


class RatingForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "rating_%s")
        super().__init__(*args, **kwargs)
        for indicator in INDICATORS:
            self.fields[indicator.field] = forms.TypedChoiceField(
                label=indicator.question,
                choices=list(indicator.answers),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer."),
                    "invalid_choice": _("Choose one of the answers offered."),
                },
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment (optional)"),
            required=False,
            max_length=COMMENT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
        )

    def indicator_fields(self):
        return [self[indicator.field] for indicator in INDICATORS]

    def answers(self) -> dict:
        return {indicator.field: self.cleaned_data[indicator.field] for indicator in INDICATORS}


def add_service_errors(form: forms.Form, error) -> None:
    """Put a service's ``ValidationError`` on the form's fields (or the form)."""
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)
