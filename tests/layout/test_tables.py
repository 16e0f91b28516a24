"""A ruled table read through pdfplumber (text-layer PDF page) and through the image (scan)."""

from __future__ import annotations

import pymupdf

from pipeline.layout import LayoutOptions, annotate
from tests.layout.forms import as_scan, pdf_form

ROWS = [
    ["Code", "Description", "Units"],
    ["99213", "Office visit", "1"],
    ["80053", "Metabolic panel", "2"],
    ["J1745", "Infliximab 10 mg", "30"],
]
COLUMNS = [72, 150, 330, 400]
TOP, ROW_HEIGHT = 200, 22


def _draw_table(page: pymupdf.Page) -> None:
    page.insert_text((72, 180), "Services requested", fontsize=11)
    bottom = TOP + ROW_HEIGHT * len(ROWS)
    for r in range(len(ROWS) + 1):
        page.draw_line((COLUMNS[0], TOP + r * ROW_HEIGHT), (COLUMNS[-1], TOP + r * ROW_HEIGHT), color=(0, 0, 0), width=0.8)
    for x in COLUMNS:
        page.draw_line((x, TOP), (x, bottom), color=(0, 0, 0), width=0.8)
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            page.insert_text((COLUMNS[c] + 4, TOP + r * ROW_HEIGHT + 15), text, fontsize=10)
    page.insert_text((72, bottom + 40), "Please call with questions.", fontsize=10)


def _check(table) -> None:
    assert table.rows == ROWS
    x0, y0, x1, y1 = table.bbox
    assert abs(x0 - 72) < 3 and abs(y0 - TOP) < 3 and abs(x1 - 400) < 3 and abs(y1 - (TOP + 88)) < 3


def test_ruled_table_on_a_text_layer_pdf_page(tmp_path):
    page, image, source = pdf_form(tmp_path / "table.pdf", _draw_table)
    for options in (LayoutOptions(), LayoutOptions(pdf_tables=True)):  # image grid, then pdfplumber
        tables = annotate(page, image, source, options).tables
        assert len(tables) == 1
        _check(tables[0])


def test_ruled_table_on_an_image_page(tmp_path):
    page, image, _ = pdf_form(tmp_path / "table.pdf", _draw_table)
    scan = page.model_copy(update={"method": "ocr"})
    tables = annotate(scan, image, as_scan(scan, tmp_path / "table.png"), LayoutOptions(pdf_tables=True)).tables
    assert len(tables) == 1
    _check(tables[0])


def test_no_table_without_rules(tmp_path):
    def draw(page: pymupdf.Page) -> None:
        for r, row in enumerate(ROWS):
            for c, text in enumerate(row):
                page.insert_text((COLUMNS[c] + 4, TOP + r * ROW_HEIGHT + 15), text, fontsize=10)
        page.draw_line((72, 150), (400, 150), color=(0, 0, 0), width=0.8)

    page, image, source = pdf_form(tmp_path / "plain.pdf", draw)
    assert annotate(page, image, source).tables == []
