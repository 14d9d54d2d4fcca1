"""The pages as a person sees them: headless Chromium under the strict Content-Security-Policy."""

import os
from pathlib import Path

from playwright.sync_api import expect

from treue.core.tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[4]
# Every run takes the screenshot into var/ (not tracked); `make screenshots` puts it in docs/.
SCREENSHOT = (
    Path(os.environ.get("TREUE_SCREENSHOT_DIR", ROOT / "var" / "screenshots")) / "customer-360.png"
)


def _log_in(page, username: str) -> None:
    UserFactory(username=username, role="sales", first_name="Anna", last_name="Vogel")
    page.goto("/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")


def test_customer_360_loads_every_section_under_the_csp(
    browser_page, customer_world: dict, csp_violations: list[str]
) -> None:
    page = browser_page
    _log_in(page, "anna")

    page.goto("/customers/K10001/")

    page.locator("#section-orders table").wait_for()
    page.locator("#section-contacts table").wait_for()
    page.locator("#section-invoices #open-items").wait_for()
    page.locator("#section-interactions li").first.wait_for()
    assert page.locator("#section-contacts").inner_text().count("Jens Krüger") == 1
    assert "2.569,00\xa0€" in page.locator("#section-orders").inner_text()
    assert "2.057,11\xa0€" in page.locator("#section-invoices").inner_text()
    assert page.locator("text=Wird geladen").count() == 0
    assert csp_violations == []
    page.set_viewport_size({"width": 1280, "height": 1400})
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_customer_list_filters_as_you_type(
    browser_page, customer_world: dict, make_customer, csp_violations: list[str]
) -> None:
    make_customer("K10002", "Aachener Feinmechanik AG")
    page = browser_page
    _log_in(page, "anna")
    page.goto("/customers/")
    assert page.locator("table.data tbody tr").count() == 2

    page.get_by_label("Suche").fill("Aachen")

    expect(page.locator("#customer-table tbody tr")).to_have_count(1)
    assert "Aachener Feinmechanik AG" in page.locator("#customer-table").inner_text()
    assert "q=Aachen" in page.url
    assert csp_violations == []


def test_marking_an_activity_done_updates_the_row_in_place(
    browser_page, customer_world: dict, csp_violations: list[str]
) -> None:
    page = browser_page
    _log_in(page, "rep")  # the owner of the customer world's activity
    page.goto("/activities/")

    page.get_by_role("button", name="Erledigt").click()

    page.locator("text=Als erledigt markiert.").wait_for()
    assert page.get_by_role("button", name="Erledigt").count() == 0
    assert csp_violations == []
