"""Small packets generated at test time: PDFs via pymupdf, TIFFs/PNGs/JPEGs via PIL, .eml via email.

Text in raster fixtures is drawn by pymupdf (a real font) at a known place, so OCR results and
boxes in points can be checked against where the words were put.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PIL import Image

LETTER = (612.0, 792.0)
# (x, y baseline) in points, text, fontsize: a few large lines near the top of the page
TEXT_LINES = [
    ((72, 100), "PATIENT REFERRAL FORM", 20),
    ((72, 150), "Patient Name: Maria Lopez", 16),
    ((72, 190), "Date of Birth: 03/14/1961", 16),
    ((72, 230), "Member ID: XKJ449201", 16),
]
WORDS = {"PATIENT", "REFERRAL", "FORM", "Patient", "Name:", "Maria", "Lopez", "Date", "of", "Birth:",
         "03/14/1961", "Member", "ID:", "XKJ449201"}


def text_page(doc: pymupdf.Document, lines=TEXT_LINES, size=LETTER) -> pymupdf.Page:
    page = doc.new_page(width=size[0], height=size[1])
    for (x, y), text, fontsize in lines:
        page.insert_text((x, y), text, fontsize=fontsize, fontname="helv")
    return page


def text_image(dpi: float, size=LETTER, crop_height_pt: float | None = None) -> np.ndarray:
    """The text page rendered to gray pixels at ``dpi`` (optionally only its top part)."""
    doc = pymupdf.open()
    page = text_page(doc, size=size)
    clip = pymupdf.Rect(0, 0, size[0], crop_height_pt or size[1])
    zoom = dpi / 72
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False, clip=clip)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].copy()


def write_text_pdf(path: Path, pages: int = 1) -> Path:
    doc = pymupdf.open()
    for _ in range(pages):
        text_page(doc)
    doc.save(path)
    return path


def write_mixed_pdf(path: Path) -> Path:
    """Page 1: born-digital text. Page 2: the same page as a 150-dpi picture only (a scan)."""
    doc = pymupdf.open()
    text_page(doc)
    scan = doc.new_page(width=LETTER[0], height=LETTER[1])
    png = Image.fromarray(text_image(150, crop_height_pt=300))
    from io import BytesIO

    buf = BytesIO()
    png.save(buf, format="PNG")
    scan.insert_image(pymupdf.Rect(0, 0, LETTER[0], 300), stream=buf.getvalue())
    doc.save(path)
    return path


def write_tiff(path: Path, frames: int = 2, dpi: tuple[float, float] = (200, 200), fax: bool = False) -> Path:
    """A multi-page TIFF of the text page (top 300 pt); ``fax`` stores G4 bilevel at ``dpi``."""
    images = []
    for _ in range(frames):
        gray = Image.fromarray(text_image(dpi[0], crop_height_pt=300))
        if dpi[1] != dpi[0]:
            gray = gray.resize((gray.width, round(gray.height * dpi[1] / dpi[0])), Image.Resampling.BILINEAR)
        images.append(gray.point(lambda v: 255 if v > 160 else 0).convert("1") if fax else gray)
    options = {"compression": "group4"} if fax else {}
    images[0].save(path, save_all=True, append_images=images[1:], dpi=dpi, **options)
    return path


def write_png(path: Path, dpi: float = 200) -> Path:
    Image.fromarray(text_image(dpi, crop_height_pt=300)).save(path, format="PNG", dpi=(dpi, dpi))
    return path


@pytest.fixture
def text_pdf(tmp_path: Path) -> Path:
    return write_text_pdf(tmp_path / "born.pdf", pages=2)


@pytest.fixture
def mixed_pdf(tmp_path: Path) -> Path:
    return write_mixed_pdf(tmp_path / "mixed.pdf")


@pytest.fixture
def fax_tiff(tmp_path: Path) -> Path:
    return write_tiff(tmp_path / "fax.tif", frames=2, dpi=(204, 98), fax=True)


@pytest.fixture
def png_file(tmp_path: Path) -> Path:
    return write_png(tmp_path / "card.png")


@pytest.fixture
def eml_file(tmp_path: Path) -> Path:
    """An e-mail with a PDF, a TIFF and a text attachment (the text one is not a page)."""
    pdf = write_text_pdf(tmp_path / "att.pdf", pages=1).read_bytes()
    tif = write_tiff(tmp_path / "att.tif", frames=1).read_bytes()
    message = EmailMessage()
    message["From"] = "clinic@example.org"
    message["To"] = "intake@example.org"
    message["Subject"] = "Referral"
    message.set_content("Please see attached.")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="referral.pdf")
    message.add_attachment(tif, maintype="image", subtype="tiff", filename="scan.tif")
    message.add_attachment(b"notes only", maintype="text", subtype="plain", filename="notes.txt")
    path = tmp_path / "inbox.eml"
    path.write_bytes(message.as_bytes())
    return path
