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
