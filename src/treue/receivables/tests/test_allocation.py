"""How a payment settles invoices (pure arithmetic): Skonto only within its period and only on an
untouched invoice, partial payments, several invoices in the order given, the unallocated rest."""

import datetime
from decimal import Decimal

from treue.receivables.allocation import OpenInvoice, Share, allocate, skonto

ISSUED = datetime.date(2025, 3, 10)


def invoice(
    key: int = 1,
    *,
    gross: str = "1190.00",
    open_amount: str | None = None,
    issued_on: datetime.date = ISSUED,
    discount_days: int | None = 14,
    discount_percent: str | None = "2.00",
) -> OpenInvoice:
    return OpenInvoice(
        key=key,
        issued_on=issued_on,
        open_amount=Decimal(open_amount or gross),
        gross_amount=Decimal(gross),
        discount_days=discount_days,
        discount_percent=Decimal(discount_percent) if discount_percent else None,
    )


def test_skonto_is_a_share_of_the_gross_amount_up_to_the_last_discount_day() -> None:
    untouched = invoice(gross="1190.00")

    on_the_last_day = skonto(untouched, ISSUED + datetime.timedelta(days=14))
    a_day_late = skonto(untouched, ISSUED + datetime.timedelta(days=15))

    assert on_the_last_day == Decimal("23.80")
    assert a_day_late == Decimal("0")


def test_skonto_is_rounded_half_up_to_the_cent() -> None:
    # 2 % of 100.25 is 2.005
    assert skonto(invoice(gross="100.25"), ISSUED) == Decimal("2.01")


def test_no_skonto_on_an_invoice_paid_in_part_already() -> None:
    touched = invoice(gross="1190.00", open_amount="690.00")

    assert skonto(touched, ISSUED + datetime.timedelta(days=3)) == Decimal("0")


def test_no_skonto_without_discount_terms() -> None:
    net_only = invoice(discount_days=None, discount_percent=None)
    days_without_percent = invoice(discount_days=14, discount_percent=None)

    assert skonto(net_only, ISSUED) == Decimal("0")
    assert skonto(days_without_percent, ISSUED) == Decimal("0")


def test_paid_within_the_period_less_the_skonto_the_invoice_is_settled_in_full() -> None:
    shares, rest = allocate(
        Decimal("1166.20"), ISSUED + datetime.timedelta(days=10), [invoice(key=7)]
    )

    assert shares == [Share(7, Decimal("1166.20"), Decimal("23.80"))]
    assert rest == Decimal("0")


def test_the_same_amount_after_the_period_leaves_the_skonto_open() -> None:
    shares, rest = allocate(
        Decimal("1166.20"), ISSUED + datetime.timedelta(days=20), [invoice(key=7)]
    )

    assert shares == [Share(7, Decimal("1166.20"), Decimal("0"))]
    assert rest == Decimal("0")


def test_a_partial_payment_within_the_period_takes_no_skonto() -> None:
    shares, rest = allocate(Decimal("500.00"), ISSUED + datetime.timedelta(days=2), [invoice()])

    assert shares == [Share(1, Decimal("500.00"), Decimal("0"))]
    assert rest == Decimal("0")


def test_several_invoices_are_settled_in_the_order_given_and_the_last_one_in_part() -> None:
    first = invoice(key=1, gross="1000.00", discount_days=None, discount_percent=None)
    second = invoice(key=2, gross="595.00", discount_days=None, discount_percent=None)
    third = invoice(key=3, gross="300.00", discount_days=None, discount_percent=None)

    shares, rest = allocate(Decimal("1200.00"), ISSUED, [first, second, third])

    assert shares == [
        Share(1, Decimal("1000.00"), Decimal("0")),
        Share(2, Decimal("200.00"), Decimal("0")),
    ]
    assert rest == Decimal("0")


def test_skonto_is_taken_per_invoice_only_where_its_period_has_not_passed() -> None:
    old = invoice(key=1, gross="1000.00", issued_on=ISSUED - datetime.timedelta(days=30))
    new = invoice(key=2, gross="1000.00", issued_on=ISSUED)

    shares, rest = allocate(Decimal("1980.00"), ISSUED + datetime.timedelta(days=5), [old, new])

    assert shares == [
        Share(1, Decimal("1000.00"), Decimal("0")),
        Share(2, Decimal("980.00"), Decimal("20.00")),
    ]
    assert rest == Decimal("0")


def test_what_the_invoices_do_not_take_stays_unallocated() -> None:
    shares, rest = allocate(
        Decimal("1500.00"),
        ISSUED + datetime.timedelta(days=30),
        [invoice(key=1, gross="1190.00", open_amount="190.00")],
    )

    assert shares == [Share(1, Decimal("190.00"), Decimal("0"))]
    assert rest == Decimal("1310.00")


def test_settled_invoices_are_skipped_and_nothing_is_allocated_beyond_the_money() -> None:
    settled = invoice(key=1, gross="1190.00", open_amount="0.00")
    open_one = invoice(key=2, gross="100.00", discount_days=None, discount_percent=None)
    never_reached = invoice(key=3, gross="100.00", discount_days=None, discount_percent=None)

    shares, rest = allocate(Decimal("100.00"), ISSUED, [settled, open_one, never_reached])

    assert shares == [Share(2, Decimal("100.00"), Decimal("0"))]
    assert rest == Decimal("0")


def test_without_invoices_the_whole_payment_is_unallocated() -> None:
    assert allocate(Decimal("250.00"), ISSUED, []) == ([], Decimal("250.00"))


def test_a_full_payment_of_the_last_invoice_within_the_period_deducts_no_skonto() -> None:
    """The customer paid the whole amount in time: nothing was deducted, nothing is left over."""
    invoice = OpenInvoice(
        key=1,
        issued_on=datetime.date(2025, 3, 1),
        open_amount=Decimal("1190.00"),
        gross_amount=Decimal("1190.00"),
        discount_days=14,
        discount_percent=Decimal("2.00"),
    )

    shares, rest = allocate(Decimal("1190.00"), datetime.date(2025, 3, 10), [invoice])

    assert shares == [Share(1, Decimal("1190.00"), Decimal("0.00"))]
    assert rest == Decimal("0.00")
