import datetime
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from treue.customers.models import Customer
from treue.receivables.imports import ImportRefused, invoices_import, payments_import
from treue.receivables.models import Allocation, ImportMapping, Invoice, Payment, PaymentPromise
from treue.receivables.selectors import invoice_settled_amount, payment_unallocated
from treue.receivables.services import payment_record
from treue.receivables.tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

INVOICES = (
    "number,customer,issued_on,due_on,net_amount,tax_amount,gross_amount\n"
    "R-1,K1,2026-03-02,2026-04-01,1000.00,190.00,1190.00\n"
    "R-2,K1,2026-03-09,,500.00,95.00,595.00\n"
)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The messages are asserted in their English source text (German comes with the .po)."""
    with translation.override("en"):
        yield


@pytest.fixture
def k1(make_customer: Callable[..., Customer]) -> Customer:
    """14 days 2 % Skonto, 30 days net (the `terms` fixture)."""
    return make_customer("K1", "Bergmann Antriebstechnik GmbH")


def invoice(number: str, customer: Customer, gross: str, issued: str = "2026-03-02") -> Invoice:
    gross_amount = Decimal(gross)
    net = (gross_amount / Decimal("1.19")).quantize(Decimal("0.01"))
    issued_on = datetime.date.fromisoformat(issued)
    return InvoiceFactory(
        number=number,
        customer=customer,
        issued_on=issued_on,
        due_on=issued_on + datetime.timedelta(days=30),
        net_amount=net,
        tax_amount=gross_amount - net,
        gross_amount=gross_amount,
    )


def shares(payment_reference: str) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (a.invoice.number, a.amount, a.cash_discount)
        for a in Allocation.objects.filter(payment__reference=payment_reference).order_by("id")
    ]


# --- invoices ---------------------------------------------------------------------------------


def test_invoices_are_imported_with_the_due_date_of_the_payment_terms_when_none_is_given(
    k1: Customer,
) -> None:
    result = invoices_import(data=INVOICES.encode(), filename="invoices.csv")

    assert (result.created, result.unchanged) == (2, 0)
    first, second = Invoice.objects.order_by("number")
    assert (first.due_on, first.gross_amount, first.currency) == (
        datetime.date(2026, 4, 1),
        Decimal("1190.00"),
        "EUR",
    )
    assert second.due_on == datetime.date(2026, 4, 8)  # 30 days net
    assert {first.source, second.source} == {"import"}


def test_a_german_excel_export_in_windows_1252_is_read_with_decimal_commas_and_german_dates(
    make_customer: Callable[..., Customer],
) -> None:
    make_customer("10004", "Müller & Söhne KG", currency="CHF")
    data = (
        "Belegnummer;Kunde;Kundennummer;Belegdatum;Fällig am;Netto;MwSt;Brutto;Währung;Kurs\r\n"
        "RE-2026-0815;Müller & Söhne KG;10004;30.11.2026;30.12.2026;1.234,56;234,57;1.469,13;"
        "CHF;1,0712\r\n"
        "RE-2026-0816;Müller & Söhne KG;10004;1.12.2026;;12.000;2.280;14.280;CHF;1,071\r\n"
    ).encode("cp1252")

    invoices_import(data=data, filename="Rechnungen.csv")

    first, second = Invoice.objects.order_by("number")
    assert first.customer.number == "10004"
    assert (first.issued_on, first.due_on) == (
        datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 30),
    )
    assert (first.net_amount, first.tax_amount, first.gross_amount) == (
        Decimal("1234.56"),
        Decimal("234.57"),
        Decimal("1469.13"),
    )
    assert (first.currency, first.exchange_rate) == ("CHF", Decimal("1.0712"))
    # "12.000" in a file of decimal commas is twelve thousand, "1,071" a rate with 3 decimals.
    assert (second.net_amount, second.gross_amount) == (Decimal("12000.00"), Decimal("14280.00"))
    assert second.exchange_rate == Decimal("1.071")


def test_english_amounts_with_thousands_separators_are_read(k1: Customer) -> None:
    data = (
        "number,customer,issued_on,net_amount,tax_amount,gross_amount\n"
        'R-1,K1,2026-03-02,"12,000.00","2,280.00","14,280.00"\n'
        "R-2,K1,02.03.2026,1.000,0.19,1.19\n"
    )

    invoices_import(data=data.encode())

    first, second = Invoice.objects.order_by("number")
    assert first.gross_amount == Decimal("14280.00")
    # In a file of decimal points "1.000" is one.
    assert (second.net_amount, second.gross_amount) == (Decimal("1.00"), Decimal("1.19"))


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1234,5", "1234.50"),
        ("1,234.56", "1234.56"),
        ("1'234.56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1.234", "1234.00"),
    ],
)
def test_amounts_are_read_as_german_and_english_exports_write_them(
    k1: Customer, written: str, amount: str
) -> None:
    invoice("R-1", k1, "5000.00")
    data = f"reference;customer;received_on;amount\nZE-1;K1;02.05.2026;{written}\n"

    payments_import(data=data.encode())

    assert Payment.objects.get().amount == Decimal(amount)


def test_each_bad_invoice_row_is_named_with_all_its_problems_and_nothing_is_imported(
    k1: Customer,
) -> None:
    data = (
        "number;customer;issued_on;due_on;net_amount;tax_amount;gross_amount;currency;"
        "exchange_rate\n"
        "R-1;K1;02.03.2026;;1000,00;190,00;1190,00;;\n"
        "R-2;K9;02.03.2026;;100,00;19,00;119,00;;\n"
        "R-1;K1;02.03.2026;;100,00;19,00;119,00;;\n"
        "R-3;K1;31.02.2026;;-100,00;19,00;zwölf;;\n"
        "R-4;K1;02.03.2026;01.03.2026;100,00;19,00;120,00;;\n"
        "R-5;K1;02.03.2026;;100,00;19,00;119,00;CHF;\n"
        "R-6;K1;02.03.2026;;100,00;19,00;119,00;GBP;\n"
        "R-7;K1;02.03.2026;;100,001;19,00;119,00;EUR;1,1\n"
        "R-8;K1\n"
    )

    with pytest.raises(ImportRefused) as refused:
        invoices_import(data=data.encode("cp1252"))

    assert refused.value.errors == [
        "Row 3: no customer K9.",
        "Row 4: the invoice number R-1 is in row 2 too.",
        "Row 5: issued_on 31.02.2026 is not a date like 2026-11-30 or 30.11.2026; net_amount "
        "-100,00 is negative; gross_amount zwölf is not an amount.",
        "Row 6: the gross amount 120.00 is not net amount 100.00 plus tax 19.00; "
        "the invoice is due before it is issued.",
        "Row 7: the exchange rate is missing (EUR for 1 CHF).",
        "Row 8: no currency GBP (known: EUR, CHF, USD).",
        "Row 9: net_amount 100,001 has more than two decimal places; "
        "the exchange rate of EUR is 1.",
        "Row 10: 2 fields instead of 9.",
    ]
    assert not Invoice.objects.exists()


def test_importing_the_same_invoices_again_changes_nothing(k1: Customer) -> None:
    invoices_import(data=INVOICES.encode())

    again = invoices_import(data=INVOICES.encode())

    assert (again.created, again.unchanged) == (0, 2)
    assert Invoice.objects.count() == 2


def test_a_known_invoice_with_other_amounts_is_refused(k1: Customer) -> None:
    invoices_import(data=INVOICES.encode())
    changed = INVOICES.replace("1000.00,190.00,1190.00", "1000.00,200.00,1200.00")

    with pytest.raises(ImportRefused) as refused:
        invoices_import(data=changed.encode())

    assert refused.value.errors == [
        "Row 2: invoice R-1 exists with other data: VAT 200.00 instead of 190.00, "
        "gross amount 1200.00 instead of 1190.00."
    ]
    assert Invoice.objects.get(number="R-1").gross_amount == Decimal("1190.00")


def test_invoices_of_an_unknown_order_or_of_another_customers_order_are_refused(
    customer_world: dict,
) -> None:
    data = (
        "Rechnungsnummer;Kundennummer;Rechnungsdatum;Netto;USt;Brutto;Auftrag\n"
        "R-9;K10001;01.04.2024;100,00;19,00;119,00;A-2024-0001\n"
        "R-10;K10001;01.04.2024;100,00;19,00;119,00;A-1999-0001\n"
    )

    with pytest.raises(ImportRefused) as refused:
        invoices_import(data=data.encode())

    assert refused.value.errors == ["Row 3: no order A-1999-0001."]
    invoices_import(data=data.replace(";A-1999-0001", ";").encode())
    assert Invoice.objects.get(number="R-9").order == customer_world["order"]


def test_a_credit_note_settles_the_invoice_it_credits_as_far_as_it_is_open(k1: Customer) -> None:
    partly_paid = invoice("R-1", k1, "1190.00")
    payment_record(
        customer="K1",
        reference="ZE-1",
        received_on=datetime.date(2026, 3, 30),
        amount=Decimal("500.00"),
        invoices=["R-1"],
    )
    data = (
        "Belegnummer;Kunde;Belegdatum;Netto;MwSt;Brutto;Belegart;Bezugsrechnung\n"
        "GS-1;K1;20.03.2026;840,34;159,66;1000,00;Gutschrift;R-1\n"
    )

    result = invoices_import(data=data.encode("cp1252"))

    assert result.credit_notes_applied == 1
    note = Invoice.objects.get(number="GS-1")
    assert (note.kind, note.due_on) == ("credit_note", datetime.date(2026, 3, 20))
    applied = Allocation.objects.get(credit_note=note)
    assert (applied.invoice, applied.amount, applied.allocated_on) == (
        partly_paid,
        Decimal("690.00"),
        datetime.date(2026, 3, 20),
    )
    assert invoice_settled_amount(invoice=partly_paid) == Decimal("1190.00")
    assert invoices_import(data=data.encode("cp1252")).unchanged == 1
    assert Allocation.objects.filter(credit_note=note).count() == 1


def test_a_credit_note_may_credit_an_invoice_of_the_same_file_but_not_another_customers(
    k1: Customer, make_customer: Callable[..., Customer]
) -> None:
    make_customer("K2", "Other GmbH")
    invoice("R-OTHER", Customer.objects.get(number="K2"), "119.00")
    data = (
        "number,customer,issued_on,net_amount,tax_amount,gross_amount,kind,credited_invoice\n"
        "R-1,K1,2026-03-02,100.00,19.00,119.00,invoice,\n"
        "GS-1,K1,2026-03-05,10.00,1.90,11.90,credit_note,R-1\n"
        "GS-2,K1,2026-03-05,10.00,1.90,11.90,credit_note,R-OTHER\n"
        "R-3,K1,2026-03-05,10.00,1.90,11.90,,R-1\n"
    )

    with pytest.raises(ImportRefused) as refused:
        invoices_import(data=data.encode())

    assert refused.value.errors == [
        "Row 4: the customer has no invoice R-OTHER.",
        "Row 5: only a credit note credits an invoice.",
    ]
    invoices_import(data="\n".join(data.splitlines()[:3]).encode())
    assert Allocation.objects.get().amount == Decimal("11.90")


def test_an_xlsx_file_is_read_with_its_number_and_date_cells(k1: Customer) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Rechnungsnummer", "Kundennummer", "Rechnungsdatum", "Netto", "MwSt", "Brutto"])
    sheet.append(["R-1", "K1", datetime.date(2026, 3, 2), 1000, 190, 1190])
    # A formula's binary float: 1190 * 1.19 = 1416.1000000000001
    sheet.append(["R-2", "K1", datetime.date(2026, 3, 3), 1190, 226.1, 1190 * 1.19])
    content = io.BytesIO()
    book.save(content)

    invoices_import(data=content.getvalue(), filename="Rechnungen.xlsx")

    first, second = Invoice.objects.order_by("number")
    assert (first.issued_on, first.gross_amount) == (datetime.date(2026, 3, 2), Decimal("1190"))
    assert second.gross_amount == Decimal("1416.10")


def test_a_file_neither_utf8_nor_windows_1252_is_refused(k1: Customer) -> None:
    data = INVOICES.encode() + b"R-3,K1,2026-03-09,,1,0,1\n\x81\x8d\n"

    with pytest.raises(ImportRefused) as refused:
        invoices_import(data=data)

    assert refused.value.errors == ["The file is neither UTF-8 nor Windows-1252 text."]


def test_a_file_without_a_required_column_is_refused() -> None:
    with pytest.raises(ImportRefused) as refused:
        invoices_import(data=b"number;customer;issued_on;net_amount\nR-1;K1;2026-03-02;1\n")

    assert refused.value.errors == [
        "Row 1: the column tax_amount is missing; the column gross_amount is missing."
    ]


# --- payments -----------------------------------------------------------------------------------


def test_the_skonto_is_taken_within_its_period_and_not_after(k1: Customer) -> None:
    invoice("R-1", k1, "1190.00", issued="2026-03-02")
    invoice("R-2", k1, "1190.00", issued="2026-03-02")
    data = (
        "Buchungsnummer;Kundennummer;Valuta;Betrag;Rechnungen\n"
        "ZE-1;K1;16.03.2026;1166,20;R-1\n"  # 14 days after the invoice: 2 % off
        "ZE-2;K1;17.03.2026;1166,20;R-2\n"  # 15 days: too late
    )

    payments_import(data=data.encode("cp1252"))

    assert shares("ZE-1") == [("R-1", Decimal("1166.20"), Decimal("23.80"))]
    assert shares("ZE-2") == [("R-2", Decimal("1166.20"), Decimal("0.00"))]
    assert invoice_settled_amount(invoice=Invoice.objects.get(number="R-2")) == Decimal("1166.20")


def test_one_payment_settles_several_invoices_and_keeps_the_rest_unallocated(
    k1: Customer,
) -> None:
    invoice("R-1", k1, "1190.00")
    invoice("R-2", k1, "595.00")
    invoice("R-3", k1, "119.00")
    data = (
        "reference,customer,received_on,amount,invoices\n"
        "ZE-1,K1,2026-05-02,2000.00,R-2 | R-1\n"
        "ZE-2,K1,2026-05-03,200.00,\n"  # oldest open first: what is left of R-1, then R-3
    )

    result = payments_import(data=data.encode())

    assert (result.created, result.allocations, result.with_unallocated) == (2, 3, 2)
    assert shares("ZE-1") == [
        ("R-2", Decimal("595.00"), Decimal("0.00")),
        ("R-1", Decimal("1190.00"), Decimal("0.00")),
    ]
    assert shares("ZE-2") == [("R-3", Decimal("119.00"), Decimal("0.00"))]
    assert payment_unallocated(payment=Payment.objects.get(reference="ZE-1")) == Decimal("215.00")
    assert payment_unallocated(payment=Payment.objects.get(reference="ZE-2")) == Decimal("81.00")


def test_two_payments_of_one_file_on_the_same_invoice_see_each_other(k1: Customer) -> None:
    invoice("R-1", k1, "1190.00")
    invoice("R-2", k1, "100.00", issued="2026-04-01")
    data = (
        "reference,customer,received_on,amount,invoices\n"
        "ZE-1,K1,2026-05-02,500.00,R-1\n"
        "ZE-2,K1,2026-05-03,700.00,R-1\n"
        "ZE-3,K1,2026-05-04,50.00,\n"
    )

    payments_import(data=data.encode())

    assert shares("ZE-2") == [("R-1", Decimal("690.00"), Decimal("0.00"))]
    assert shares("ZE-3") == [("R-2", Decimal("50.00"), Decimal("0.00"))]
    again = data.replace("ZE-3,K1,2026-05-04,50.00,", "ZE-4,K1,2026-05-05,1.00,R-1")
    with pytest.raises(ImportRefused) as refused:
        payments_import(data=again.encode())
    assert refused.value.errors == ["Row 4: invoice R-1 is settled already."]


def test_payments_settle_invoices_as_the_service_does(
    make_customer: Callable[..., Customer],
) -> None:
    rows = [
        ("P1", "2026-03-10", "1166.20", "{a}"),  # within the discount days, 2 % off
        ("P2", "2026-03-12", "2500.00", ""),
        ("P3", "2026-04-20", "300.00", "{c}"),
        ("P4", "2026-04-21", "900.00", ""),
    ]
    for prefix in ("S", "I"):
        customer = make_customer(f"{prefix}K", "Twin GmbH")
        invoice(f"{prefix}-a", customer, "1190.00", issued="2026-03-01")
        invoice(f"{prefix}-b", customer, "2380.00", issued="2026-03-02")
        invoice(f"{prefix}-c", customer, "595.00", issued="2026-03-20")
    for reference, day, amount, names in rows:
        payment_record(
            customer="SK",
            reference=f"S{reference}",
            received_on=datetime.date.fromisoformat(day),
            amount=Decimal(amount),
            invoices=names.format(a="S-a", b="S-b", c="S-c").split() or None,
        )
    data = "reference,customer,received_on,amount,invoices\n" + "".join(
        f"I{r},IK,{day},{amount},{names.format(a='I-a', b='I-b', c='I-c')}\n"
        for r, day, amount, names in rows
    )

    payments_import(data=data.encode())

    for reference, *_rest in rows:
        service = [(n[2:], a, d) for n, a, d in shares(f"S{reference}")]
        imported = [(n[2:], a, d) for n, a, d in shares(f"I{reference}")]
        assert imported == service
    assert all(shares(f"I{reference}") for reference, *_rest in rows)  # each settled something
    assert shares("IP1") == [("I-a", Decimal("1166.20"), Decimal("23.80"))]
    for reference in ("P1", "P2", "P3", "P4"):
        assert payment_unallocated(
            payment=Payment.objects.get(reference=f"I{reference}")
        ) == payment_unallocated(payment=Payment.objects.get(reference=f"S{reference}"))


def test_a_payment_naming_an_invoice_settled_by_an_earlier_row_is_refused(k1: Customer) -> None:
    invoice("R-1", k1, "1190.00")
    data = (
        "reference,customer,received_on,amount,invoices\n"
        "ZE-1,K1,2026-05-02,1190.00,R-1\n"
        "ZE-2,K1,2026-05-03,10.00,R-1\n"
    )

    with pytest.raises(ImportRefused) as refused:
        payments_import(data=data.encode())

    assert refused.value.errors == ["Row 3: invoice R-1 is settled by row 2 already."]
    assert not Payment.objects.exists()


def test_each_bad_payment_row_is_named_and_nothing_is_imported(
    k1: Customer, make_customer: Callable[..., Customer]
) -> None:
    other = make_customer("K2", "Other GmbH")
    invoice("R-1", k1, "1190.00")
    invoice("R-OTHER", other, "119.00")
    data = (
        "Referenz;Kunde;Zahlungsdatum;Betrag;Währung;Kurs;Rechnungen\n"
        "ZE-1;K1;02.05.2026;100,00;;;R-1\n"
        "ZE-2;K7;02.05.2026;100,00;;;\n"
        "ZE-1;K1;02.05.2026;100,00;;;\n"
        "ZE-3;K1;2026-13-01;-100,00;;;\n"
        "ZE-4;K1;02.05.2026;hundert;;;\n"
        "ZE-5;K1;02.05.2026;0;;;\n"
        "ZE-6;K1;02.05.2026;100,00;;;R-OTHER R-404\n"
        "ZE-7;K1;02.05.2026;100,00;CHF;;\n"
        "ZE-8;K1;02.05.2026;100,00;CHF;1,05;R-1\n"
        ";K1;02.05.2026;100,00;;;\n"
    )

    with pytest.raises(ImportRefused) as refused:
        payments_import(data=data.encode("cp1252"))

    assert refused.value.errors == [
        "Row 3: no customer K7.",
        "Row 4: the reference ZE-1 is in row 2 too.",
        "Row 5: Zahlungsdatum 2026-13-01 is not a date like 2026-11-30 or 30.11.2026; "
        "Betrag -100,00 is negative.",
        "Row 6: Betrag hundert is not an amount.",
        "Row 7: Betrag is 0.",
        "Row 8: invoice R-OTHER belongs to customer K2; no invoice R-404.",
        "Row 9: the exchange rate is missing (EUR for 1 CHF).",
        "Row 10: invoices R-1 are not in CHF.",
        "Row 11: Referenz is empty.",
    ]
    assert not Payment.objects.exists()
    assert not Allocation.objects.exists()


def test_importing_the_same_payments_again_changes_nothing(k1: Customer) -> None:
    invoice("R-1", k1, "1190.00")
    data = "reference,customer,received_on,amount,invoices\nZE-1,K1,2026-05-02,1190.00,R-1\n"
    payments_import(data=data.encode())

    again = payments_import(data=data.encode())

    assert (again.created, again.unchanged, again.allocations) == (0, 1, 0)
    assert shares("ZE-1") == [("R-1", Decimal("1190.00"), Decimal("0.00"))]
    changed = data.replace("1190.00", "1000.00")
    with pytest.raises(ImportRefused) as refused:
        payments_import(data=changed.encode())
    assert refused.value.errors == [
        "Row 2: payment ZE-1 is known already with other data (K1, 2026-05-02, 1190.00 EUR)."
    ]


def test_a_payment_in_a_foreign_currency_keeps_its_rate(
    make_customer: Callable[..., Customer],
) -> None:
    swiss = make_customer("K-CH", "Präzision AG", currency="CHF")
    InvoiceFactory(number="R-CH", customer=swiss, currency="CHF", exchange_rate=Decimal("1.04"))
    data = (
        "reference;customer;received_on;amount;exchange_rate\nZE-CH;K-CH;01.04.2025;500,00;1,06\n"
    )

    payments_import(data=data.encode())

    payment = Payment.objects.get()
    assert (payment.currency, payment.exchange_rate) == ("CHF", Decimal("1.060000"))
    assert shares("ZE-CH") == [("R-CH", Decimal("500.00"), Decimal("0.00"))]


def test_a_payment_keeps_the_customers_promise(k1: Customer) -> None:
    invoice("R-1", k1, "1190.00")
    promise = PaymentPromise.objects.create(
        customer=k1,
        amount=Decimal("1190.00"),
        currency="EUR",
        promised_on=timezone.localdate() + datetime.timedelta(days=7),
        agreed_by="Jens Krüger",
    )
    today = timezone.localdate().isoformat()
    data = f"reference,customer,received_on,amount\nZE-1,K1,{today},1190.00\n"

    payments_import(data=data.encode())

    promise.refresh_from_db()
    assert promise.status == "kept"


def test_the_progress_is_reported_for_checking_and_writing(k1: Customer) -> None:
    invoice("R-1", k1, "1190.00")
    seen: list[tuple[str, int, int]] = []
    data = "reference,customer,received_on,amount\nZE-1,K1,2026-05-02,100\nZE-2,K1,2026-05-03,100\n"

    payments_import(data=data.encode(), progress=lambda *step: seen.append(step))

    assert seen[0] == ("check", 0, 2)
    assert ("check", 2, 2) in seen
    assert seen[-1] == ("write", 4, 4)  # two payments, two allocations


# --- the command --------------------------------------------------------------------------------


def test_the_command_saves_a_mapping_and_uses_it_for_the_next_file(
    k1: Customer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = "Beleg;Konto;Datum Beleg;Soll netto;Steuer EUR;Soll brutto\n"
    first, second = tmp_path / "januar.csv", tmp_path / "februar.csv"
    first.write_text(header + "R-1;K1;02.01.2026;100,00;19,00;119,00\n", encoding="cp1252")
    second.write_text(header + "R-2;K1;02.02.2026;200,00;38,00;238,00\n", encoding="cp1252")
    columns = {
        "number": "Beleg",
        "customer": "Konto",
        "issued_on": "Datum Beleg",
        "net_amount": "Soll netto",
        "tax_amount": "Steuer EUR",
        "gross_amount": "Soll brutto",
    }

    call_command(
        "import",
        "invoices",
        str(first),
        *(f"--map={column}={name}" for column, name in columns.items()),
        "--save-mapping=fibu",
    )
    call_command("import", "invoices", str(second), "--mapping=fibu")

    assert ImportMapping.objects.get(kind="invoices", name="fibu").columns == columns
    assert list(Invoice.objects.order_by("number").values_list("number", flat=True)) == [
        "R-1",
        "R-2",
    ]
    out = capsys.readouterr()
    assert "1 invoices and credit notes imported, 0 known already" in out.out
    assert "Column mapping fibu saved for invoices." in out.out
    assert out.err == ""  # no progress bar when stderr is not a terminal


def test_the_command_refuses_a_broken_file_and_imports_nothing(
    k1: Customer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoice("R-1", k1, "1190.00")
    path = tmp_path / "zahlungen.csv"
    path.write_text("reference,customer,received_on,amount\nZE-1,K1,2026-05-02,1O0\n")

    with pytest.raises(CommandError, match=r"Nothing was imported: 1 row\(s\) with errors\."):
        call_command("import", "payments", str(path), "--progress")

    err = capsys.readouterr().err
    assert "Row 2: amount 1O0 is not an amount." in err
    assert "checking  [" in err
    assert not Payment.objects.exists()


def test_the_command_shows_the_progress_bar_and_what_it_did(
    k1: Customer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoice("R-1", k1, "1190.00")
    path = tmp_path / "zahlungen.csv"
    path.write_text("reference,customer,received_on,amount\nZE-1,K1,2026-05-02,1500.00\n")

    call_command("import", "payments", str(path), "--progress")

    out = capsys.readouterr()
    assert (
        "1 payments imported, 0 known already; 1 allocations to invoices, "
        "1 payments with unallocated cash." in out.out
    )
    assert f"\rwriting   [{'#' * 30}] 100 % 2 / 2 rows" in out.err


def test_an_unknown_mapping_or_column_is_refused_by_the_command(
    k1: Customer, tmp_path: Path
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(INVOICES)

    with pytest.raises(CommandError, match="No saved mapping datev for invoices"):
        call_command("import", "invoices", str(path), "--mapping=datev")
    with pytest.raises(CommandError, match="treue has no column beleg"):
        call_command("import", "invoices", str(path), "--map=beleg=Beleg")
    with pytest.raises(CommandError, match="--save-mapping: "):
        call_command("import", "invoices", str(path), "--map=number=Nr", "--save-mapping=a b")
    assert not Invoice.objects.exists()
