"""Ink signatures near a "Signature" label, and electronic signature statements."""

from __future__ import annotations

import cv2
import numpy as np
import pymupdf

from pipeline.layout import annotate
from tests.layout.forms import pdf_form, to_px


def _signature_block(page: pymupdf.Page) -> None:
    page.insert_text((72, 100), "I certify that the information above is correct.", fontsize=10)
    page.draw_line((160, 602), (400, 602), color=(0, 0, 0), width=0.8)
    page.insert_text((72, 600), "Physician Signature:", fontsize=10)
    page.insert_text((420, 600), "Date: 03/14/2024", fontsize=10)
    page.insert_text((72, 650), "Printed name: Ann Lee, MD", fontsize=10)


def _scribble(image: np.ndarray) -> None:
    """A cursive-like stroke above the signature line, between x=180 and x=330 points."""
    xs = np.linspace(to_px(180), to_px(330), 300)
    t = np.linspace(0, 6 * np.pi, 300)
    ys = to_px(590) + to_px(7) * np.sin(t) + to_px(3) * np.sin(3.3 * t)
    xs = xs + to_px(6) * np.cos(t)  # loops back on itself like handwriting
    points = np.stack([xs, ys], axis=1).astype(np.int32).reshape(-1, 1, 2)
    cv2.polylines(image, [points], False, 0, 2, cv2.LINE_AA)


def test_ink_signature_next_to_its_label(tmp_path):
    page, image, source = pdf_form(tmp_path / "signed.pdf", _signature_block)
    _scribble(image)
    marks = annotate(page, image, source).signatures
    assert [m.kind for m in marks] == ["ink"]
    x0, y0, x1, y1 = marks[0].bbox
    assert 176 <= x0 <= 190 and 320 <= x1 <= 345 and 570 <= y0 < y1 <= 605


def test_unsigned_signature_line_has_no_mark(tmp_path):
    page, image, source = pdf_form(tmp_path / "unsigned.pdf", _signature_block)
    assert annotate(page, image, source).signatures == []


def test_electronic_signature_statements(tmp_path):
    def draw(page: pymupdf.Page) -> None:
        page.insert_text((72, 100), "Please sign and return this form to our office.", fontsize=10)
        page.insert_text((72, 120), "This form was designed by the clinic; the patient resigned from the plan.", fontsize=10)
        page.insert_text((72, 700), "Electronically signed by Ann Lee, MD on 03/14/2024 10:02", fontsize=9)
        page.insert_text((72, 730), "/s/ Robert Smith", fontsize=9)

    page, image, source = pdf_form(tmp_path / "esigned.pdf", draw)
    marks = annotate(page, image, source).signatures
    assert [(m.kind, m.text) for m in marks] == [
        ("electronic", "Electronically signed by Ann Lee, MD on 03/14/2024 10:02"),
        ("electronic", "/s/ Robert Smith"),
    ]
    assert 690 < marks[0].bbox[1] < marks[0].bbox[3] < 705


def test_ink_signature_on_a_scanned_page_read_by_tesseract(tmp_path):
    from tests.layout.forms import tesseract_page

    page, image, _ = pdf_form(tmp_path / "signed.pdf", _signature_block)
    _scribble(image)
    scan, source = tesseract_page(image, 150, tmp_path / "signed.png")
    marks = annotate(scan, image, source).signatures
    assert [m.kind for m in marks] == ["ink"]
    assert 170 <= marks[0].bbox[0] and marks[0].bbox[2] <= 345


def test_blank_page_has_no_layout(tmp_path):
    from pipeline.model import Page, PageSource
    from tests.layout.forms import blank_image

    page = Page(page=1, width=612, height=792, method="ocr")
    annotated = annotate(page, blank_image(), PageSource(page=1, file="blank.png", kind="image"))
    assert (annotated.key_values, annotated.checkboxes, annotated.tables, annotated.signatures) == ([], [], [], [])


def test_ink_signature_below_a_letter_closing(tmp_path):
    def draw(page: pymupdf.Page) -> None:
        page.insert_text((72, 500), "Please contact my office if you need more information.", fontsize=10)
        page.insert_text((72, 540), "Sincerely,", fontsize=10)
        page.draw_line((72, 602), (300, 602), color=(0, 0, 0), width=0.8)
        page.insert_text((72, 616), "Ann Lee, MD", fontsize=10)

    page, image, source = pdf_form(tmp_path / "letter.pdf", draw)
    assert annotate(page, image, source).signatures == []  # closing and line, nobody signed
    _scribble(image)
    marks = annotate(page, image, source).signatures
    assert [m.kind for m in marks] == ["ink"] and marks[0].bbox[1] > 545


# --------------------------------------------------------------------------- scans, faxes and real forms


def _pale_scan(image: np.ndarray, seed: int = 3) -> np.ndarray:
    """``image`` as a flatbed scan makes it: grey paper, text a little lighter, sensor noise."""
    rng = np.random.default_rng(seed)
    scan = 235.0 - (255.0 - image.astype(np.float32)) * 0.7
    scan += rng.normal(0, 4, scan.shape)
    return np.clip(scan, 0, 255).astype(np.uint8)


def _pale_scribble(image: np.ndarray, dpi: int) -> None:
    """A thin pen stroke the scanner greyed out unevenly: darker and paler stretches alternate,
    so the page threshold keeps only short pieces of it, none as tall as a signature."""
    def px(points: float) -> float:
        return points * dpi / 72

    t = np.linspace(0, 5 * np.pi, 600)
    xs = np.linspace(px(190), px(320), 600) + px(5) * np.cos(t)
    ys = px(588) + px(8) * np.sin(t) + px(3) * np.sin(2.7 * t)
    points = np.stack([xs, ys], axis=1).astype(np.int32)
    stroke = np.full_like(image, 255)
    for k in range(len(points) - 1):
        grey = 120 if (k // 25) % 2 == 0 else 170
        cv2.line(stroke, tuple(map(int, points[k])), tuple(map(int, points[k + 1])), grey, 2, cv2.LINE_AA)
    stroke = cv2.GaussianBlur(stroke, (5, 5), 1.0)
    np.minimum(image, stroke, out=image)


def test_pale_pen_stroke_on_a_scan_is_one_signature(tmp_path):
    """A scanned referral was flagged unsigned: its grey pen stroke fell apart at the page threshold."""
    from tests.layout.forms import tesseract_page

    _, image, _ = pdf_form(tmp_path / "form.pdf", _signature_block, dpi=300)
    scan = _pale_scan(image)
    _pale_scribble(scan, 300)
    page, source = tesseract_page(scan, 300, tmp_path / "scan.png")
    marks = annotate(page, scan, source).signatures
    assert [m.kind for m in marks] == ["ink"]
    assert 180 <= marks[0].bbox[0] and marks[0].bbox[2] <= 335 and 570 <= marks[0].bbox[1]
    # The same scan with nobody signing stays unsigned: the grey paper noise is not a stroke.
    blank = _pale_scan(image)
    page, source = tesseract_page(blank, 300, tmp_path / "blank.png")
    assert annotate(page, blank, source).signatures == []


def test_small_signature_on_a_born_digital_page(tmp_path):
    """An e-fax PDF with a small signature image (about one text line tall) over its line."""
    def draw(page: pymupdf.Page) -> None:
        page.insert_text((72, 540), "(X) Initial request   ( ) Continuation", fontsize=10)
        page.draw_line((72, 600), (300, 600), color=(0, 0, 0), width=0.8)
        page.insert_text((72, 616), "Hodges, Carrie NP", fontsize=10)
        page.insert_text((72, 630), "Requesting Provider Signature", fontsize=12)

    page, image, source = pdf_form(tmp_path / "small.pdf", draw)
    assert annotate(page, image, source).signatures == []
    t = np.linspace(0, 4 * np.pi, 200)
    xs, ys = np.linspace(to_px(90), to_px(150), 200), to_px(588) + to_px(5.5) * np.sin(t)
    cv2.polylines(image, [np.stack([xs, ys], axis=1).astype(np.int32).reshape(-1, 1, 2)], False, 0, 2, cv2.LINE_AA)
    marks = annotate(page, image, source).signatures
    assert [m.kind for m in marks] == ["ink"] and 85 <= marks[0].bbox[0] < marks[0].bbox[2] <= 155


def test_ocr_misread_closing_and_electronic_statement(tmp_path):
    """Fax OCR reads "Sincerely," as "Sincorely." and an italic e-signature as garble."""
    def draw(page: pymupdf.Page) -> None:
        page.insert_text((72, 300), "Bles troracally stgned by Anthony Moore, MD on 2026 09 30 15:26", fontsize=9)
        page.insert_text((72, 330), "Klectrontcally atgned by Amanda Vance, MP on Nov 19, 2026", fontsize=9)
        page.insert_text((72, 360), "Records were electronically stored by the clinic.", fontsize=9)
        page.insert_text((72, 380), "These forms are typically signed by the physician.", fontsize=9)
        page.insert_text((72, 540), "Sincorely.", fontsize=10)
        page.draw_line((72, 602), (300, 602), color=(0, 0, 0), width=0.8)
        page.insert_text((72, 616), "Larry Johnson, NP", fontsize=10)

    page, image, source = pdf_form(tmp_path / "fax.pdf", draw)
    marks = annotate(page, image, source).signatures
    assert [(m.kind, m.text.split()[0]) for m in marks] == [("electronic", "troracally"), ("electronic", "Klectrontcally")]
    _scribble(image)
    marks = annotate(page, image, source).signatures
    assert [m.kind for m in marks] == ["electronic", "electronic", "ink"] and marks[2].bbox[1] > 545


def test_prose_and_other_fields_are_not_signature_anchors(tmp_path):
    """"(signed)" inside a sentence labels nothing, and a label's search stops at the form's rules:
    a handwritten figure in the table row above a blank signature box is not its signature."""
    def draw(page: pymupdf.Page) -> None:
        page.insert_text((72, 300), "Return the original (signed) and the first carbon to this office with the form.",
                         fontsize=10)
        for y in (560, 600, 640):
            page.draw_line((60, y), (560, y), color=(0, 0, 0), width=0.8)
        page.insert_text((72, 575), "Amount approved", fontsize=10)
        page.insert_text((72, 615), "Federal tax id", fontsize=10)
        page.insert_text((72, 652), "SIGNATURE OF PHYSICIAN", fontsize=7)

    page, image, source = pdf_form(tmp_path / "prose.pdf", draw)
    for y in (270, 585):  # a handwritten note above the sentence, a handwritten figure in the row above
        t = np.linspace(0, 4 * np.pi, 200)
        xs, ys = np.linspace(to_px(100), to_px(200), 200), to_px(y) + to_px(9) * np.sin(t)
        cv2.polylines(image, [np.stack([xs, ys], axis=1).astype(np.int32).reshape(-1, 1, 2)], False, 0, 2, cv2.LINE_AA)
    assert annotate(page, image, source).signatures == []


def _read_real(path, ocr_dpi: float = 300):
    """Page 1 of a real file, read the way ``intakeiq process`` reads it (real Tesseract)."""
    from pipeline.load import load_packet
    from pipeline.read import ReadOptions, read_page

    packet = load_packet(path)
    assert packet.error is None, packet.error
    return read_page(packet.page_sources[0], ReadOptions(ocr_dpi=ocr_dpi))


def test_cms1500_claim_forms_have_no_ink_signature(shared_data, tmp_path):
    """The fillable CMS-1500 is blank: no signature. The scanned one carries "SIGNATURE ON FILE" in
    boxes 12 and 13 (how a claim says the signature is on file) and a typed name in box 31: no ink.
    Read at 150 dpi its ticked boxes (EIN, "accept assignment") are too large for the checkbox finder
    and lie in the search areas of the box 31 labels: they are boxes, not signatures."""
    from tests.layout.forms import render, tesseract_page

    blank = _read_real(shared_data / "cms-claim-forms" / "form-cms1500.pdf", ocr_dpi=150)
    assert len(blank.words) > 100 and blank.signatures == []
    with pymupdf.open(shared_data / "cms-claim-forms" / "CMS1500.pdf") as doc:
        image = render(doc[0], 150)
    page, source = tesseract_page(image, 150, tmp_path / "cms1500.png")
    marks = annotate(page, image, source).signatures
    assert [m.kind for m in marks] == ["electronic", "electronic"]
    assert all(m.text.upper().startswith("SIGNATURE ON FILE") for m in marks)


def test_funsd_handwritten_signatures_are_found_blank_lines_are_not(shared_data):
    funsd = shared_data / "funsd" / "dataset" / "training_data" / "images"
    # Signed above "Signature of Employer or Designee", and after "SIGNATURE(S):" on a lab form.
    for name, (x0, y0) in {"0001477983.png": (60, 240), "00836244.png": (80, 75)}.items():
        marks = [m for m in _read_real(funsd / name).signatures if m.kind == "ink"]
        assert marks, name
        assert any(m.bbox[0] >= x0 and m.bbox[1] >= y0 for m in marks), (name, marks)
    # "Approval Signature/Date" left blank; a document number printed sideways in the margin.
    assert _read_real(funsd / "0001123541.png").signatures == []
