"""A planner postpones a line by one day; the customer hears of it and can follow the order, and
the delivery-reliability scorecard counts the line as late."""

import datetime
import re
from email import message_from_bytes
from email.header import decode_header, make_header

from django.utils import timezone

from treue.communications.services import communication_deliver_due
from treue.core.tests.factories import UserFactory
from treue.customers.models import Contact
from treue.orders.models import OrderLine
from treue.scorecards.services import delivery_figures_refresh


def _otif_cells(page, month: datetime.date) -> list[str]:
    """Decided lines, on time in full and OTIF of `month` on the scorecard ([] if not shown)."""
    page.goto("/scorecards/delivery/")
    row = page.locator(f'#otif-months tr[data-month="{month:%Y-%m}"]')
    if row.count() == 0:
        return []
    cells = row.locator("td").all_inner_texts()
    return [cell.replace("\u00a0", " ") for cell in cells[:3]]


def test_a_one_day_postponement_reaches_the_mailbox_the_tracking_page_and_the_scorecard(
    browser_page, chromium_browser, live_server, customer_world: dict, smtp_server
) -> None:
    # Given a contact who prefers e-mail and a line promised in five days
    Contact.objects.filter(pk=customer_world["contact"].pk).update(preferred_channels=["email"])
    old_date = timezone.localdate() + datetime.timedelta(days=5)
    new_date = old_date + datetime.timedelta(days=1)
    OrderLine.objects.filter(order=customer_world["order"], position=10).update(
        promised_date=old_date, first_promised_date=old_date
    )
    UserFactory(username="planer", role="production")
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/login/")
    page.get_by_label("Benutzername").fill("planer")
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")
    # ... and the figures as the worker computed them: the line is not decided yet
    delivery_figures_refresh()
    assert _otif_cells(page, old_date) in ([], ["0", "0", "–"])

    # When the planner moves position 10 one day later
    page.goto("/orders/A-2024-0001/")
    page.get_by_role("link", name="Termin ändern").first.click()
    page.get_by_label("Neuer zugesagter Termin").fill(new_date.isoformat())
    page.get_by_label("Grund für den Kunden").fill("Die Spindel kommt einen Tag später.")
    page.get_by_role("button", name="Neuen Termin speichern").click()
    page.locator("text=Der Kunde wird über die Verzögerung informiert.").wait_for()
    # ... and the notice's wait is over
    communication_deliver_due(now=timezone.now() + datetime.timedelta(minutes=2))

    # Then the contact's mailbox holds the German delay notice with the new date
    (envelope,) = smtp_server.messages
    mail = message_from_bytes(envelope.original_content)
    body = mail.get_payload(decode=True).decode()
    assert envelope.rcpt_tos == ["jens.krueger@bergmann.example"]
    assert str(make_header(decode_header(mail["Subject"]))) == (
        "Neuer Liefertermin für Ihren Auftrag A-2024-0001"
    )
    assert f"neu am {new_date:%d.%m.%Y} statt am {old_date:%d.%m.%Y}" in body
    # ... and its link shows the customer the new date, without a login
    link = re.search(r"https?://[^/\s]+(/track/\S+/)", body)
    assert link is not None
    customer = chromium_browser.new_context(base_url=live_server.url, locale="de-DE")
    tracking = customer.new_page()
    tracking.goto(link.group(1))
    text = tracking.locator("main").inner_text()
    customer.close()
    assert f"{new_date:%d.%m.%Y}" in text
    assert f"erstmals zugesagt für den {old_date:%d.%m.%Y}" in text
    # ... and the scorecard, refreshed after the change, counts the line late in its month
    assert _otif_cells(page, old_date) == ["1", "0", "0,0 %"]
    assert "Wird aktualisiert" not in page.locator("#figures-computed").inner_text()
    assert errors == []
