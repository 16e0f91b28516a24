"""Reading pages: text layer vs OCR per page, fax pixels, rotation, boxes in points, JSON edge."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.load import load_packet
from pipeline.model import Page, PageSource
from pipeline.ocr import is_sideways
from pipeline.read import ReadOptions, read_file_json, read_pages
from pipeline.render import render_image, render_page
from tests.pipeline.conftest import WORDS, text_image, write_png

REPO = Path(__file__).resolve().parents[2]


def read_all(path: Path, workers: int = 1) -> list[Page]:
    packet = load_packet(path)
    assert packet.error is None, packet.error
    return list(read_pages(packet, ReadOptions(workers=workers)))


def word(page: Page, text: str):
    return next(w for w in page.words if w.text == text)


def recall(page: Page) -> float:
    return len(WORDS & {w.text for w in page.words}) / len(WORDS)


def test_mixed_pdf_uses_text_layer_on_one_page_and_ocr_on_the_other(mixed_pdf: Path) -> None:
    born, scan = read_all(mixed_pdf, workers=2)
    assert (born.method, scan.method) == ("text_layer", "ocr")
    assert (born.width, born.height) == (scan.width, scan.height) == (612.0, 792.0)
    assert recall(born) == 1.0 and recall(scan) >= 0.9
    assert born.lines[0].text == "PATIENT REFERRAL FORM"
    assert 0.8 < scan.ocr_confidence <= 1
    # the same word lands on the same spot in points, whichever way it was read
    for text in ("Lopez", "XKJ449201"):
        a, b = word(born, text).bbox, word(scan, text).bbox
        assert abs(a[0] - b[0]) < 4 and abs(a[2] - b[2]) < 4
        assert a[1] - 3 < b[1] < b[3] < a[3] + 3


def test_fax_204x98_becomes_square_pixels_and_boxes_in_points(fax_tiff: Path) -> None:
    source = load_packet(fax_tiff).page_sources[0]
    image, dpi = render_image(source)
    assert dpi == 204 and image.dtype == np.uint8 and image.ndim == 2
    stored = Image.open(fax_tiff).size
    assert image.shape == (round(stored[1] * 204 / 98), stored[0])  # height doubled, width kept
    assert render_page(source, dpi=72).shape == (round(300), 612)  # the page is 612 x 300 points
    page = read_all(fax_tiff)[1]
    assert page.page == 2 and page.method == "ocr"
    assert page.width == pytest.approx(612, abs=1) and page.height == pytest.approx(300, abs=1)
    assert recall(page) >= 0.9
    box = word(page, "Lopez").bbox  # drawn at x=72+..., baseline 150 pt, 16 pt type
    assert 200 < box[0] < 240 and 135 < box[1] < 145 and 148 < box[3] < 156
    assert 8 < box[3] - box[1] < 16  # a 16-point capital height, not doubled or halved


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    upright = Image.fromarray(text_image(150, crop_height_pt=300))
    stored = upright.rotate(90, expand=True)  # as a phone stores it: sideways, with a tag to turn it
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90 degrees clockwise to display"
    path = tmp_path / "photo.jpg"
    stored.save(path, quality=90, exif=exif, dpi=(150, 150))
    source = load_packet(path).page_sources[0]
    image, dpi = render_image(source)
    assert image.shape == (upright.height, upright.width) and dpi == 150
    page = read_all(path)[0]
    assert page.rotation == 0 and recall(page) >= 0.9
    assert page.width == pytest.approx(612, abs=1)


def test_card_images_under_a_text_caption_are_read_by_ocr(tmp_path: Path) -> None:
    """A born-digital page whose only text is a caption over pictures of a card: the card's words are
    in the pictures, so the page is OCR'd, not read from its one-line text layer."""
    import pymupdf

    card = tmp_path / "card.png"
    write_png(card)  # the form's top as a picture, like a scanned card
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 50), "Insurance on file - front and back", fontsize=11)
    page.insert_image(pymupdf.Rect(120, 70, 490, 251), filename=str(card))  # 14 % of the page
    path = tmp_path / "caption_and_card.pdf"
    doc.save(path)

    read = read_all(path)[0]
    assert read.method == "ocr"
    assert {"Insurance", "PATIENT", "XKJ449201"} <= {w.text for w in read.words}


def test_upside_down_page_is_turned_and_read(tmp_path: Path) -> None:
    path = tmp_path / "upside_down.png"
    Image.fromarray(text_image(200, crop_height_pt=300)).rotate(180).save(path, dpi=(200, 200))
    page = read_all(path)[0]
    assert page.rotation == 180
    assert recall(page) >= 0.9
    assert word(page, "PATIENT").bbox[1] < word(page, "Member").bbox[1]  # upright reading order


def test_pool_reads_in_page_order_and_lines_are_in_reading_order(tmp_path: Path) -> None:
    from tests.pipeline.conftest import write_tiff

    path = write_tiff(tmp_path / "three.tif", frames=3)
    pages = read_all(path, workers=2)
    assert [p.page for p in pages] == [1, 2, 3]
    for page in pages:
        tops = [line.bbox[1] for line in page.lines]
        assert tops == sorted(tops)
        assert page.lines[0].text == "PATIENT REFERRAL FORM"


def test_read_file_json_has_the_contract_shape(png_file: Path) -> None:
    data = json.loads(read_file_json(png_file, workers=1, progress=False))
    (page,) = data["pages"]
    assert {"page", "width", "height", "method", "words", "lines", "key_values", "checkboxes"} <= set(page)
    assert page["page"] == 1 and page["method"] == "ocr"
    assert set(page["words"][0]) == {"text", "bbox", "confidence"}
    assert set(page["lines"][0]) == {"text", "bbox"}
    assert len(page["words"][0]["bbox"]) == 4 and 0 <= page["words"][0]["confidence"] <= 1


def test_cli_read_names_the_bad_file_and_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "scan_0042.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj")
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "read", str(bad), "--json", "-q"],
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 2
    assert "scan_0042.pdf" in result.stderr and re.search(r"E_(TRUNCATED|CORRUPT)", result.stderr)
    assert result.stdout == ""


def test_phototest_word_recall(shared_data: Path) -> None:
    folder = shared_data / "tesseract-test-unlv" / "testing"
    truth = (folder / "phototest.gold.txt").read_text().split()
    page = read_all(folder / "phototest.tif")[0]
    found = [w.text for w in page.words]
    remaining = list(found)
    hits = 0
    for t in truth:
        if t in remaining:
            remaining.remove(t)
            hits += 1
    assert hits / len(truth) >= 0.95, hits / len(truth)
    assert page.ocr_confidence > 0.9


def test_rotated_real_scan_is_read(shared_data: Path) -> None:
    folder = shared_data / "tesseract-test-unlv" / "testing"
    truth = set((folder / "phototest.gold.txt").read_text().split())
    page = read_all(folder / "phototestrot.tif")[0]
    assert len(truth & {w.text for w in page.words}) / len(truth) >= 0.9
    assert page.rotation == 90 and page.width > page.height  # turned upright: landscape text lines
    assert not is_sideways(page.words)


def test_rotated_pdf_page_text_layer_boxes_are_on_the_displayed_page(tmp_path: Path) -> None:
    import pymupdf

    from tests.pipeline.conftest import text_page

    doc = pymupdf.open()
    text_page(doc).set_rotation(90)  # shown landscape: 792 x 612 points
    path = tmp_path / "turned.pdf"
    doc.save(path)
    (page,) = read_all(path)
    assert page.method == "text_layer" and (page.width, page.height) == (792.0, 612.0)
    for w in page.words:
        assert 0 <= w.bbox[0] < w.bbox[2] <= 792 and 0 <= w.bbox[1] < w.bbox[3] <= 612
    # text drawn near the unrotated top-left ends up near the displayed top-right, running downwards
    box = word(page, "PATIENT").bbox
    assert box[0] > 600 and box[3] - box[1] > box[2] - box[0]


def test_every_tiff_orientation_tag_renders_the_same_upright_page(shared_data: Path) -> None:
    folder = shared_data / "fax-g4-tiff-samples" / "Tests" / "images"
    reference, _ = render_image(PageSource(page=1, file=str(folder / "g4_orientation_1.tif"), kind="tiff"))
    for tag in range(2, 9):
        image, dpi = render_image(PageSource(page=1, file=str(folder / f"g4_orientation_{tag}.tif"), kind="tiff"))
        assert image.shape == reference.shape and dpi == 96
        assert np.mean(image != reference) < 0.01, tag


def test_workers_exit_when_the_reading_process_is_killed(tmp_path: Path) -> None:
    import signal
    import time

    import psutil

    from tests.pipeline.conftest import write_text_pdf

    pdf = write_text_pdf(tmp_path / "a.pdf", pages=2)
    script = (
        "import os, signal, psutil\n"
        "from pipeline.load import load_packet\n"
        "from pipeline.read import ReadOptions, read_pages\n"
        f"pages = list(read_pages(load_packet({str(pdf)!r}), ReadOptions(workers=2)))\n"
        "kids = [(c.pid, c.ppid()) for c in psutil.Process().children(recursive=True)]\n"
        "print(len(pages), kids, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    count, kids = proc.stdout.readline().split(" ", 1)
    proc.wait(timeout=30)
    assert count == "2" and proc.returncode == -signal.SIGKILL
    pairs = eval(kids)  # [(pid, parent pid)], printed by the child above
    forkservers = {ppid for _, ppid in pairs if ppid != proc.pid}
    workers = [pid for pid, ppid in pairs if ppid in forkservers]
    assert len(workers) == 2

    def alive(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.time() + 20
    while time.time() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.5)
    assert not any(alive(pid) for pid in workers), "reader workers outlived their killed parent"
