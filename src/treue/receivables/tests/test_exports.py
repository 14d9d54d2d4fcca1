import csv
import datetime
import io
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.utils import translation

from treue.customers.models import Customer
from treue.receivables.exports import open_items_csv
from treue.receivables.imports import invoices_import
from treue.receivables.models import Allocation, Payment
from treue.receivables.tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 4, 19)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: German Excel reads the umlauts
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_open_items_are_exported_for_german_excel(
    make_customer: Callable[..., Customer], django_assert_max_num_queries
) -> None:
    customer = make_customer("K1", "Müller & Söhne; Maschinenbau")
    swiss = make_customer("K2", "Präzision AG", currency="CHF")
    paid_in_part = InvoiceFactory(number="R-1", customer=customer)  # due 2025-04-09
    payment = Payment.objects.create(
        customer=customer,
        reference="ZE-1",
        received_on=datetime.date(2025, 4, 1),
        currency="EUR",
        amount=Decimal("190.00"),
    )
    Allocation.objects.create(
        invoice=paid_in_part,
        payment=payment,
        allocated_on=payment.received_on,
        amount=payment.amount,
    )
    InvoiceFactory(
        number="R-2",
        customer=swiss,
        currency="CHF",
        exchange_rate=Decimal("1.05"),
        due_on=datetime.date(2025, 5, 9),
        net_amount=Decimal("10000.00"),
        tax_amount=Decimal("1900.00"),
        gross_amount=Decimal("11900.00"),
    )

    with django_assert_max_num_queries(1):
        data = open_items_csv(today=TODAY)

    assert rows(data) == [
        [
            "Invoice number",
            "Customer number",
            "Customer",
            "Issued",
            "Due",
            "Days overdue",
            "Open amount",
            "Currency",
            "Open amount (EUR)",
        ],
        ["R-1", "K1", "Müller & Söhne; Maschinenbau", "10.03.2025", "09.04.2025", "10", "1000,00",
         "EUR", "1000,00"],
        ["R-2", "K2", "Präzision AG", "10.03.2025", "09.05.2025", "0", "11900,00", "CHF",
         "12495,00"],
    ]  # fmt: skip
    assert rows(open_items_csv(customer_id=swiss.pk, today=TODAY))[1][0] == "R-2"
    assert len(rows(open_items_csv(customer_id=swiss.pk, today=TODAY))) == 2


def test_imported_text_that_could_act_as_a_formula_is_neutralised_in_the_export(
    make_customer: Callable[..., Customer],
) -> None:
    make_customer("=1+1", '=HYPERLINK("http://evil.example","Rechnung")')
    make_customer("@SUM", "+49 711 123456")
    make_customer("K3", "-2+3")
    data = (
        "number;customer;issued_on;net_amount;tax_amount;gross_amount\n"
        "=cmd|' /C calc'!A0;=1+1;10.03.2025;100,00;19,00;119,00\n"
        "\tR-2;@SUM;10.03.2025;100,00;19,00;119,00\n"
        "R-3;K3;10.03.2025;100,00;19,00;119,00\n"
    )
    invoices_import(data=data.encode())

    exported = rows(open_items_csv(today=TODAY))[1:]

    assert [row[:3] for row in exported] == [
        ["'=cmd|' /C calc'!A0", "'=1+1", '\'=HYPERLINK("http://evil.example","Rechnung")'],
        ["R-2", "'@SUM", "'+49 711 123456"],
        ["R-3", "K3", "'-2+3"],
    ]
