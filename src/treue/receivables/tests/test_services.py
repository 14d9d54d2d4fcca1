import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from treue.receivables.models import Payment
from treue.receivables.services import payment_create
from treue.receivables.tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 4, 2)


def test_a_chf_payment_keeps_the_rate_of_the_day_it_came_in() -> None:
    invoice = InvoiceFactory(currency="CHF", exchange_rate=Decimal("1.040000"))

    payment = payment_create(
        invoice=invoice, received_on=DAY, amount=Decimal("1190"), exchange_rate=Decimal("1.06")
    )

    assert payment.exchange_rate == Decimal("1.06")


def test_a_payment_without_a_rate_takes_the_invoice_rate() -> None:
    invoice = InvoiceFactory(currency="CHF", exchange_rate=Decimal("1.040000"))

    payment = payment_create(invoice=invoice, received_on=DAY, amount=Decimal("100"))

    assert Payment.objects.get(pk=payment.pk).exchange_rate == Decimal("1.040000")


def test_a_euro_payment_with_another_rate_than_1_is_refused_and_not_recorded() -> None:
    invoice = InvoiceFactory(currency="EUR")

    with pytest.raises(ValidationError) as refused:
        payment_create(
            invoice=invoice, received_on=DAY, amount=Decimal("100"), exchange_rate=Decimal("1.1")
        )

    assert "exchange_rate" in refused.value.message_dict
    assert Payment.objects.count() == 0
