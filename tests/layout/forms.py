"""Synthetic pages for the layout tests: PDFs drawn with PyMuPDF, rendered to images."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pymupdf

from pipeline.geometry import px_to_pt
from pipeline.model import Page, PageSource, Word

WIDTH, HEIGHT = 612.0, 792.0
DPI = 150


def render(page: pymupdf.Page, dpi: int = DPI) -> np.ndarray:
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    return np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].copy()


def pdf_form(path: Path, draw: Callable[[pymupdf.Page], None], dpi: int = DPI) -> tuple[Page, np.ndarray, PageSource]:
    """A one-page born-digital PDF at ``path``: its text-layer page, its image and its source."""
    doc = pymupdf.open()
    pdf_page = doc.new_page(width=WIDTH, height=HEIGHT)
    draw(pdf_page)
    doc.save(path)
    image = render(pdf_page, dpi)
    words = [
        Word(text=t, bbox=(round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)), confidence=1.0)
        for x0, y0, x1, y1, t, *_ in pdf_page.get_text("words")
    ]
    doc.close()
    page = Page(page=1, width=WIDTH, height=HEIGHT, method="text_layer", words=words)
    return page, image, PageSource(page=1, file=str(path), kind="pdf", index=0)


def as_scan(page: Page, path: Path) -> PageSource:
    """The same page treated as an image page (no text layer to fall back on)."""
    return PageSource(page=page.page, file=str(path), kind="image", index=0)


def tesseract_page(image: np.ndarray, dpi: float, path: Path) -> tuple[Page, PageSource]:
    """Words of ``image`` read by real Tesseract, as an OCR page measured at ``dpi``."""
    import pytesseract

    data = pytesseract.image_to_data(image, config=f"--psm 3 --dpi {int(dpi)}", output_type=pytesseract.Output.DICT)
    words = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        x, y, w, h = (int(data[k][i]) for k in ("left", "top", "width", "height"))
        words.append(Word(text=text, bbox=px_to_pt((x, y, x + w, y + h), dpi), confidence=min(1.0, conf / 100)))
    width, height = px_to_pt((0, 0, image.shape[1], image.shape[0]), dpi)[2:]
    page = Page(page=1, width=width, height=height, method="ocr", words=words)
    return page, PageSource(page=1, file=str(path), kind="image", index=0)


def blank_image(dpi: int = DPI) -> np.ndarray:
    return np.full((int(HEIGHT * dpi / 72), int(WIDTH * dpi / 72)), 255, np.uint8)


def to_px(points: float, dpi: int = DPI) -> int:
    return int(round(points * dpi / 72))


def draw_box(image: np.ndarray, x_pt: float, y_pt: float, size_pt: float, checked: bool, dpi: int = DPI) -> None:
    """An OpenCV-drawn square checkbox with its top-left at (x, y) points; an X inside when checked."""
    x0, y0, s = to_px(x_pt, dpi), to_px(y_pt, dpi), to_px(size_pt, dpi)
    cv2.rectangle(image, (x0, y0), (x0 + s, y0 + s), 0, 2)
    if checked:
        m = max(3, s // 5)
        cv2.line(image, (x0 + m, y0 + m), (x0 + s - m, y0 + s - m), 0, 2)
        cv2.line(image, (x0 + s - m, y0 + m), (x0 + m, y0 + s - m), 0, 2)
