"""Ruled tables: a grid of cells enclosed by lines, each cell's text taken from the page's words.

Text-layer PDF pages that show ruled lines are read with pdfplumber (its own table finder and
text); image pages, and PDF pages pdfplumber finds nothing on, use the ruled cells of the image.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.geometry import union
from pipeline.model import BBox, Page, PageSource, Table, Word
from pipeline.layout.raster import Cell, Raster
from pipeline.layout.text import rows_of

log = logging.getLogger(__name__)


def _cell_text(box: BBox, words: list[Word]) -> str:
    inside = [
        w
        for w in words
        if box[0] <= (w.bbox[0] + w.bbox[2]) / 2 <= box[2] and box[1] <= (w.bbox[1] + w.bbox[3]) / 2 <= box[3]
    ]
    return "\n".join(" ".join(w.text for w in row) for row in rows_of(inside))


def drop_empty_columns(rows: list[list[str]]) -> list[list[str]]:
    """Rows without the columns that are empty in every row (rules drawn for shading, not cells)."""
    width = max((len(r) for r in rows), default=0)
    keep = [c for c in range(width) if any(c < len(r) and r[c].strip() for r in rows)]
    return [[r[c] for c in keep if c < len(r)] for r in rows]


def _grid_rows(cells: list[BBox], tolerance: float) -> list[list[BBox]]:
    """Cells grouped by their top edge (a row), each row left to right."""
    rows: list[list[BBox]] = []
    for box in sorted(cells, key=lambda b: (b[1], b[0])):
        if rows and abs(rows[-1][0][1] - box[1]) <= tolerance:
            rows[-1].append(box)
        else:
            rows.append([box])
    for row in rows:
        row.sort(key=lambda b: b[0])
    return rows


def tables_from_cells(groups: list[list[Cell]], raster: Raster, words: list[Word]) -> list[Table]:
    """One table per group of touching cells that has at least two rows of two cells."""
    tables: list[Table] = []
    for group in groups:
        boxes = [raster.to_pt(c.box) for c in group]
        rows = _grid_rows(boxes, tolerance=0.4 * raster.em_pt)
        if sum(1 for row in rows if len(row) >= 2) < 2:
            continue
        tables.append(
            Table(bbox=union(boxes), rows=[[_cell_text(b, words) for b in row] for row in rows])
        )
    return sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))


def tables_from_pdf(page: Page, source: PageSource) -> list[Table] | None:
    """pdfplumber's ruled tables of a text-layer PDF page; None when the file cannot be read."""
    import pdfplumber

    path = Path(source.file)
    try:
        with pdfplumber.open(path) as pdf:
            if source.index >= len(pdf.pages):
                return None
            plumber_page = pdf.pages[source.index]
            x_off, y_off = plumber_page.bbox[0], plumber_page.bbox[1]
            # pdfplumber measures in points from the top-left of the page box, like the page model,
            # but a rotated page or one of another size than the reader's cannot be matched up.
            if abs(plumber_page.width - page.width) > 1 or abs(plumber_page.height - page.height) > 1:
                return None
            tables: list[Table] = []
            for found in plumber_page.find_tables():
                rows = found.extract()
                if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2:
                    continue
                x0, top, x1, bottom = found.bbox
                tables.append(
                    Table(
                        bbox=(
                            round(x0 - x_off, 2), round(top - y_off, 2), round(x1 - x_off, 2), round(bottom - y_off, 2)
                        ),
                        rows=drop_empty_columns([[(cell or "").strip() for cell in row] for row in rows]),
                    )
                )
            return tables
    except Exception as exc:  # a broken PDF here must not lose the page: fall back to the image
        log.warning("pdfplumber table read failed: %s on page %s", type(exc).__name__, source.page)
        return None
