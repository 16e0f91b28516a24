"""Signature marks: ink strokes near a "Signature" label, and electronic signature statements."""

from __future__ import annotations

import re

import cv2
import numpy as np

from pipeline.geometry import union
from pipeline.model import BBox, SignatureMark, Word
from pipeline.layout.options import LayoutOptions
from pipeline.layout.raster import Raster, rule_masks
from pipeline.layout.text import phrases_of, rows_of

ELECTRONIC = re.compile(
    r"\b(electronically|digitally|e-?)\s*signed\b|signed\s+(electronically|digitally)|\bverified\s+e-?signature\b"
    r"|(^|\s)/s/\s*\S|\bsignature\s+on\s+file\b",
    re.I,
)
SIGN_LABEL = re.compile(r"^(signature|signed|sign|signatures)\b", re.I)
# A letter's closing: the signature is written below it, above the printed name.
CLOSING = re.compile(r"^(sincerely|respectfully|regards|cordially|best\s+regards|yours\s+truly)\b.*,?$", re.I)


def _label_words(words: list[Word]) -> list[Word]:
    return [w for w in words if SIGN_LABEL.match(re.sub(r"^[^A-Za-z]+", "", w.text))]


def electronic_marks(words: list[Word], em: float) -> list[SignatureMark]:
    """Statements such as "Electronically signed by Ann Lee, MD on 03/14/2024" or "/s/ Ann Lee"."""
    marks: list[SignatureMark] = []
    phrases = [p.words for row in rows_of(words) for p in phrases_of(row, 2.5 * em)]
    for row in phrases:
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
        text = " ".join(w.text for w in kept)
        marks.append(SignatureMark(bbox=union([w.bbox for w in kept]), kind="electronic", text=text))
    return marks


def _phrase_start(label: Word, words: list[Word]) -> float:
    """Left edge of the phrase a label ends ("Requesting Provider Signature" starts at "Requesting")."""
    h = label.bbox[3] - label.bbox[1]
    x0 = label.bbox[0]
    row = sorted(
        (w for w in words if abs((w.bbox[1] + w.bbox[3]) / 2 - (label.bbox[1] + label.bbox[3]) / 2) < 0.5 * h),
        key=lambda w: -w.bbox[2],
    )
    for w in row:
        if w.bbox[2] <= x0 and x0 - w.bbox[2] < 1.2 * h:
            x0 = w.bbox[0]
    return x0


def _search_areas(label: Word, words: list[Word], raster: Raster, width_pt: float) -> list[BBox]:
    """Where a signature for this label would be: right of it on its line, or above it."""
    x0, y0, x1, y1 = label.bbox
    h = max(y1 - y0, raster.em_pt)
    right = (x1 + 0.3 * h, y0 - 2.5 * h, min(width_pt, x1 + 26 * h), y1 + 0.6 * h)
    # Above: the signature line is often one to three lines above the label (a printed name and
    # a date in between), the signature itself above that line.
    start = _phrase_start(label, words)
    above = (max(0.0, start - 2 * h), y0 - max(7.0 * h, 72.0), min(width_pt, start + max(24 * h, 250.0)), y0 - 0.1 * h)
    return [right, above]


def _strokes(
    area: BBox, raster: Raster, words: list[Word], boxes: list[BBox], label_h_px: float, options: LayoutOptions
) -> list[BBox]:
    """Curvy ink components inside ``area`` that do not look like printed text or rules."""
    ax0, ay0, ax1, ay1 = raster.to_px(area)
    if ax1 - ax0 < 4 or ay1 - ay0 < 4:
        return []
    horizontal, vertical = rule_masks(raster, options.min_line_em)
    ink = raster.ink[ay0:ay1, ax0:ax1].copy()
    rules = cv2.dilate(horizontal[ay0:ay1, ax0:ax1] | vertical[ay0:ay1, ax0:ax1], np.ones((3, 3), np.uint8))
    ink[rules > 0] = 0
    # Printed words read with some confidence are text, and checkboxes are boxes: not ink strokes.
    printed = [
        w.bbox for w in words
        if _overlaps(w.bbox, area) and w.confidence >= 0.6 and sum(c.isalnum() for c in w.text) >= 2
    ]
    for box in printed + [b for b in boxes if _overlaps(b, area)]:
        wx0, wy0, wx1, wy1 = raster.to_px(box)
        ink[max(0, wy0 - ay0 - 1) : max(0, wy1 - ay0 + 1), max(0, wx0 - ax0 - 1) : max(0, wx1 - ax0 + 1)] = 0
    # Thin pen strokes break up into pieces: join pieces closer than a third of a text line.
    gap = max(3, int(round(label_h_px / 6)) | 1)
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (gap, gap)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found: list[BBox] = []
    for x, y, w, h, _area in stats[1:].tolist():
        if w < 0.6 * label_h_px or h < 0.5 * label_h_px:
            continue
        patch = ink[y : y + h, x : x + w]
        ys, xs = np.nonzero(patch)
        if not len(ys):
            continue
        # The joining above widened the component: measure the ink's own box.
        x, y, w, h = x + int(xs.min()), y + int(ys.min()), int(xs.max() - xs.min()) + 1, int(ys.max() - ys.min()) + 1
        patch = ink[y : y + h, x : x + w]
        if w < 0.6 * label_h_px or h < 0.5 * label_h_px:
            continue
        density = np.count_nonzero(patch) / float(w * h)
        if _along_edges(patch) > 0.75:
            continue  # boxes, corners of cells: ink hugging its own bounding box is drawn, not written
        tall = h >= 1.15 * label_h_px
        long_stroke = w >= 3.0 * label_h_px and h >= 0.8 * label_h_px and density <= 0.18
        if 0.01 <= density <= 0.4 and (tall or long_stroke):
            found.append(raster.to_pt((x + ax0, y + ay0, x + ax0 + w, y + ay0 + h)))
    return found


def _closings(words: list[Word]) -> list[Word]:
    """Closing words that start their row ("Sincerely,")."""
    out = []
    for row in rows_of(words):
        if row and len(row) <= 3 and CLOSING.match(" ".join(w.text for w in row)):
            out.append(row[0])
    return out


def _below_area(closing: Word, raster: Raster, width_pt: float) -> BBox:
    x0, y0, x1, y1 = closing.bbox
    h = max(y1 - y0, raster.em_pt)
    return (max(0.0, x0 - 2 * h), y1 + 0.1 * h, min(width_pt, x0 + max(24 * h, 250.0)), y1 + max(7.0 * h, 72.0))


def ink_marks(
    words: list[Word], boxes: list[BBox], raster: Raster, width_pt: float, options: LayoutOptions
) -> list[SignatureMark]:
    """Pen strokes near signature labels; ``boxes`` are the page's checkboxes (never a signature)."""
    marks: list[SignatureMark] = []
    anchors = [(label, _search_areas(label, words, raster, width_pt)) for label in _label_words(words)]
    anchors += [(closing, [_below_area(closing, raster, width_pt)]) for closing in _closings(words)]
    for label, areas in anchors:
        # Strokes are measured against the label's height, but never against less than 9 points:
        # tiny form labels ("SIGNED") must not make every nearby letter or box look like a signature.
        reference_px = max(raster.px(label.bbox[3] - label.bbox[1]), 0.8 * raster.em_px, raster.px(9.0))
        for area in areas:
            strokes = _strokes(area, raster, words, boxes, reference_px, options)
            if strokes:
                box = union(strokes)
                if not any(_overlaps(box, m.bbox) for m in marks):
                    marks.append(SignatureMark(bbox=box, kind="ink", text=""))
                break
    return marks


def _along_edges(patch: np.ndarray) -> float:
    """Share of a component's ink lying on the border band of its bounding box."""
    h, w = patch.shape
    band = max(2, int(round(0.12 * min(h, w))))
    total = np.count_nonzero(patch)
    if not total:
        return 0.0
    inner = np.count_nonzero(patch[band : h - band, band : w - band]) if h > 2 * band and w > 2 * band else 0
    return (total - inner) / total


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def find_signatures(
    words: list[Word], boxes: list[BBox], raster: Raster, width_pt: float, options: LayoutOptions
) -> list[SignatureMark]:
    return electronic_marks(words, raster.em_pt) + ink_marks(words, boxes, raster, width_pt, options)
