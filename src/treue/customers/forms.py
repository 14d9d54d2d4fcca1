from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from treue.core.models import User

from .models import Country, CustomerStatus, Industry, Segment
from .selectors import SORTS


def _with_blank(choices: list[tuple[str, Any]], label: object) -> list[tuple[str, object]]:
    return [("", label), *choices]


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    owner = forms.ModelChoiceField(
        label=_("Account owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All owners"),
    )
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name A–Z")),
            ("-name", _("Name Z–A")),
            ("number", _("Customer number")),
            ("-since", _("Newest customers")),
            ("since", _("Oldest customers")),
        ],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, role__in=["sales", "management"]
        ).order_by("last_name", "first_name")
        self.fields["industry"].choices = _with_blank(Industry.choices, _("All industries"))  # type: ignore[attr-defined]
        self.fields["country"].choices = _with_blank(Country.choices, _("All countries"))  # type: ignore[attr-defined]
        self.fields["segment"].choices = _with_blank(Segment.choices, _("All segments"))  # type: ignore[attr-defined]
        self.fields["status"].choices = _with_blank(CustomerStatus.choices, _("All statuses"))  # type: ignore[attr-defined]

    def filters(self) -> dict[str, object]:
        """The selector arguments; an invalid form filters nothing rather than failing."""
        data = self.cleaned_data if self.is_valid() else {}
        owner = data.get("owner")
        sort = data.get("sort") or "name"
        return {
            "search": data.get("q", ""),
            "owner_id": owner.pk if owner else None,
            "industry": data.get("industry", ""),
            "country": data.get("country", ""),
            "segment": data.get("segment", ""),
            "status": data.get("status", ""),
            "order": sort if sort in SORTS else "name",
        }
