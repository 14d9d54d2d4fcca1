import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PromisedDateChangeForm(forms.Form):
    new_date = forms.DateField(
        label=_("New promised date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason for the customer"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The customer reads it in the delay notice."),
    )

    def clean_new_date(self) -> datetime.date:
        new_date: datetime.date = self.cleaned_data["new_date"]
        if new_date < timezone.localdate():
            raise forms.ValidationError(_("The new date lies in the past."))
        return new_date
