"""Credit and dunning in the browser, as issue 5 says "done": an order that takes a customer over
the limit is held; the account owner's activity lists the deliveries to settle; the promise
recorded is kept by a payment and releases the order; a dunning run skips the invoice under an
open complaint, proposes (not sends) for an A-customer and sends a friendly German reminder PDF
to a first-time-late C-customer, which arrives on the local SMTP server."""

import datetime
import importlib
import os
from decimal import Decimal
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.utils import timezone

from treue.communications.services import communication_deliver_due
from treue.complaints.models import Complaint
from treue.core.tests.factories import UserFactory
from treue.customers.models import Address, Contact
from treue.orders.models import Delivery, Order, OrderConfirmation, OrderLine, Product
from treue.receivables.models import CreditHold, DunningNotice, Invoice
from treue.receivables.services import payment_record

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[4]
# Every run takes the screenshots into var/ (not tracked).
SCREENSHOTS = Path(os.environ.get("TREUE_SCREENSHOT_DIR", ROOT / "var" / "screenshots"))


@pytest.fixture
def dunning_levels() -> None:
    """The default levels and recipient rule of the migration: an earlier browser test's flush
    (transactional tests empty every table afterwards) removed them."""
    from django.apps import apps

    migration = importlib.import_module("treue.receivables.migrations.0007_default_dunning_levels")
    migration.add_levels(apps, None)


def _login(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")


def _contact(customer, first: str, last: str, email: str) -> Contact:
    Address.objects.create(
        customer=customer,
        kind="billing",
        street="Hauptstraße 1",
        postal_code="70173",
        city="Stuttgart",
        country="DE",
        latitude=Decimal("48.77"),
        longitude=Decimal("9.18"),
    )
    return Contact.objects.create(
        customer=customer,
        first_name=first,
        last_name=last,
        email=email,
        buying_role="commercial_buyer",
        preferred_channels=["email"],
        language="de",
    )


def _invoice(customer, number: str, *, due: datetime.date, gross: str, **kwargs) -> Invoice:
    gross_amount = Decimal(gross)
    net = (gross_amount / Decimal("1.19")).quantize(Decimal("0.01"))
    return Invoice.objects.create(
        number=number,
        customer=customer,
        issued_on=due - datetime.timedelta(days=30),
        due_on=due,
        currency="EUR",
        net_amount=net,
        tax_amount=gross_amount - net,
        gross_amount=gross_amount,
        **kwargs,
    )


def test_credit_hold_promise_release_and_a_dunning_run_with_judgement(
    browser_page,
    live_server,
    make_customer,
    smtp_server,
    csp_violations: list[str],
    dunning_levels: None,
) -> None:
    today = timezone.localdate()
    rep = UserFactory(username="rep", role="sales", first_name="Anna", last_name="Vogel")
    accountant = UserFactory(username="fibu", role="accounting", first_name="Petra")
    accountant.department.head = accountant
    accountant.department.save()
    product = Product.objects.create(
        article_number="M-100",
        name="Fräszentrum FZ 100",
        product_line="machines",
        list_price=Decimal("5000"),
        unit_cost=Decimal("3000"),
    )

    # Credit: 8,000 open on an old delivery, a limit of 10,000 and a new order of 5,000
    debtor = make_customer("K3001", "Kranz Hydraulik GmbH", account_owner=rep, segment="b")
    debtor.credit_limit = Decimal("10000.00")
    debtor.save()
    _contact(debtor, "Karl", "Kranz", "karl.kranz@kranz.example")
    old = Order.objects.create(
        number="A-OLD", customer=debtor, order_date=today - datetime.timedelta(days=60),
        currency="EUR",
    )  # fmt: skip
    delivery = Delivery.objects.create(
        number="LS-0815", order=old, shipped_on=today - datetime.timedelta(days=20)
    )
    _invoice(
        debtor,
        "RE-0815",
        due=today + datetime.timedelta(days=10),
        gross="8000.00",
        order=old,
        delivery=delivery,
    )
    new = Order.objects.create(number="A-NEW", customer=debtor, order_date=today, currency="EUR")
    OrderLine.objects.create(
        order=new,
        position=10,
        product=product,
        quantity=Decimal(1),
        net_price=Decimal("5000.00"),
        unit_cost=Decimal("3000.00"),
        promised_date=today + datetime.timedelta(days=30),
    )

    # Dunning: a first-time-late C-customer with one invoice under an open complaint ...
    small = make_customer("K3002", "Schmid Metallbau KG", segment="c", account_owner=rep)
    _contact(small, "Sabine", "Schmid", "sabine.schmid@schmid.example")
    _invoice(small, "RE-1001", due=today - datetime.timedelta(days=10), gross="1190.00")
    disputed = _invoice(small, "RE-1002", due=today - datetime.timedelta(days=12), gross="595.00")
    Complaint.objects.create(
        number="RK-0001",
        customer=small,
        invoice=disputed,
        category="quality_defect",
        severity="medium",
        description="Bohrungen versetzt",
        received_at=timezone.now(),
    )
    # ... and an A-customer of the same rep, also overdue
    key = make_customer("K3003", "Aurum Werke AG", segment="a", account_owner=rep)
    _contact(key, "Axel", "Aurum", "axel.aurum@aurum.example")
    _invoice(key, "RE-2001", due=today - datetime.timedelta(days=10), gross="23800.00")

    page = browser_page
    _login(page, "rep")

    # The order confirmation would take Kranz over the limit: the order is held with the reason
    page.goto("/orders/A-NEW/")
    page.get_by_role("button", name="Auftragsbestätigung senden").click()
    message = page.locator(".messages").inner_text()
    assert "gesperrt" in message
    assert "Kreditlimit" in message
    assert not OrderConfirmation.objects.filter(order=new).exists()
    assert CreditHold.objects.get(order=new).is_open

    # The rep's activity asks for a conversation and lists the delivery to settle
    page.goto("/activities/")
    row = page.locator(
        "tr", has_text="Zahlung der ältesten Lieferung mit Kranz Hydraulik GmbH vereinbaren"
    )
    row.locator("summary").click()
    activity = row.inner_text()
    assert "RE-0815" in activity
    assert "LS-0815" in activity
    assert "8.000,00" in activity

    # The rep records what the customer promised on the customer's page
    page.goto("/customers/K3001/")
    page.get_by_role("link", name="Zahlungszusage erfassen").click()
    page.get_by_label("Betrag").fill("8000,00")
    page.get_by_label("Zahlung bis").fill((today + datetime.timedelta(days=7)).isoformat())
    page.get_by_label("Zugesagt von (Kontakt)").select_option(label="Karl Kranz")
    page.get_by_role("button", name="Zusage erfassen").click()
    page.locator(".messages").wait_for()
    assert CreditHold.objects.get(order=new).is_open

    # The money comes in (from the accounting system): the promise is kept, the order released
    payment_record(
        customer="K3001",
        reference="BANK-4711",
        received_on=today,
        amount=Decimal("8000.00"),
        invoices=["RE-0815"],
    )
    hold = CreditHold.objects.get(order=new)
    assert not hold.is_open
    assert "Zahlungszusage eingehalten" in hold.release_reason
    assert OrderConfirmation.objects.filter(order=new, version=1).exists()
    page.goto("/customers/K3001/")
    events = page.locator("#credit-events").inner_text()
    assert "Auftrag freigegeben" in events
    assert "Zahlungszusage eingehalten" in events

    # Accounting previews the dunning run: each customer with the action and why
    _login(page, "fibu")
    page.goto("/receivables/dunning/")
    small_row = page.locator("tr[data-customer=K3002]").inner_text()
    assert "RE-1001" in small_row
    assert "Freundlich" in small_row
    assert "RE-1002" in small_row  # named as not dunned ...
    assert "offene Reklamation RK-0001" in small_row  # ... with the reason
    assert page.locator("tr[data-customer=K3002]").get_attribute("data-action") == "send"
    key_row = page.locator("tr[data-customer=K3003]")
    assert key_row.get_attribute("data-action") == "propose"
    assert "A-Kunde" in key_row.inner_text()

    page.set_viewport_size({"width": 1280, "height": 900})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dunning-preview.png"), full_page=True)
    page.get_by_role("button", name="Lauf ausführen").click()
    page.locator(".messages").wait_for()
    assert DunningNotice.objects.get(customer=key).status == "proposed"

    # The released order's confirmation goes to Kranz; of the dunning, only the C-customer's
    # reminder goes out: German, friendly, the PDF attached. Nothing to the A-customer.
    communication_deliver_due(now=timezone.now() + datetime.timedelta(minutes=5))
    mails = {m.rcpt_tos[0]: message_from_bytes(m.original_content) for m in smtp_server.messages}
    assert set(mails) == {"karl.kranz@kranz.example", "sabine.schmid@schmid.example"}
    assert "A-NEW" in str(make_header(decode_header(mails["karl.kranz@kranz.example"]["Subject"])))
    mail = mails["sabine.schmid@schmid.example"]
    assert str(make_header(decode_header(mail["Subject"]))) == (
        "Zahlungserinnerung – Kundennummer K3002"
    )
    parts = list(mail.walk())
    text = next(p for p in parts if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode()
    assert "im Tagesgeschäft entgangen" in body
    assert "RE-1001" in body
    assert "RE-1002" not in body
    pdf = next(p for p in parts if p.get_content_type() == "application/pdf")
    assert pdf.get_filename().startswith("zahlungserinnerung-K3002")
    assert pdf.get_payload(decode=True).startswith(b"%PDF")

    # The A-customer's letter waits for the rep, who reviews and approves it
    _login(page, "rep")
    page.goto("/activities/")
    assert "Mahnschreiben an Aurum Werke AG freigeben" in page.locator("main").inner_text()
    page.goto(f"/receivables/dunning/{DunningNotice.objects.get(customer=key).pk}/")
    assert "A-Kunde" in page.locator("#notice-facts").inner_text()
    page.get_by_label("Persönliche Notiz (über den Posten gedruckt)").fill(
        "Lieber Herr Aurum, vielleicht ist die Rechnung untergegangen."
    )
    page.get_by_role("button", name="Freigeben und senden").click()
    page.locator(".messages").wait_for()
    assert DunningNotice.objects.get(customer=key).status == "sent"
    page.goto("/customers/K3001/")
    page.locator("#credit-events").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "customer-credit.png"), full_page=True)
    assert csp_violations == []
