"""HTTP-level checks of sign-in, sessions, CSRF and roles (starlette TestClient over HTTPS URLs,
so the Secure cookies travel as they would behind TLS)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from review.auth import SESSION_COOKIE
from tests.review.conftest import ADMIN, REVIEWER
from tests.review.fixtures import GOOD_NPI

BASE = "https://review.test"


def client(app) -> TestClient:
    return TestClient(app, base_url=BASE, follow_redirects=False)


def sign_in(app, who: tuple[str, str]) -> TestClient:
    c = client(app)
    form = c.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text).group(1)
    r = c.post("/login", data={"username": who[0], "password": who[1], "login_token": token, "next": "/"})
    assert r.status_code == 303, r.text
    return c


def csrf(c: TestClient, path: str = "/") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get(path).text).group(1)


def test_anonymous_requests_are_refused(app):
    c = client(app)
    page = c.get("/", headers={"accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    for path in ("/packets/PA-URGENT", "/packets/PA-URGENT/pages/1.png", "/export/corrections.jsonl", "/admin/users"):
        r = c.get(path)
        assert r.status_code == 401, path
        assert "Maria" not in r.text and "PA-URGENT" not in r.text
    r = c.post("/packets/PA-URGENT/corrections", data={"action": "mark_reviewed"})
    assert r.status_code == 401


def test_sign_in_sets_a_hardened_cookie_and_wrong_password_fails(app):
    c = client(app)
    token = re.search(r'name="login_token" value="([^"]+)"', c.get("/login").text).group(1)
    bad = c.post("/login", data={"username": ADMIN[0], "password": "wrong password!", "login_token": token})
    assert bad.status_code == 401 and SESSION_COOKIE not in bad.cookies
    c = client(app)
    token = re.search(r'name="login_token" value="([^"]+)"', c.get("/login").text).group(1)
    good = c.post("/login", data={"username": ADMIN[0], "password": ADMIN[1], "login_token": token})
    cookie = next(h for h in good.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE + "="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert c.get("/").status_code == 200


def test_sign_in_form_without_its_token_is_refused(app):
    c = client(app)
    c.get("/login")
    r = c.post("/login", data={"username": ADMIN[0], "password": ADMIN[1], "login_token": "forged"})
    assert r.status_code == 403 and SESSION_COOKIE not in r.cookies


def test_tampered_session_cookie_is_refused(app):
    c = sign_in(app, REVIEWER)
    assert c.get("/packets/PA-URGENT").status_code == 200
    value = c.cookies.get(SESSION_COOKIE)
    tampered = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    c.cookies.set(SESSION_COOKIE, tampered, domain="review.test")
    assert c.get("/packets/PA-URGENT").status_code == 401
    assert c.get("/packets/PA-URGENT/pages/1.png").status_code == 401


def test_signed_out_session_cannot_be_reused(app):
    c = sign_in(app, REVIEWER)
    value = c.cookies.get(SESSION_COOKIE)
    assert c.post("/logout", data={"csrf_token": csrf(c)}).status_code == 303
    replay = client(app)
    replay.cookies.set(SESSION_COOKIE, value, domain="review.test")
    assert replay.get("/").status_code == 401


def test_form_post_without_valid_csrf_token_is_refused(app, world):
    c = sign_in(app, REVIEWER)
    form = {"action": "set_field", "doc_id": "PA-URGENT-d1", "field": "ordering_provider_npi",
            "value": GOOD_NPI, "revision": "0"}
    assert c.post("/packets/PA-URGENT/corrections", data=form).status_code == 403
    assert c.post("/packets/PA-URGENT/corrections", data={**form, "csrf_token": "guess"}).status_code == 403
    # a cross-site page posting with the victim's cookie: refused on its Origin even with a token
    cross = c.post("/packets/PA-URGENT/corrections", data={**form, "csrf_token": csrf(c)},
                   headers={"origin": "https://evil.example"})
    assert cross.status_code == 403
    page = c.get("/packets/PA-URGENT").text
    assert "No corrections yet" in page and 'id="verdict-status">incomplete' in page


def test_reviewer_cannot_reach_admin_pages(app):
    c = sign_in(app, REVIEWER)
    assert c.get("/admin/users").status_code == 403
    assert c.get("/export/corrections.jsonl").status_code == 403
    r = c.post("/admin/users", data={"csrf_token": csrf(c), "username": "mallory", "password": "x" * 20,
                                     "role": "admin"})
    assert r.status_code == 403
    admin = sign_in(app, ADMIN)
    assert "mallory" not in admin.get("/admin/users").text


def test_correction_rechecks_saves_and_exports(app, world):
    from pathlib import Path

    c = sign_in(app, REVIEWER)
    form = {"csrf_token": csrf(c, "/packets/PA-URGENT"), "action": "set_field", "doc_id": "PA-URGENT-d1",
            "field": "ordering_provider_npi", "revision": "0"}
    still_bad = c.post("/packets/PA-URGENT/corrections", data={**form, "value": "1234567891"})
    assert still_bad.status_code == 303
    page = c.get("/packets/PA-URGENT").text
    assert 'id="verdict-status">incomplete' in page and "fails the check digit" in page
    stale = c.post("/packets/PA-URGENT/corrections", data={**form, "value": GOOD_NPI})  # revision 0 is stale now
    assert stale.status_code == 409
    fixed = c.post("/packets/PA-URGENT/corrections", data={**form, "value": GOOD_NPI, "revision": "1"})
    assert fixed.status_code == 303
    page = c.get("/packets/PA-URGENT").text
    assert 'id="verdict-status">complete' in page
    saved = json.loads((Path(world["out"]) / "PA-URGENT" / "report.json").read_text())
    assert saved["checklist"]["status"] == "complete"
    assert saved["documents"][0]["fields"]["ordering_provider_npi"]["value"] == GOOD_NPI
    assert (Path(world["out"]) / "PA-URGENT" / "report.html").exists()
    from pipeline.store import open_store

    stored = {r.packet_id: r for r in open_store(world["store"]).reports()}
    assert stored["PA-URGENT"].checklist.status == "complete"

    admin = sign_in(app, ADMIN)
    lines = admin.get("/export/corrections.jsonl").text.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["after"]["value"] for r in rows] == ["1234567891", GOOD_NPI]
    assert rows[-1]["before"]["value"] == "1234567891" and rows[-1]["user"] == REVIEWER[0]
    assert rows[-1]["checklist_before"] == "incomplete" and rows[-1]["checklist_after"] == "complete"


@pytest.mark.parametrize("name,text,value,valid", [
    ("ordering_provider_npi", "1234567893", "1234567893", True),
    ("ordering_provider_npi", "12345", "12345", False),
    ("patient_dob", "03/14/1961", "1961-03-14", True),
    ("cpt_codes", "70551, 7055X", ["70551", "7055X"], False),
    ("icd10_codes", "g43.909 I10", ["G43.909", "I10"], True),
    ("signature_present", "yes", True, True),
])
def test_typed_values_are_revalidated_with_the_extractors_validators(name, text, value, valid):
    from review.corrections import parse_value

    got, ok, reason = parse_value(name, text)
    assert (got, ok) == (value, valid)
    assert (reason is None) == valid


def test_repeated_wrong_passwords_lock_the_name_for_a_while(app):
    c = client(app)
    for attempt in range(6):
        token = re.search(r'name="login_token" value="([^"]+)"', c.get("/login").text).group(1)
        r = c.post("/login", data={"username": REVIEWER[0], "password": f"guess number {attempt}",
                                   "login_token": token})
        assert r.status_code == (401 if attempt < 5 else 429)
    token = re.search(r'name="login_token" value="([^"]+)"', c.get("/login").text).group(1)
    right = c.post("/login", data={"username": REVIEWER[0], "password": REVIEWER[1], "login_token": token})
    assert right.status_code == 429 and SESSION_COOKIE not in right.cookies
    assert sign_in(app, ADMIN).get("/").status_code == 200  # other names are not affected


def test_moving_a_split_boundary_moves_pages_and_their_fields(app, world, tmp_path):
    from datetime import date
    from pathlib import Path

    from tests.review.fixtures import Line, build_report, imaging_lines, write_report

    lines = imaging_lines(GOOD_NPI, date.today()) + [Line(3, "Addendum: patient also reports nausea.")]
    report, _ = build_report(tmp_path, "PA-3", lines, [("prior_auth_request", [1]), ("clinical_note", [2, 3])])
    write_report(Path(world["out"]), report)
    c = sign_in(app, REVIEWER)
    base = {"csrf_token": csrf(c, "/packets/PA-3"), "action": "move_boundary", "doc_id": "PA-3-d2", "revision": "0"}
    bad = c.post("/packets/PA-3/corrections", data={**base, "first_page": "1"})
    assert bad.status_code == 400 and "cannot start" in bad.text
    assert c.post("/packets/PA-3/corrections", data={**base, "first_page": "3"}).status_code == 303
    saved = json.loads((Path(world["out"]) / "PA-3" / "report.json").read_text())
    request, note = saved["documents"]
    assert (request["pages"], note["pages"]) == ([1, 2], [3])
    assert request["fields"]["document_date"]["page"] == 2  # read on page 2, so it moved with the page
    assert request["fields"]["patient_name"]["page"] == 1  # the request keeps its own
    assert note["fields"] == {}
    # the note lost its date, so the 60-day rule fails now: the checklist is re-run on the new split
    assert saved["checklist"]["status"] == "incomplete"
    admin = sign_in(app, ADMIN)
    row = json.loads(admin.get("/export/corrections.jsonl").text.splitlines()[-1])
    assert row["action"] == "move_boundary" and row["before"]["PA-3-d2"]["pages"] == [2, 3]


def test_signing_secret_survives_a_restart_and_the_env_key_replaces_it(app, world, monkeypatch):
    from review.app import create_app

    c = sign_in(app, REVIEWER)
    cookie = c.cookies.get(SESSION_COOKIE)
    restarted = client(create_app(world["store"], world["out"]))
    restarted.cookies.set(SESSION_COOKIE, cookie, domain="review.test")
    assert restarted.get("/").status_code == 200  # the generated secret was kept in the database
    monkeypatch.setenv("INTAKEIQ_SECRET_KEY", "another-secret-from-the-environment-0123456789")
    rekeyed = client(create_app(world["store"], world["out"]))
    rekeyed.cookies.set(SESSION_COOKIE, cookie, domain="review.test")
    assert rekeyed.get("/").status_code == 401


def test_a_newer_version_of_the_packet_replaces_the_corrected_one(app, world, tmp_path):
    from datetime import date

    from tests.review.fixtures import BAD_NPI, build_report, imaging_lines, store_report

    c = sign_in(app, REVIEWER)
    form = {"csrf_token": csrf(c, "/packets/PA-URGENT"), "action": "mark_reviewed", "revision": "0"}
    assert c.post("/packets/PA-URGENT/corrections", data=form).status_code == 303
    assert "reviewed by rita" in c.get("/packets/PA-URGENT").text
    # the sender faxes the packet again with other content: a new machine report arrives in the store
    lines = imaging_lines(BAD_NPI, date.today())[:-1]
    resent, _ = build_report(tmp_path, "PA-URGENT", lines, [("prior_auth_request", [1]), ("clinical_note", [2])])
    store_report(world["store"], resent)
    page = c.get("/packets/PA-URGENT").text
    checklist = page[page.index('id="checklist"'):page.index('id="doc-PA-URGENT-d1"')]
    assert "reviewed by rita" not in checklist and "revision 0" in page
    assert "earlier version of the packet" in page  # the old audit entry stays, marked
    assert c.post("/packets/PA-URGENT/corrections", data={**form, "csrf_token": csrf(c)}).status_code == 303
    assert "revision 1" in c.get("/packets/PA-URGENT").text


def test_page_images_are_rendered_from_the_source_at_100_dpi(app):
    import io

    from PIL import Image

    c = sign_in(app, REVIEWER)
    r = c.get("/packets/PA-URGENT/pages/2.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert "no-store" in r.headers["cache-control"]
    image = Image.open(io.BytesIO(r.content))
    assert image.size == (850, 1100)  # 612 x 792 points at 100 dpi
    assert min(image.getdata()) < 100  # the page's text is there, not a blank
    assert c.get("/packets/PA-URGENT/pages/3.png").status_code == 404
    assert c.get("/packets/PA-DONE/pages/1.png").status_code == 404  # its source file is gone


def test_a_person_can_choose_the_checklist_of_a_packet_none_applies_to(app):
    c = sign_in(app, REVIEWER)
    form = {"csrf_token": csrf(c, "/packets/PA-UNKNOWN"), "action": "set_checklist", "revision": "0"}
    assert c.post("/packets/PA-UNKNOWN/corrections", data={**form, "checklist": "nope"}).status_code == 400
    assert c.post("/packets/PA-UNKNOWN/corrections", data={**form, "checklist": "specialist_referral"}).status_code == 303
    page = c.get("/packets/PA-UNKNOWN").text
    assert 'id="verdict-status">incomplete' in page and "checklist specialist_referral" in page
    assert "Referral / order" in page  # now named as missing
    form["revision"] = "1"
    assert c.post("/packets/PA-UNKNOWN/corrections", data={**form, "checklist": "automatic"}).status_code == 303
    assert 'id="verdict-status">needs review' in c.get("/packets/PA-UNKNOWN").text
