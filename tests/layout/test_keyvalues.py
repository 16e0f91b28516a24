"""Key-value pairs on a drawn born-digital form, the same form read by Tesseract, and a real FUNSD form."""

from __future__ import annotations

import json

import cv2
import pymupdf

from pipeline.layout import LayoutOptions, annotate
from tests.layout.forms import pdf_form, render, tesseract_page


def _draw_form(page: pymupdf.Page) -> None:
    page.insert_text((72, 80), "DOB: 03/14/1961", fontsize=10)
    page.insert_text((72, 110), "Member ID  W123", fontsize=10)
    page.insert_text((72, 140), "Patient Name:", fontsize=10)
    page.insert_text((72, 154), "Ann Lee", fontsize=10)
    page.insert_text((72, 190), "Phone:", fontsize=10)
    page.insert_text((220, 190), "(555) 123-4567", fontsize=10)
    page.insert_text((72, 220), "Fax: ______________", fontsize=10)
    # CMS-1500-like boxed fields: a small label at the top of each box, the value below it.
    page.draw_rect(pymupdf.Rect(72, 250, 300, 290), color=(0, 0, 0), width=0.8)
    page.draw_rect(pymupdf.Rect(300, 250, 450, 290), color=(0, 0, 0), width=0.8)
    page.insert_text((76, 259), "2. PATIENT'S NAME (Last, First)", fontsize=6)
    page.insert_text((80, 282), "DOE, JANE", fontsize=10)
    page.insert_text((304, 259), "3. BIRTH DATE", fontsize=6)
    page.insert_text((308, 282), "01 02 1960", fontsize=10)
    page.insert_text((72, 330), "Thank you for the referral of this patient to our clinic.", fontsize=10)


EXPECTED = {
    ("DOB", "03/14/1961"),
    ("Member ID", "W123"),
    ("Patient Name", "Ann Lee"),
    ("Phone", "(555) 123-4567"),
    ("2. PATIENT'S NAME (Last, First)", "DOE, JANE"),
    ("3. BIRTH DATE", "01 02 1960"),
}


def test_key_values_on_a_born_digital_form(tmp_path):
    page, image, source = pdf_form(tmp_path / "form.pdf", _draw_form)
    annotated = annotate(page, image, source)
    assert {(kv.key.text, kv.value.text) for kv in annotated.key_values} == EXPECTED
    dob = next(kv for kv in annotated.key_values if kv.key.text == "DOB")
    assert 72 <= dob.key.bbox[0] < dob.key.bbox[2] < dob.value.bbox[0]
    assert 70 < dob.value.bbox[3] < 84 and 0.5 < dob.confidence <= 1
    # A new page comes back; the one passed in is left as it was.
    assert page.key_values == [] and annotated is not page


def test_options_switch_parts_off(tmp_path):
    page, image, source = pdf_form(tmp_path / "form.pdf", _draw_form)
    annotated = annotate(page, image, source, LayoutOptions(key_values=False))
    assert annotated.key_values == []


def test_key_values_on_the_same_form_read_by_tesseract(tmp_path):
    doc = pymupdf.open()
    pdf_page = doc.new_page(width=612, height=792)
    _draw_form(pdf_page)
    image = render(pdf_page, dpi=200)
    page, source = tesseract_page(image, 200, tmp_path / "scan.png")
    pairs = {(kv.key.text, kv.value.text) for kv in annotate(page, image, source).key_values}
    assert {("DOB", "03/14/1961"), ("Member ID", "W123"), ("Patient Name", "Ann Lee")} <= pairs
    assert not any(key.startswith("Fax") for key, _ in pairs)


def _box_matches(pred, gold, pad=3.0):
    cx, cy = (pred[0] + pred[2]) / 2, (pred[1] + pred[3]) / 2
    return gold[0] - pad <= cx <= gold[2] + pad and gold[1] - pad <= cy <= gold[3] + pad


def test_a_funsd_question_answer_link_is_recovered(shared_data, tmp_path):
    root = shared_data / "funsd" / "dataset" / "testing_data"
    image = cv2.imread(str(root / "images" / "82092117.png"), cv2.IMREAD_GRAYSCALE)
    form = json.loads((root / "annotations" / "82092117.json").read_text())["form"]
    by_id = {e["id"]: e for e in form}
    links = [(by_id[a]["box"], by_id[b]["box"]) for e in form for a, b in e["linking"]
             if a == e["id"] and by_id[a]["label"] == "question" and by_id[b]["label"] == "answer"]
    dpi = 72 * image.shape[1] / 612
    page, source = tesseract_page(image, dpi, root / "images" / "82092117.png")
    annotated = annotate(page, image, source)
    scale = image.shape[1] / annotated.width
    found = [
        kv for kv in annotated.key_values
        if any(_box_matches([c * scale for c in kv.key.bbox], q) and _box_matches([c * scale for c in kv.value.bbox], a)
               for q, a in links)
    ]
    # "DATE: 12/10/98", "TO: George Baroody", "FAX NUMBER: (336) 335-7392" ... are gold links on this form.
    assert len(found) >= 3
    assert any(kv.key.text.upper().startswith("DATE") for kv in found)


def test_label_at_the_end_of_a_line_with_its_value_below(tmp_path):
    def draw(page: pymupdf.Page) -> None:
        page.insert_text((72, 100), "Patient: Ann Lee", fontsize=10)
        page.insert_text((330, 100), "Referring physician:", fontsize=10)
        page.insert_text((330, 114), "Robert Smith, MD", fontsize=10)
        page.insert_text((72, 160), "Diagnosis:", fontsize=10)
        page.insert_text((72, 174), "Reason for visit:", fontsize=10)
        page.insert_text((72, 220), "Phone 603-746-8061 Fax 568 269 2087", fontsize=10)
        page.insert_text((72, 250), "Member: Ann Lee DOB 01/02/1960", fontsize=10)
        page.insert_text((72, 280), "Please note the following: results are pending.", fontsize=10)

    page, image, source = pdf_form(tmp_path / "below.pdf", draw)
    pairs = {(kv.key.text, kv.value.text) for kv in annotate(page, image, source).key_values}
    # Two labels in a row with nothing filled in are not a pair.
    assert pairs == {("Patient", "Ann Lee"), ("Referring physician", "Robert Smith, MD"),
                     ("Phone", "603-746-8061"), ("Fax", "568 269 2087"), ("Member", "Ann Lee"),
                     ("DOB", "01/02/1960")}
