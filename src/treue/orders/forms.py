import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ProductLine


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


class ProductionCycleForm(forms.Form):
    product_line = forms.ChoiceField(label=_("Product line"), choices=ProductLine.choices)
    days = forms.IntegerField(label=_("Lead time grows by (days)"), min_value=1, max_value=365)
    from_date = forms.DateField(
        label=_("For lines promised from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason for the customer"),
        max_length=300,
        help_text=_("The customers read it in the delay notices."),
    )
