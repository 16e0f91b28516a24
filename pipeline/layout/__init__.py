"""Layout analysis: key-value pairs, checkboxes, ruled tables and signature marks.

``annotate`` is called once per page by the reader, in its worker process, with the page image.
It returns a new page; the one passed in is never changed.
"""

from __future__ import annotations

import logging

import numpy as np

from pipeline.model import Page, PageSource
from pipeline.layout.checkboxes import find_checkboxes
from pipeline.layout.keyvalues import find_key_values
from pipeline.layout.options import LayoutOptions
from pipeline.layout.raster import find_cells, group_cells, make_raster
from pipeline.layout.signatures import find_signatures
from pipeline.layout.tables import tables_from_cells, tables_from_pdf

__all__ = ["LayoutOptions", "annotate"]

log = logging.getLogger(__name__)


def annotate(page: Page, image: np.ndarray, source: PageSource, options: LayoutOptions = LayoutOptions()) -> Page:
    """Return a copy of ``page`` with key_values, checkboxes, tables and signatures filled in.

    ``image`` is the page as a grayscale uint8 array with square pixels; one pixel is
    ``page.width / image.shape[1]`` points.
    """
    if image is None or image.size == 0 or page.width <= 0:
        return page
    raster = make_raster(page, image, options.default_em_pt)
    words = [w for w in page.words if w.text.strip()]
    cells = find_cells(raster, options.min_line_em) if (options.tables or options.key_values) else []
    groups = group_cells(cells)
    update: dict = {}
    if options.tables:
        tables = None
        has_grid = any(len(g) >= 4 for g in groups)
        if has_grid and options.pdf_tables and source.kind == "pdf" and page.method == "text_layer":
            tables = tables_from_pdf(page, source)
        if not tables:
            tables = tables_from_cells(groups, raster, words)
        update["tables"] = tables
    if options.key_values:
        cell_boxes = [raster.to_pt(c.box) for c in cells]
        update["key_values"] = find_key_values(words, cell_boxes, raster.em_pt, options)
    if options.checkboxes:
        update["checkboxes"] = find_checkboxes(words, raster, options)
    if options.signatures:
        boxes = [c.bbox for c in update.get("checkboxes", [])]
        update["signatures"] = find_signatures(words, boxes, raster, page.width, options,
                                               text_layer=page.method == "text_layer")
    log.debug(
        "layout page %s: %d key-values, %d checkboxes, %d tables, %d signatures",
        page.page,
        len(update.get("key_values", [])),
        len(update.get("checkboxes", [])),
        len(update.get("tables", [])),
        len(update.get("signatures", [])),
    )
    return page.model_copy(update=update)
