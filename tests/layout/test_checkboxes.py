"""Checkboxes drawn with OpenCV (checked and unchecked), and checkbox glyphs written as text."""

from __future__ import annotations

import cv2
import pymupdf

from pipeline.layout import annotate
from pipeline.model import Page, PageSource, Word
from tests.layout.forms import DPI, HEIGHT, WIDTH, blank_image, draw_box, pdf_form, to_px


def _put_word(image, text: str, x_pt: float, baseline_pt: float) -> Word:
    """Write ``text`` on the image with OpenCV and return the word with its box in points."""
    scale, thickness = 0.6, 1
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    x, y = to_px(x_pt), to_px(baseline_pt)
    cv2.putText(image, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, 0, thickness, cv2.LINE_AA)
    k = 72 / DPI
    return Word(text=text, bbox=(x * k, (y - h) * k, (x + w) * k, (y + base) * k), confidence=0.95)


def _page(words: list[Word]) -> Page:
    return Page(page=1, width=WIDTH, height=HEIGHT, method="ocr", words=words)


SOURCE = PageSource(page=1, file="synthetic.png", kind="image", index=0)


def test_drawn_checkboxes_checked_and_unchecked_with_labels():
    image = blank_image()
    words = [_put_word(image, "Priority:", 72, 110)]
    layout = [(150, "Urgent", True), (250, "Routine", False), (350, "Follow-up", True)]
    for x, label, checked in layout:
        draw_box(image, x, 100, 11, checked)
        words.append(_put_word(image, label, x + 16, 110))
    for x, label, checked in [(72, "Yes", False), (150, "No", True)]:
        draw_box(image, x, 140, 11, checked)
        words.append(_put_word(image, label, x + 16, 150))
    words.append(_put_word(image, "Patient reports no known drug allergies today.", 72, 200))

    found = annotate(_page(words), image, SOURCE).checkboxes
    assert [(c.label, c.checked) for c in found] == [
        ("Urgent", True), ("Routine", False), ("Follow-up", True), ("Yes", False), ("No", True),
    ]
    urgent = found[0]
    assert abs(urgent.bbox[0] - 150) < 2 and abs(urgent.bbox[1] - 100) < 2 and abs(urgent.bbox[2] - 161) < 2


def test_checkbox_glyphs_in_text():
    words = [
        Word(text="[X]", bbox=(72, 100, 84, 110), confidence=1.0),
        Word(text="Urgent", bbox=(88, 100, 120, 110), confidence=1.0),
        Word(text="☐", bbox=(150, 100, 158, 110), confidence=1.0),
        Word(text="Routine", bbox=(162, 100, 198, 110), confidence=1.0),
        Word(text="☒", bbox=(72, 130, 80, 140), confidence=1.0),
        Word(text="Signed", bbox=(84, 130, 114, 140), confidence=1.0),
        Word(text="on", bbox=(117, 130, 127, 140), confidence=1.0),
        Word(text="file", bbox=(130, 130, 146, 140), confidence=1.0),
    ]
    found = annotate(_page(words), blank_image(), SOURCE).checkboxes
    assert [(c.label, c.checked) for c in found] == [("Urgent", True), ("Routine", False), ("Signed on file", True)]


def test_born_digital_checkboxes_and_plain_text_letters(tmp_path):
    def draw(page: pymupdf.Page) -> None:
        page.insert_text((72, 100), "Service type:", fontsize=10)
        page.draw_rect(pymupdf.Rect(150, 91, 159, 100), color=(0, 0, 0), width=0.7)
        page.insert_text((163, 100), "MRI", fontsize=10)
        page.draw_rect(pymupdf.Rect(200, 91, 209, 100), color=(0, 0, 0), width=0.7)
        page.draw_line((201.5, 92.5), (207.5, 98.5), color=(0, 0, 0), width=1)
        page.draw_line((207.5, 92.5), (201.5, 98.5), color=(0, 0, 0), width=1)
        page.insert_text((213, 100), "CT scan", fontsize=10)
        page.insert_text((72, 140), "OCTOBER DOCTOR ORDERED DOPPLER 0000 OOO DDD", fontsize=12, fontname="hebo")

    page, image, source = pdf_form(tmp_path / "boxes.pdf", draw)
    found = annotate(page, image, source).checkboxes
    assert [(c.label, c.checked) for c in found] == [("MRI", False), ("CT scan", True)]
