import copy

from django.utils import translation
from django.utils.translation import gettext_lazy

from treue.core.choices import ChoicesWithBlank, choice_labels
from treue.customers.models import Country, Industry


def test_choice_labels_follow_the_active_language() -> None:
    with translation.override("de"):
        german = choice_labels(Country)
    with translation.override("en"):
        english = choice_labels(Country)

    assert german == {"DE": "Deutschland", "AT": "Österreich", "CH": "Schweiz"}
    assert english == {"DE": "Germany", "AT": "Austria", "CH": "Switzerland"}


def test_choice_labels_are_cached_per_language_not_frozen_in_the_first_one() -> None:
    with translation.override("en"):
        choice_labels(Industry)
    with translation.override("de"):
        assert choice_labels(Industry)["food"] == "Lebensmittel und Getränke"


def test_choices_with_blank_translate_on_each_iteration_and_survive_a_form_copy() -> None:
    choices = ChoicesWithBlank(Country, gettext_lazy("All countries"))
    owners = ChoicesWithBlank(lambda: [(7, "Anna Vogel")], gettext_lazy("All owners"))

    with translation.override("de"):
        assert list(choices) == [
            ("", "Alle Länder"),
            ("DE", "Deutschland"),
            ("AT", "Österreich"),
            ("CH", "Schweiz"),
        ]
    with translation.override("en"):
        assert list(choices)[:2] == [("", "All countries"), ("DE", "Germany")]
        assert list(owners) == [("", "All owners"), (7, "Anna Vogel")]
    assert copy.deepcopy(choices) is choices
