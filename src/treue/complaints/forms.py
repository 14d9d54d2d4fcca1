from django import forms
from django.utils.translation import gettext_lazy as _


class SatisfactionForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled your complaint?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not at all, 5 = completely"),
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
