"""Labels of choices, translated once per language instead of once per table cell.

`Model.get_FOO_display()` rebuilds a dictionary of all choices and translates every label on
each call; a list page of 50 rows with four such columns spent most of its time there.
"""

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django.db.models import Choices
from django.utils import translation
from django.utils.choices import BaseChoiceIterator


@functools.cache
def _labels(choices: type[Choices], language: str | None) -> Mapping[str, str]:
    with translation.override(language):
        return {str(value): str(label) for value, label in choices.choices}


def choice_labels(choices: type[Choices]) -> Mapping[str, str]:
    """`{value: label}` of `choices` in the active language."""
    return _labels(choices, translation.get_language())


class ChoicesWithBlank(BaseChoiceIterator):
    """A filter's choices: `("", blank)`, then `choices` with labels in the active language.

    `choices` is a Choices enumeration or a function returning `(value, label)` pairs (asked on
    every iteration, so it may change). Given to the form field once, in the class: a list set
    in the form's `__init__` was normalised twice and deep-copied with the form, per request,
    which was most of the cost of building the customer list's filter form.
    """

    def __init__(
        self, choices: type[Choices] | Callable[[], Iterable[tuple[Any, str]]], blank: Any
    ) -> None:
        self.pairs = (
            functools.partial(_label_items, choices) if isinstance(choices, type) else choices
        )
        self.blank = blank

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        yield "", str(self.blank)
        yield from self.pairs()

    def __deepcopy__(self, memo: dict[int, Any]) -> "ChoicesWithBlank":
        return self  # nothing in it changes


def _label_items(choices: type[Choices]) -> Iterable[tuple[str, str]]:
    return choice_labels(choices).items()
