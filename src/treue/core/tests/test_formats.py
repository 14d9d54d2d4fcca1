import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

DAY = datetime.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [
        ("de", "01.12.2026", "Dienstag, 1. Dezember 2026"),
        ("en", "01/12/2026", "Tuesday, 1 December 2026"),
    ],
)
def test_dates_are_day_first_in_german_and_english(language: str, short: str, long: str) -> None:
    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }}|{{ d|date:"LONG_DATE_FORMAT" }}')

    with translation.override(language):
        rendered = template.render(Context({"d": DAY}))

    assert rendered == f"{short}|{long}"
