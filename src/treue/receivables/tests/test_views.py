"""The receivables pages: the desk, releasing a held order, allocating cash, recording a promise,
deciding on a proposed dunning letter, the letter preview, the export and the figures."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from treue.activities.models import Activity
from treue.core.tests.factories import UserFactory
from treue.customers.tests.factories import ContactFactory, CustomerFactory
from treue.orders.models import OrderConfirmation
from treue.orders.services import order_confirm
from treue.orders.tests.factories import OrderFactory, OrderLineFactory
from treue.receivables import dunning
from treue.receivables.models import (
    CreditHold,
    DunningNotice,
    EventKind,
    PaymentPromise,
    ReceivablesEvent,
)
from treue.receivables.services import payment_record
from treue.receivables.tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _client(client: Client, role: str, username: str | None = None) -> Client:
    client.force_login(UserFactory(username=username or role, role=role))
    return client


@pytest.fixture
def held() -> CreditHold:
    """An order of 5,000 for a customer with 8,000 open and a limit of 10,000: held."""
    rep = UserFactory(username="rep", role="sales")
    customer = CustomerFactory(number="K1", credit_limit=Decimal("10000"), account_owner=rep)
    InvoiceFactory(
        number="R-1",
        customer=customer,
        issued_on=TODAY - datetime.timedelta(days=5),
        due_on=TODAY + datetime.timedelta(days=25),
        net_amount=Decimal("6722.69"),
        tax_amount=Decimal("1277.31"),
        gross_amount=Decimal("8000.00"),
    )
    order = OrderFactory(number="A-1", customer=customer, order_date=TODAY)
    OrderLineFactory(
        order=order,
        net_price=Decimal("5000.00"),
        promised_date=TODAY + datetime.timedelta(days=20),
        first_promised_date=TODAY + datetime.timedelta(days=20),
    )
    hold = order_confirm(order=order, by=rep)
    assert isinstance(hold, CreditHold)
    return hold


def test_the_desk_lists_held_orders_with_a_release_form_only_for_who_may_release(
    client: Client, held: CreditHold
) -> None:
    accounting = _client(Client(), "accounting").get("/receivables/").content.decode()
    sales = _client(client, "sales", "sales2").get("/receivables/").content.decode()

    assert 'id="holds"' in accounting
    assert "A-1" in accounting
    assert f"/receivables/holds/{held.pk}/release/" in accounting
    assert "A-1" in sales
    assert f"/receivables/holds/{held.pk}/release/" not in sales


def test_accounting_releases_a_held_order_with_a_reason_and_the_confirmation_goes_out(
    client: Client, held: CreditHold
) -> None:
    accounting = _client(client, "accounting")

    refused = accounting.post(f"/receivables/holds/{held.pk}/release/", {"reason": ""})
    assert refused.status_code == 302
    assert CreditHold.objects.get(pk=held.pk).is_open

    accounting.post(
        f"/receivables/holds/{held.pk}/release/", {"reason": "Bankbürgschaft liegt vor"}
    )

    hold = CreditHold.objects.get(pk=held.pk)
    assert not hold.is_open
    assert hold.released_by.username == "accounting"
    assert OrderConfirmation.objects.filter(order=held.order, version=1).exists()
    event = ReceivablesEvent.objects.get(kind=EventKind.ORDER_RELEASED)
    assert event.reason == "Bankbürgschaft liegt vor"


def test_sales_may_not_release_a_hold(client: Client, held: CreditHold) -> None:
    response = _client(client, "sales", "sales2").post(
        f"/receivables/holds/{held.pk}/release/", {"reason": "Kunde ist gut"}
    )

    assert response.status_code == 403
    assert CreditHold.objects.get(pk=held.pk).is_open


def test_the_customer_page_shows_credit_hold_and_the_audit_trail(
    client: Client, held: CreditHold
) -> None:
    page = (
        _client(client, "accounting")
        .get("/customers/K1/?section=invoices", headers={"HX-Request": "true"})
        .content.decode()
    )

    assert 'id="credit"' in page
    assert 'id="held-orders"' in page
    assert "A-1" in page
    assert 'id="credit-events"' in page
    assert "R-1" in page


def test_the_rep_records_a_promise_and_the_payment_keeps_it_and_releases_the_order(
    client: Client, held: CreditHold, django_capture_on_commit_callbacks
) -> None:
    rep = client
    rep.force_login(held.order.customer.account_owner)
    form = rep.get("/receivables/customers/K1/promise/").content.decode()
    invoice = held.order.customer.invoices.get()
    # The oldest open delivery is ticked already
    assert f'value="{invoice.pk}" id="id_invoices_0" checked' in form

    response = rep.post(
        "/receivables/customers/K1/promise/",
        {
            "amount": "8000.00",
            "promised_on": (TODAY + datetime.timedelta(days=7)).isoformat(),
            "agreed_by": "Herr Kranz",
            "invoices": [invoice.pk],
        },
    )

    assert response.status_code == 302
    promise = PaymentPromise.objects.get()
    assert (promise.agreed_by, promise.recorded_by) == ("Herr Kranz", rep_user(held))
    assert not Activity.objects.filter(subject__startswith="receivables.credithold:", status="open")
    with django_capture_on_commit_callbacks(execute=True):
        payment_record(customer="K1", reference="B-1", received_on=TODAY, amount=Decimal("8000.00"))
    promise.refresh_from_db()
    assert promise.status == "kept"
    assert not CreditHold.objects.get(pk=held.pk).is_open


def rep_user(hold: CreditHold):
    return hold.order.customer.account_owner


def test_a_promise_in_the_past_or_without_who_agreed_is_refused(
    client: Client, held: CreditHold
) -> None:
    client.force_login(rep_user(held))

    response = client.post(
        "/receivables/customers/K1/promise/",
        {"amount": "100", "promised_on": (TODAY - datetime.timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"promised_on", "agreed_by"}
    assert not PaymentPromise.objects.exists()


def test_unallocated_cash_is_allocated_to_an_invoice_of_the_same_customer_only(
    client: Client,
) -> None:
    customer = CustomerFactory(number="K1")
    InvoiceFactory(number="R-1", customer=customer)
    InvoiceFactory(number="R-9", customer=CustomerFactory(number="K2"))
    payment, _ = payment_record(
        customer="K1", reference="B-1", received_on=TODAY, amount=Decimal("2000.00")
    )
    assert payment.allocations.get().invoice.number == "R-1"  # 1,190 of 2,000; 810 left
    InvoiceFactory(number="R-2", customer=customer)
    accounting = _client(client, "accounting")
    desk = accounting.get("/receivables/").content.decode()
    assert 'id="unallocated"' in desk
    assert "B-1" in desk

    accounting.post(
        f"/receivables/payments/{payment.pk}/allocate/", {"invoice": "R-9", "amount": "10"}
    )
    accounting.post(
        f"/receivables/payments/{payment.pk}/allocate/", {"invoice": "R-2", "amount": "900"}
    )
    accounting.post(
        f"/receivables/payments/{payment.pk}/allocate/", {"invoice": "R-2", "amount": "500"}
    )

    allocated = {a.invoice.number: a.amount for a in payment.allocations.all()}
    assert allocated == {"R-1": Decimal("1190.00"), "R-2": Decimal("500.00")}


def _proposed_notice() -> DunningNotice:
    rep = UserFactory(username="rep", role="sales")
    customer = CustomerFactory(number="K7", segment="a", account_owner=rep)
    ContactFactory(
        customer=customer,
        email="einkauf@k7.example",
        buying_role="commercial_buyer",
        preferred_channels=["email"],
    )
    InvoiceFactory(
        number="R-7",
        customer=customer,
        issued_on=TODAY - datetime.timedelta(days=40),
        due_on=TODAY - datetime.timedelta(days=10),
    )
    result = dunning.dunning_run(by=None)
    notice = result.notices[0]
    assert notice.status == "proposed"
    return notice


def test_only_the_account_owner_or_accounting_decide_on_a_proposal(client: Client) -> None:
    notice = _proposed_notice()
    other_rep = _client(Client(), "sales", "other-rep")

    assert other_rep.get(f"/receivables/dunning/{notice.pk}/").status_code == 200
    refused = other_rep.post(f"/receivables/dunning/{notice.pk}/approve/", {"tone": "friendly"})
    assert refused.status_code == 403

    client.force_login(notice.customer.account_owner)
    page = client.get(f"/receivables/dunning/{notice.pk}/").content.decode()
    assert 'id="approve"' in page
    client.post(
        f"/receivables/dunning/{notice.pk}/approve/",
        {"tone": "friendly", "note": "Vielleicht ist die Rechnung untergegangen."},
    )

    notice.refresh_from_db()
    assert (notice.status, notice.tone, notice.decided_by) == (
        "sent",
        "friendly",
        notice.customer.account_owner,
    )
    assert notice.communications.get().items[0]["note"].startswith("Vielleicht")


def test_replacing_a_proposal_by_a_call_needs_what_the_call_agreed(client: Client) -> None:
    notice = _proposed_notice()
    client.force_login(notice.customer.account_owner)

    client.post(f"/receivables/dunning/{notice.pk}/call/", {"note": ""})
    assert DunningNotice.objects.get(pk=notice.pk).status == "proposed"

    client.post(f"/receivables/dunning/{notice.pk}/call/", {"note": "Zahlt am Freitag."})
    notice.refresh_from_db()
    assert (notice.status, notice.note) == ("replaced_by_call", "Zahlt am Freitag.")
    assert not notice.communications.exists()


def test_the_letter_can_be_reviewed_as_a_pdf_before_it_goes(client: Client) -> None:
    notice = _proposed_notice()

    response = _client(client, "accounting").get(f"/receivables/dunning/{notice.pk}/letter.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_dunning_preview_shows_each_customer_with_action_and_why(client: Client) -> None:
    _proposed_notice()  # K7 has a pending proposal now: held until the owner decides
    small = CustomerFactory(number="K8", segment="c")
    InvoiceFactory(
        number="R-8",
        customer=small,
        issued_on=TODAY - datetime.timedelta(days=40),
        due_on=TODAY - datetime.timedelta(days=10),
    )

    page = _client(client, "accounting").get("/receivables/dunning/").content.decode()

    assert 'data-customer="K8" data-action="send"' in page
    assert 'data-customer="K7" data-action="hold"' in page
    filtered = client.get("/receivables/dunning/?action=send").content.decode()
    assert "K8" in filtered
    assert 'data-customer="K7"' not in filtered


def test_the_export_neutralises_formulas_and_needs_the_permission(client: Client) -> None:
    customer = CustomerFactory(number="K1", name='=HYPERLINK("http://evil")')
    InvoiceFactory(number="R-1", customer=customer)

    response = _client(client, "accounting").get("/receivables/export.csv")
    production = _client(Client(), "production").get("/receivables/export.csv")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert production.status_code == 403


def test_the_figures_page_shows_dso_and_letters_by_level(client: Client) -> None:
    notice = _proposed_notice()
    client.force_login(notice.customer.account_owner)
    client.post(f"/receivables/dunning/{notice.pk}/approve/", {"tone": "factual"})

    response = _client(Client(), "management").get("/receivables/figures/")

    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.letters == {"reminder": {"a": 1}}
    assert figures.dso is not None
