"""The reviewer UI in a real browser (Debian's headless Chromium via Playwright): sign in, open the
most urgent packet, fix the field that keeps it incomplete, see the checklist turn complete and
the audit entry. Screenshots go to test-output/review/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.review.conftest import ADMIN, REVIEWER
from tests.review.fixtures import GOOD_NPI

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture()
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def sign_in(page, base: str, who: tuple[str, str]) -> None:
    page.goto(base + "/")
    expect(page).to_have_url(base + "/login?next=%2F")
    page.fill("input[name=username]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    expect(page.locator("header .who")).to_contain_text(who[0])


def test_reviewer_fixes_the_most_urgent_packet(browser, live_server, screenshots, world):
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    sign_in(page, live_server, REVIEWER)
    cookie = next(c for c in page.context.cookies() if c["name"] == "intakeiq_session")
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    rows = page.locator("tr.packet-row")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).get_attribute("data-packet") for i in range(3)] == ["PA-URGENT", "PA-UNKNOWN", "PA-DONE"]
    expect(rows.first).to_contain_text("incomplete")
    page.screenshot(path=str(screenshots / "1-packet-list.png"), full_page=True)

    rows.first.locator("a").first.click()
    expect(page.locator("#verdict-status")).to_have_text("incomplete")
    expect(page.locator("#problems")).to_contain_text("fails the check digit")
    image = page.locator("#page-1 img")
    expect(image).to_be_visible()
    page.wait_for_function("document.querySelector('#page-1 img').naturalWidth > 0")
    assert page.locator("#page-1 rect.box.problem").count() == 1  # the bad NPI drawn in red on its page
    assert page.locator("#page-1 rect.box").count() == 9
    page.screenshot(path=str(screenshots / "2-packet-incomplete.png"), full_page=False)

    page.click("#problems a.fix")  # the problem links to the field's row
    expect(page).to_have_url(live_server + "/packets/PA-URGENT#field-PA-URGENT-d1-ordering_provider_npi")
    row = page.locator("#field-PA-URGENT-d1-ordering_provider_npi")
    expect(row).to_have_class("flagged")
    row.locator("input[name=value]").fill("1234567891")  # a typo: still fails the check digit
    row.locator("button", has_text="Save").click()
    expect(page.locator("#verdict-status")).to_have_text("incomplete")
    expect(row).to_contain_text("not valid")

    row.locator("input[name=value]").fill(GOOD_NPI)
    row.locator("button", has_text="Save").click()
    expect(page.locator("#verdict-status")).to_have_text("complete")
    expect(page.locator("#no-problems")).to_be_visible()
    audit = page.locator("tr.audit-row")
    expect(audit).to_have_count(2)
    expect(audit.first).to_contain_text(REVIEWER[0])
    expect(audit.first).to_contain_text("ordering_provider_npi")
    expect(audit.first).to_contain_text("1234567891 (not valid)")
    expect(audit.nth(1)).to_contain_text("1234567890 (not valid) (conf. 0.93)")
    expect(audit.first).to_contain_text(f"{GOOD_NPI} ✔")
    expect(audit.first).to_contain_text("incomplete → complete")
    assert page.locator("#page-1 rect.box.problem").count() == 0
    page.click("#mark-reviewed")
    expect(page.locator("#checklist")).to_contain_text(f"reviewed by {REVIEWER[0]}")
    expect(audit.first).to_contain_text("reviewed by rita")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshots / "3-packet-complete.png"))
    page.locator("#audit").screenshot(path=str(screenshots / "4-audit-trail.png"))

    page.goto(live_server + "/")
    first = page.locator("tr.packet-row").first
    urgent = page.locator("tr.packet-row[data-packet=PA-URGENT]")
    expect(urgent).to_contain_text("complete")
    expect(urgent).to_contain_text(f"reviewed by {REVIEWER[0]}")
    expect(first).to_have_attribute("data-packet", "PA-URGENT")  # service in 2 days still ranks first
    page.select_option("select[name=status]", "needs_review")
    page.click("form.card button[type=submit]")
    expect(page.locator("tr.packet-row")).to_have_count(1)
    expect(page.locator("tr.packet-row").first).to_have_attribute("data-packet", "PA-UNKNOWN")

    response = page.goto(live_server + "/admin/users")
    assert response.status == 403


def test_packet_without_reachable_source_and_admin_pages(browser, live_server, screenshots, world):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    sign_in(page, live_server, ADMIN)
    page.goto(live_server + "/packets/PA-DONE")
    expect(page.locator("#verdict-status")).to_have_text("complete")
    expect(page.locator(".pages")).to_contain_text("not reachable")
    assert page.locator("#page-1 img").count() == 0

    page.goto(live_server + "/packets/PA-UNKNOWN")
    doc = page.locator("#doc-PA-UNKNOWN-d1")
    doc.locator("select[name=type]").select_option("prior_auth_request")
    doc.locator("button", has_text="Change type").click()
    expect(page.locator("#doc-PA-UNKNOWN-d1 h2")).to_contain_text("Prior authorization request")
    expect(page.locator("tr.audit-row").first).to_contain_text("set type")

    page.goto(live_server + "/admin/users")
    page.fill("form[action='/admin/users'] input[name=username]", "newbie")
    page.fill("form[action='/admin/users'] input[name=password]", "another long secret")
    page.click("form[action='/admin/users'] button[type=submit]")
    expect(page.locator("#users")).to_contain_text("newbie")
    page.screenshot(path=str(screenshots / "5-users.png"), full_page=True)
    export = page.request.get(live_server + "/export/corrections.jsonl")
    assert export.status == 200 and '"action": "set_type"' in export.text()
