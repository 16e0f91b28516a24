"""Signature marks: ink strokes near a "Signature" label, and electronic signature statements."""

from __future__ import annotations

import re

import cv2
import numpy as np

from pipeline.geometry import union
from pipeline.model import BBox, SignatureMark, Word
from pipeline.layout.options import LayoutOptions
from pipeline.layout.raster import Raster, rule_masks
from pipeline.layout.text import rows_of

ELECTRONIC = re.compile(
    r"(electronically|digitally|e-?)\s*signed\b|signed\s+(electronically|digitally)|\bverified\s+e-?signature\b"
    r"|(^|\s)/s/\s*\S|\bsignature\s+on\s+file\b",
    re.I,
)
SIGN_LABEL = re.compile(r"^(signature|signed|sign|signatures)\b", re.I)


def _label_words(words: list[Word]) -> list[Word]:
    return [w for w in words if SIGN_LABEL.match(re.sub(r"^[^A-Za-z]+", "", w.text))]


def electronic_marks(words: list[Word]) -> list[SignatureMark]:
    """Lines such as "Electronically signed by Ann Lee, MD on 03/14/2024" or "/s/ Ann Lee"."""
    marks: list[SignatureMark] = []
    for row in rows_of(words):
        text = " ".join(w.text for w in row)
        match = ELECTRONIC.search(text)
        if not match:
            continue
        # Keep the statement from where it starts, on its row.
        start_char = match.start() + (1 if text[match.start()].isspace() else 0)
        chars = 0
        kept: list[Word] = []
        for w in row:
            if chars + len(w.text) > start_char:
                kept.append(w)
            chars += len(w.text) + 1
        kept = kept or row
        marks.append(SignatureMark(bbox=union([w.bbox for w in kept]), kind="electronic", text=" ".join(w.text for w in kept)))
    return marks


def _search_areas(label: Word, raster: Raster, width_pt: float) -> list[BBox]:
    """Where a signature for this label would be: right of it on its line, or just above it."""
    x0, y0, x1, y1 = label.bbox
    h = max(y1 - y0, raster.em_pt)
    right = (x1 + 0.3 * h, y0 - 2.5 * h, min(width_pt, x1 + 26 * h), y1 + 0.6 * h)
    # Above: the signature line is often one to three lines above the label (a printed name and
    # a date in between), the signature itself above that line.
    above = (max(0.0, x0 - 2 * h), y0 - 7.0 * h, min(width_pt, x0 + 24 * h), y0 - 0.1 * h)
    return [right, above]


def _strokes(area: BBox, raster: Raster, words: list[Word], label_h_px: float, options: LayoutOptions) -> list[BBox]:
    """Curvy ink components inside ``area`` that do not look like printed text or rules."""
    ax0, ay0, ax1, ay1 = raster.to_px(area)
    if ax1 - ax0 < 4 or ay1 - ay0 < 4:
        return []
    horizontal, vertical = rule_masks(raster, options.min_line_em)
    ink = raster.ink[ay0:ay1, ax0:ax1].copy()
    rules = cv2.dilate(horizontal[ay0:ay1, ax0:ax1] | vertical[ay0:ay1, ax0:ax1], np.ones((3, 3), np.uint8))
    ink[rules > 0] = 0
    # Printed words read with good confidence are text, not ink strokes.
    for w in words:
        if w.confidence >= 0.8 and sum(c.isalpha() for c in w.text) >= 3:
            wx0, wy0, wx1, wy1 = raster.to_px(w.bbox)
            ink[max(0, wy0 - ay0) : max(0, wy1 - ay0), max(0, wx0 - ax0) : max(0, wx1 - ax0)] = 0
    # Thin pen strokes break up into pieces: join pieces closer than a third of a text line.
    gap = max(3, int(round(label_h_px / 3)) | 1)
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (gap, gap)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found: list[BBox] = []
    for x, y, w, h, _area in stats[1:].tolist():
        if w < 0.6 * label_h_px or h < 0.5 * label_h_px:
            continue
        density = np.count_nonzero(ink[y : y + h, x : x + w]) / float(w * h)
        tall = h >= 1.15 * label_h_px
        long_stroke = w >= 3.0 * label_h_px and h >= 0.8 * label_h_px and density <= 0.18
        if 0.01 <= density <= 0.4 and (tall or long_stroke):
            found.append(raster.to_pt((x + ax0, y + ay0, x + ax0 + w, y + ay0 + h)))
    return found


def ink_marks(words: list[Word], raster: Raster, width_pt: float, options: LayoutOptions) -> list[SignatureMark]:
    marks: list[SignatureMark] = []
    for label in _label_words(words):
        label_h_px = raster.px(label.bbox[3] - label.bbox[1])
        for area in _search_areas(label, raster, width_pt):
            strokes = _strokes(area, raster, words, max(label_h_px, 0.8 * raster.em_px), options)
            if strokes:
                box = union(strokes)
                if not any(_overlaps(box, m.bbox) for m in marks):
                    marks.append(SignatureMark(bbox=box, kind="ink", text=""))
                break
    return marks


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def find_signatures(words: list[Word], raster: Raster, width_pt: float, options: LayoutOptions) -> list[SignatureMark]:
    return electronic_marks(words) + ink_marks(words, raster, width_pt, options)
