from django.utils import translation

from treue.core.choices import choice_labels
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
