import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from treue.core.models import Department, User


class PostponeForm(forms.Form):
    due_on = forms.DateField(
        label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_due_on(self) -> datetime.date:
        due_on: datetime.date = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The new due date lies in the past."))
        return due_on


class HandOverForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=250)

    def __init__(self, *args: object, candidates: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to"].queryset = candidates  # type: ignore[attr-defined]


class DepartmentFilterForm(forms.Form):
    """Management narrows the department activities to one department."""

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )

    def __init__(self, *args: object, departments: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]

    def department_id(self) -> int | None:
        """The chosen department; an unknown one shows every department (and says why)."""
        if not self.is_bound or not self.is_valid():
            return None
        department = self.cleaned_data["department"]
        return department.pk if department is not None else None
