"""The page image as the layout stage sees it: ink mask, scale, ruled lines and boxed cells.

Pixel boxes become points only through ``pipeline.geometry``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

import cv2
import numpy as np

from pipeline.geometry import POINTS_PER_INCH, pt_to_px, px_to_pt
from pipeline.model import BBox, Page

PxBox = tuple[int, int, int, int]


@dataclass
class Raster:
    """A page's ink (255 = ink) at a working resolution, its scale (dpi) and its text size."""

    ink: np.ndarray
    dpi: float
    em_pt: float
    faint: np.ndarray | None = field(default=None, repr=False)
    """Ink at a looser threshold (pale pen strokes too); only used together with ``ink``."""
    _rules: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def em_px(self) -> float:
        return self.em_pt * self.dpi / POINTS_PER_INCH

    def px(self, points: float) -> float:
        """A length in points as pixels."""
        return points * self.dpi / POINTS_PER_INCH

    @property
    def height(self) -> int:
        return int(self.ink.shape[0])

    @property
    def width(self) -> int:
        return int(self.ink.shape[1])

    def to_pt(self, box: PxBox | tuple[float, float, float, float]) -> BBox:
        return px_to_pt(box, self.dpi)

    def to_px(self, box: BBox) -> PxBox:
        """A point box as pixels, clipped to the image."""
        x0, y0, x1, y1 = pt_to_px(box, self.dpi)
        return (
            max(0, min(self.width, x0)),
            max(0, min(self.height, y0)),
            max(0, min(self.width, x1)),
            max(0, min(self.height, y1)),
        )


def text_height_pt(page: Page, default: float) -> float:
    """Median height of the page's words in points (the layout stage's unit, "em")."""
    heights = [w.bbox[3] - w.bbox[1] for w in page.words if w.bbox[3] > w.bbox[1] and w.text.strip()]
    return float(median(heights)) if heights else default


def make_raster(page: Page, image: np.ndarray, default_em_pt: float, work_em_px: float = 16.0) -> Raster:
    """The page's ink at a working resolution where the text is about ``work_em_px`` pixels tall.

    Layout needs no more detail than that, and a 300 dpi scan shrunk to it is several times
    quicker to analyse. Thin rules survive the shrinking: a pixel is ink when any of the area it
    stands for was (nearly a max-pool).
    """
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY)
    gray = image
    if gray.dtype != np.uint8:
        gray = np.clip(gray, 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # A nearly blank page makes Otsu pick a threshold inside the paper noise: cap it.
    threshold = min(float(otsu), 190.0)
    _, ink = cv2.threshold(gray, threshold, 255, cv2.THRESH_BINARY_INV)
    _, faint = cv2.threshold(gray, _faint_threshold(gray, threshold), 255, cv2.THRESH_BINARY_INV)
    dpi = POINTS_PER_INCH * gray.shape[1] / page.width if page.width > 0 else POINTS_PER_INCH
    em_pt = text_height_pt(page, default_em_pt)
    em_px = em_pt * dpi / POINTS_PER_INCH
    factor = int(em_px / work_em_px + 0.5)  # whole factors take OpenCV's fast path
    if factor >= 2:
        ink, faint = _shrink(ink, factor), _shrink(faint, factor)
        dpi = dpi / factor
    return Raster(ink=ink, dpi=dpi, em_pt=em_pt, faint=faint)


def _shrink(mask: np.ndarray, factor: int) -> np.ndarray:
    """A mask ``factor`` times smaller, where a pixel is ink when any of the area it stands for was."""
    h, w = (mask.shape[0] // factor) * factor, (mask.shape[1] // factor) * factor
    small = cv2.resize(mask[:h, :w], (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    return cv2.threshold(small, 9, 255, cv2.THRESH_BINARY)[1]


def _faint_threshold(gray: np.ndarray, threshold: float) -> float:
    """A threshold a quarter of the way from the paper to the ink: it keeps the pale middle of a
    thin pen stroke that a scanner or fax greyed out (the page threshold breaks such a stroke into
    specks). Never stricter than ``threshold``; on a page with too little contrast, ``threshold``."""
    sample = gray[::4, ::4]
    paper = float(np.median(sample))
    dark = sample[sample <= threshold]
    if dark.size == 0 or paper - float(np.median(dark)) < 60:
        return threshold
    return max(threshold, paper - 0.25 * (paper - float(np.median(dark))))


def rule_masks(raster: Raster, min_line_em: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruled lines (255 = line) at least ``min_line_em`` long."""
    if raster._rules is not None:
        return raster._rules
    length = max(8, int(round(min_line_em * raster.em_px)))
    ink = raster.ink
    # Scanned rules break up: bridge one- or two-pixel gaps along the line direction first.
    h_closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1)))
    v_closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3)))
    h_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    v_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
    horizontal = cv2.morphologyEx(h_closed, cv2.MORPH_OPEN, h_kernel)
    vertical = cv2.morphologyEx(v_closed, cv2.MORPH_OPEN, v_kernel)
    # A rule is thin; a line of text merged into a bar is not. Drop what is thicker than
    # ~0.25 em across the rule's direction, keep what is still a long run after that, then give
    # back the rule's own thickness from what the first opening found.
    k = max(3, int(round(0.25 * raster.em_px)))
    across_h, across_v = (cv2.getStructuringElement(cv2.MORPH_RECT, size) for size in ((1, k), (k, 1)))
    thin_h = horizontal & ~cv2.morphologyEx(horizontal, cv2.MORPH_OPEN, across_h)
    thin_v = vertical & ~cv2.morphologyEx(vertical, cv2.MORPH_OPEN, across_v)
    thin_h = cv2.morphologyEx(thin_h, cv2.MORPH_OPEN, h_kernel)
    thin_v = cv2.morphologyEx(thin_v, cv2.MORPH_OPEN, v_kernel)
    horizontal = cv2.dilate(thin_h, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 2 * k + 1))) & horizontal
    vertical = cv2.dilate(thin_v, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * k + 1, 3))) & vertical
    raster._rules = (horizontal, vertical)
    return raster._rules


@dataclass(frozen=True)
class Cell:
    """A region of the page enclosed by ruled lines, in pixels."""

    box: PxBox

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


def find_cells(raster: Raster, min_line_em: float) -> list[Cell]:
    """Boxes enclosed on all four sides by ruled lines (table cells, boxed form fields)."""
    horizontal, vertical = rule_masks(raster, min_line_em)
    if not horizontal.any() or not vertical.any():
        return []
    grid = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(255 - grid, connectivity=4)
    em = raster.em_px
    page_area = raster.width * raster.height
    cells: list[Cell] = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if x <= 0 or y <= 0 or x + w >= raster.width or y + h >= raster.height:
            continue
        if w < 1.2 * em or h < 0.9 * em or h > 15 * em or w * h > 0.3 * page_area:
            continue
        if area < 0.75 * w * h:
            continue
        # The dilation shrank the hole: give the two pixels back.
        cells.append(Cell((max(0, x - 2), max(0, y - 2), min(raster.width, x + w + 2), min(raster.height, y + h + 2))))
    return cells


def group_cells(cells: list[Cell], touch_px: int = 6) -> list[list[Cell]]:
    """Cells that share rules (touch each other) grouped together: one group per grid."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(cells):
        for j in range(i + 1, len(cells)):
            b = cells[j].box
            if (
                a.box[0] - touch_px <= b[2]
                and b[0] <= a.box[2] + touch_px
                and a.box[1] - touch_px <= b[3]
                and b[1] <= a.box[3] + touch_px
            ):
                parent[find(i)] = find(j)
    groups: dict[int, list[Cell]] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(find(i), []).append(cell)
    return list(groups.values())
