"""OCR quality on 204x98 ("standard resolution") fax pages: enlarged to 300 dpi and smoothed before
Tesseract. The reference text is the born-digital rendering of the same generated packet (same
seed), whose text layer holds the words and where they are.

Measured on the two top bands used below (211 reference words): 0.78 word recall when the page
was read at 204 dpi as 1-bit pixels (before), 0.85 after.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest
from PIL import Image

from pipeline.load import load_packet
from pipeline.ocr import OcrOptions, for_tesseract, ocr_image, repeated_row_source
from pipeline.render import render_image
from samples.generate import generate

PACKET = "PKT-0002"  # with --n 2 --seed 31: a 204x98 fax, its page 1 is an added cover sheet
FAX_PAGES = (1, 3)  # 0-based frames of the fax; the born-digital page is one lower
BAND_PT = (30.0, 410.0)  # the text-dense top of those pages
MIN_RECALL = 0.82  # measured 0.78 before the change, 0.85 after


def _norm(text: str) -> str:
    return re.sub(r"[^\w]", "", text).lower()


@pytest.fixture(scope="module")
def packets(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("ocrq")
    generate(2, 31, root / "fax", workers=1, rendering="fax")
    generate(2, 31, root / "digital", workers=1, rendering="born_digital")
    return root / "fax" / "packets" / f"{PACKET}.tif", root / "digital" / "packets" / f"{PACKET}.pdf"


def _band_reading(fax: Path, digital: Path, frame: int):
    """(OCR words of the band, reference words (text, centre x, centre y) of the band)."""
    with Image.open(fax) as im:
        im.seek(frame)
        assert tuple(round(v) for v in im.info["dpi"]) == (204, 98), "the generator changed: pick a 204x98 page"
    image, dpi = render_image(load_packet(fax).page_sources[frame])
    y0, y1 = BAND_PT
    top = round(y0 * dpi / 72)
    text, _ = ocr_image(image[top: round(y1 * dpi / 72)], dpi, OcrOptions(check_orientation=False))
    with pymupdf.open(digital) as doc:
        ref = [(w[4], (w[0] + w[2]) / 2, (w[1] + w[3]) / 2 - y0) for w in doc[frame - 1].get_text("words")
               if y0 <= (w[1] + w[3]) / 2 < y1 and _norm(w[4])]
    return text.words, ref


def test_standard_resolution_fax_word_recall(packets: tuple[Path, Path]) -> None:
    hit = total = 0
    for frame in FAX_PAGES:
        words, ref = _band_reading(*packets, frame)
        got = Counter(_norm(w.text) for w in words)
        want = Counter(_norm(t) for t, _, _ in ref)
        hit += sum(min(n, got[w]) for w, n in want.items())
        total += sum(want.values())
    assert total > 150
    assert hit / total >= MIN_RECALL, f"word recall {hit / total:.3f} on 204x98 fax bands"


def test_boxes_stay_in_points_of_the_page(packets: tuple[Path, Path]) -> None:
    words, ref = _band_reading(*packets, FAX_PAGES[0])
    where = {}
    for text, x, y in ref:
        where.setdefault(_norm(text), []).append((x, y))
    unique = {k: v[0] for k, v in where.items() if len(v) == 1 and len(k) >= 4}
    dx, dy = [], []
    for w in words:
        key = _norm(w.text)
        if key in unique:
            dx.append((w.bbox[0] + w.bbox[2]) / 2 - unique[key][0])
            dy.append((w.bbox[1] + w.bbox[3]) / 2 - unique[key][1])
    assert len(dx) >= 20
    assert abs(statistics.median(dx)) < 6 and abs(statistics.median(dy)) < 6, (statistics.median(dx),
                                                                                statistics.median(dy))


def test_only_low_resolution_bilevel_pages_are_enlarged() -> None:
    options = OcrOptions()
    fax = np.full((200, 300), 255, np.uint8)
    fax[50:60, 40:200] = 0
    enlarged, dpi = for_tesseract(fax, 204, options)
    assert dpi == 300 and enlarged.shape == (round(200 * 300 / 204), round(300 * 300 / 204))
    assert np.count_nonzero((enlarged > 40) & (enlarged < 215)) > 0  # smoothed edges
    same, same_dpi = for_tesseract(fax, 300, options)
    assert same is fax and same_dpi == 300
    gray = np.linspace(0, 255, 200 * 300).reshape(200, 300).astype(np.uint8)
    assert for_tesseract(gray, 150, options)[0] is gray
    assert for_tesseract(fax, 204, OcrOptions(bilevel_ocr_dpi=0))[0] is fax


# ----------------------------------------------------------------- 204x98 pages read from their own rows

def test_standard_fax_rows_are_found_exactly(packets: tuple[Path, Path]) -> None:
    """The renderer shows a 204x98 frame at 204x204 by repeating rows; the OCR stage finds the frame's own
    rows again (exactly), and finds no repeats on a 204x196 ("fine") fax page."""
    fax, _ = packets
    for frame in FAX_PAGES:
        image, _ = render_image(load_packet(fax).page_sources[frame])
        with Image.open(fax) as im:
            im.seek(frame)
            own = np.asarray(im.convert("L"))
        sources = repeated_row_source(image)
        assert sources is not None and len(sources) == own.shape[0]
        assert np.array_equal(image[sources], own)
    fine = fax.parent / "PKT-0001.tif"
    with Image.open(fine) as im:
        assert tuple(round(v) for v in im.info["dpi"]) == (204, 196), "the generator changed: pick a 204x196 page"
    image, _ = render_image(load_packet(fine).page_sources[1])
    assert repeated_row_source(image) is None


def test_standard_fax_full_page_read_from_own_rows(packets: tuple[Path, Path]) -> None:
    """A whole 204x98 page (enlarged anisotropically from its own rows, turned by its skew afterwards):
    words are read and their boxes land where the born-digital page has them.
    Measured on this page: word recall 0.859 from the repeats (bilevel_row_repeat off), 0.891 on."""
    fax, digital = packets
    frame = FAX_PAGES[1]
    image, dpi = render_image(load_packet(fax).page_sources[frame])
    assert repeated_row_source(image) is not None
    text, _ = ocr_image(image, dpi, OcrOptions(check_orientation=False))
    with pymupdf.open(digital) as doc:
        ref = [(w[4], (w[0] + w[2]) / 2, (w[1] + w[3]) / 2) for w in doc[frame - 1].get_text("words") if _norm(w[4])]
    got = Counter(_norm(w.text) for w in text.words)
    want = Counter(_norm(t) for t, _, _ in ref)
    recall = sum(min(n, got[w]) for w, n in want.items()) / sum(want.values())
    assert sum(want.values()) > 50
    assert recall >= 0.86, f"word recall {recall:.3f} on a whole 204x98 page"
    where: dict[str, list[tuple[float, float]]] = {}
    for t, x, y in ref:
        where.setdefault(_norm(t), []).append((x, y))
    unique = {k: v[0] for k, v in where.items() if len(v) == 1 and len(k) >= 4}
    offsets = [((w.bbox[0] + w.bbox[2]) / 2 - unique[_norm(w.text)][0], (w.bbox[1] + w.bbox[3]) / 2
                - unique[_norm(w.text)][1]) for w in text.words if _norm(w.text) in unique]
    assert len(offsets) >= 20
    assert abs(statistics.median(o[0] for o in offsets)) < 6 and abs(statistics.median(o[1] for o in offsets)) < 6


def test_thin_bilevel_print_is_read_again_with_wider_strokes_and_the_better_reading_kept() -> None:
    from PIL import ImageDraw, ImageFont

    from pipeline.ocr import _score

    lines = ["PATIENT NAME: TORRES, SHANNON R  DATE OF BIRTH: 09/14/1961",
             "MEMBER ID: NW7777496703  REQUESTING PROVIDER: Meadows Physicians",
             "DRUG: bortezomib (Velcade)  DOSE / FREQUENCY: 1.3 mg/m2 on days 1, 4, 8",
             "SITE OF CARE: Hospital outpatient infusion  DIAGNOSIS: C90.00 multiple myeloma"] * 2
    canvas = Image.new("L", (1728, 700), 255)
    draw = ImageDraw.Draw(canvas)
    for i, line in enumerate(lines):
        draw.text((60, 40 + i * 80), line, fill=0, font=ImageFont.load_default(size=30))
    page = np.array(canvas)
    faint = np.where(cv2.dilate(page, np.ones((3, 3), np.uint8)) < 128, 0, 255).astype(np.uint8)  # strokes thinned

    clear, _ = ocr_image(page, 204.0, OcrOptions(check_orientation=False))
    assert not clear.thickened and clear.confidence > 0.8  # well-printed pages take one pass
    plain, _ = ocr_image(faint, 204.0, OcrOptions(check_orientation=False, thicken_below_confidence=0))
    retried, _ = ocr_image(faint, 204.0, OcrOptions(check_orientation=False))
    assert plain.confidence < 0.4
    assert retried.thickened and _score(retried.words) > _score(plain.words)
