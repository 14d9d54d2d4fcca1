"""Labels of choices, translated once per language instead of once per table cell.

`Model.get_FOO_display()` rebuilds a dictionary of all choices and translates every label on
each call; a list page of 50 rows with four such columns spent most of its time there.
"""

import functools
from collections.abc import Mapping

from django.db.models import Choices
from django.utils import translation


@functools.cache
def _labels(choices: type[Choices], language: str | None) -> Mapping[str, str]:
    with translation.override(language):
        return {str(value): str(label) for value, label in choices.choices}


def choice_labels(choices: type[Choices]) -> Mapping[str, str]:
    """`{value: label}` of `choices` in the active language."""
    return _labels(choices, translation.get_language())
