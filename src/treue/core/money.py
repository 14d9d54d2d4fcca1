"""Money is a Decimal beside a currency code; these helpers keep that pair consistent."""

import functools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern, format_currency, parse_pattern
from django.db import models
from django.utils import translation

CENT = Decimal("0.01")


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    CHF = "CHF", "CHF"
    USD = "USD", "USD"


def money_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def rate_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    """Units of company currency (EUR) for one unit of the document currency."""
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=6, **kwargs)


def round_money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _babel_locale() -> str:
    return "de_DE" if (translation.get_language() or "de").startswith("de") else "en_GB"


def format_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "–"
    return format_currency(amount, currency, locale=_babel_locale())


def format_percent(value: Decimal | float | int | None, digits: int = 0) -> str:
    """`value` in percent (87.5 → "87,5 %" in German, "87.5%" in English); "–" for None."""
    if value is None:
        return "–"
    # German writes a (non-breaking) space before the sign, English none.
    sign = "\u00a0%" if _babel_locale().startswith("de") else "%"
    return format_number(value, digits) + sign


def format_number(value: Decimal | float | int | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return _number_pattern(digits).apply(value, _locale(_babel_locale()))


@functools.cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@functools.cache
def _number_pattern(digits: int) -> NumberPattern:
    """What `format_decimal(value, format="#,##0.00")` does, without parsing the format anew
    for every number (a list page formats dozens)."""
    return parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))
