"""report.json against the committed schema, report.html, missing_request.pdf and summary.csv."""

import csv
import io
import json
import re
import shutil
import subprocess
import sys

import jsonschema
import pymupdf
import pytest

from pipeline import schema
from pipeline.model import Failure, Report, ReportSource
from pipeline.outputs import SUMMARY_COLUMNS, render_outputs, summary_csv
from tests.checklists.builders import Docs, PATIENT, field, imaging_docs
from tests.outputs.packet_pdf import process_result


@pytest.fixture()
def incomplete(tmp_path):
    docs = imaging_docs(note_date="2025-10-01", request={
        "signature_present": False,
        "ordering_provider_npi": field("1234567890", page=2, valid=False, reason="NPI check digit is wrong")})
    return process_result(docs.docs, tmp_path)


@pytest.fixture()
def complete(tmp_path):
    return process_result(imaging_docs().docs, tmp_path)


@pytest.fixture()
def needs_review(tmp_path):
    d = Docs()
    d.add("clinical_note", **PATIENT, document_date="2026-02-01")
    return process_result(d.docs, tmp_path)


def failed_report() -> Report:
    return Report(packet_id="BAD-1", status="failed", source=ReportSource(uri="file:///in/BAD-1.pdf", files=["BAD-1.pdf"]),
                  error=Failure(code="E_ENCRYPTED", message="BAD-1.pdf is encrypted; send it without a password",
                                file="BAD-1.pdf"))


# --------------------------------------------------------------------------- schema and report.json


def test_committed_schema_is_up_to_date():
    assert not schema.is_stale(), "run: python -m pipeline.schema --write"
    run = subprocess.run([sys.executable, "-m", "pipeline.schema", "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_schema_check_fails_when_stale(tmp_path, monkeypatch):
    stale = tmp_path / "report.schema.json"
    stale.write_text(schema.SCHEMA_PATH.read_text().replace('"Packet Id"', '"Packet Identifier"'))
    monkeypatch.setattr(schema, "SCHEMA_PATH", stale)
    assert schema.is_stale()
    assert schema.main(["--check"]) == 1
    assert schema.main(["--write"]) == 0 and not schema.is_stale()


def test_report_json_validates_against_committed_schema(incomplete, complete, needs_review):
    validator = jsonschema.Draft202012Validator(schema.load_schema(), format_checker=jsonschema.FormatChecker())
    for result in (incomplete, complete, needs_review):
        data = json.loads(render_outputs(result)["report.json"])
        validator.validate(data)
        assert data["schema_version"] == "1.0" and data["checklist"]["status"] == result.report.checklist.status
    validator.validate(json.loads(failed_report().model_dump_json()))
    broken = json.loads(render_outputs(incomplete)["report.json"])
    broken["checklist"]["status"] = "almost"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)


def test_report_json_has_contract_shape(incomplete):
    data = json.loads(render_outputs(incomplete)["report.json"])
    checklist = data["checklist"]
    assert checklist["id"] == "prior_auth_imaging" and checklist["version"] == "1.0"
    assert checklist["missing_documents"] == ["prior_auth_request", "clinical_note"]
    assert {"requirement", "reason", "pages"} <= set(checklist["problems"][0])
    assert data["documents"][1]["fields"]["ordering_provider_npi"]["valid"] is False
    assert 0 <= data["priority"]["score"] <= 100 and data["review"]["required"] is True


# --------------------------------------------------------------------------- report.html


def test_html_verdict_missing_problems_and_crops(incomplete):
    html = render_outputs(incomplete)["report.html"].decode()
    assert html.index("INCOMPLETE") < html.index("Missing (2)") < html.index("Problems (3)")
    assert "Clinical note, dated within 60 days" in html
    assert "Prior authorization request (pages 2-3) is not signed" in html
    assert "is not valid: NPI check digit is wrong" in html
    crops = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(crops) == 3
    image = pymupdf.Pixmap(__import__("base64").b64decode(crops[0]))
    assert image.width > 100 and image.height > 20
    assert "page 2, where signature_present was read" in html
    assert "Priority" in html and "Review required" in html and "test-model" in html


def test_html_is_self_contained(incomplete):
    html = render_outputs(incomplete)["report.html"].decode()
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)
    assert "<link" not in html and "<script" not in html


def test_html_without_renderable_pages_still_reads(incomplete, tmp_path):
    for source in incomplete.packet.page_sources:
        source.file = str(tmp_path / "gone.pdf")
    html = render_outputs(incomplete)["report.html"].decode()
    assert "INCOMPLETE" in html and "is not signed" in html and "data:image/png" not in html


def test_html_complete_needs_review_and_failed(complete, needs_review):
    assert ">COMPLETE<" in render_outputs(complete)["report.html"].decode()
    review = render_outputs(needs_review)["report.html"].decode()
    assert ">NEEDS REVIEW<" in review and "no checklist applies" in review
    from pipeline.report_html import render_html

    failed = render_html(failed_report(), [])
    assert ">FAILED<" in failed and "is encrypted" in failed


# --------------------------------------------------------------------------- missing_request.pdf


def test_request_letter_lists_missing_items_for_the_provider(incomplete):
    outputs = render_outputs(incomplete)
    with pymupdf.open(stream=outputs["missing_request.pdf"], filetype="pdf") as pdf:
        assert pdf.page_count == 1
        text = " ".join(pdf[0].get_text().split())
    for expected in ("REQUEST FOR MISSING INFORMATION", "Anita Rao", "(555) 123-4567", "(555) 987-6543",
                     "Maria Lopez", "1961-03-14", "XJH123456789", "CASE-4411",
                     "Prior authorization request or Referral / order, signed", "is not signed",
                     "Clinical note, dated within 60 days", "2025-10-01",
                     "ordering_provider_npi '1234567890' on page 2 is not valid"):
        assert expected in text, expected


def test_request_letter_only_for_incomplete(complete, needs_review):
    assert "missing_request.pdf" not in render_outputs(complete)
    assert "missing_request.pdf" not in render_outputs(needs_review)


def test_long_request_stays_on_one_page(tmp_path):
    d = Docs()
    d.add("prior_auth_request", cpt_codes=["J1745"])  # infusion, nearly everything missing
    result = process_result(d.docs, tmp_path)
    with pymupdf.open(stream=render_outputs(result)["missing_request.pdf"], filetype="pdf") as pdf:
        assert pdf.page_count == 1
        text = pdf[0].get_text()
    assert "Letter of medical necessity" in text and "not found" in text  # patient name unknown


# --------------------------------------------------------------------------- summary.csv


def test_summary_csv_rows(incomplete, complete):
    data = summary_csv([incomplete.report, complete.report, failed_report()]).decode()
    rows = list(csv.DictReader(io.StringIO(data)))
    assert tuple(rows[0]) == SUMMARY_COLUMNS and len(rows) == 3
    assert rows[0]["checklist_status"] == "incomplete" and rows[0]["missing"] == "prior_auth_request;clinical_note"
    assert rows[0]["review_required"] == "true" and rows[0]["pages"] == "4" and rows[0]["documents"] == "3"
    assert rows[1]["checklist_id"] == "prior_auth_imaging" and rows[1]["checklist_status"] == "complete"
    assert rows[2]["status"] == "failed" and rows[2]["error"].startswith("E_ENCRYPTED:")
    assert int(rows[0]["priority"]) > int(rows[1]["priority"])


# --------------------------------------------------------------------------- in a real browser


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
@pytest.mark.parametrize("case, color", [("incomplete", (0xB3, 0x26, 0x1E)), ("complete", (0x13, 0x7A, 0x3B))])
def test_verdict_band_is_the_first_thing_a_browser_shows(case, color, request, tmp_path):
    result = request.getfixturevalue(case)
    page = tmp_path / "report.html"
    page.write_bytes(render_outputs(result)["report.html"])
    shot = tmp_path / "shot.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,800",
                    page.as_uri()], capture_output=True, timeout=90, check=False)
    from PIL import Image

    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        band = rgb.getpixel((90, 30))  # inside the band, left of the verdict word (main is 1100 px, centred)
        below = rgb.getpixel((90, 400))
    assert all(abs(a - b) <= 8 for a, b in zip(band, color)), band
    assert band != below
