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
# Long words OCR may misread by a letter or two on a fax or scan ("Sincorely", "Slgnature").
FUZZY_CLOSINGS = ("sincerely", "respectfully", "cordially")
FUZZY_LABELS = ("signature", "signatures")
# A phrase this long is a sentence: "signed" inside it is prose, not a signature line's label.
PROSE_WORDS = 6


def edits(a: str, b: str) -> int:
    """Levenshtein distance between two short strings."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _letters(text: str) -> str:
    """The first run of letters of a word, lower case ("(Signature):" -> "signature")."""
    match = re.search(r"[A-Za-z]+", text)
    return match.group(0).lower() if match else ""


def _near(text: str, targets: tuple[str, ...], max_edits: int) -> bool:
    return any(abs(len(text) - len(t)) <= max_edits and edits(text, t) <= max_edits for t in targets)


def _is_label(word: Word) -> bool:
    if SIGN_LABEL.match(re.sub(r"^[^A-Za-z]+", "", word.text)):
        return True
    letters = _letters(word.text)
    return len(letters) >= 8 and _near(letters, FUZZY_LABELS, 1)


def _label_words(words: list[Word], em: float = 10.0) -> list[Word]:
    """Words labelling a signature line; the word "signed" inside a sentence is not one."""
    labels: list[Word] = []
    for row in rows_of(words):
        for phrase in phrases_of(row, 1.4 * em):
            for k, word in enumerate(phrase.words):
                if not _is_label(word):
                    continue
                inside = 0 < k < len(phrase.words) - 1
                if inside and len(phrase.words) > PROSE_WORDS and not word.text.rstrip().endswith((":", "-")):
                    continue
                labels.append(word)
    return labels


def _adverb(token: str) -> bool:
    """"electronically" / "digitally", also as OCR misreads them on a fax ("Klectrontcally")."""
    if len(token) < 7:
        return False
    return _near(token, ("electronically", "digitally"), 3) or edits(token[-10:], "tronically") <= 2


def _signed(token: str) -> bool:
    return token in ("signed", "esigned") or (len(token) == 6 and edits(token, "signed") <= 1 and token != "singed")


def _fuzzy_statement(row: list[Word]) -> int | None:
    """Index of the word where an OCR-garbled electronic signature statement starts, if any:
    "<adverb> signed", "signed <adverb>", "signature on file"."""
    tokens = [_letters(w.text) for w in row]
    for k in range(len(tokens) - 1):
        a, b = tokens[k], tokens[k + 1]
        if (_adverb(a) and (_signed(b) or (len(b) == 6 and b.endswith("gned")))) or (_signed(a) and _adverb(b)):
            return k
        if k + 2 < len(tokens) and len(a) >= 8 and _near(a, ("signature",), 2) and _near(b, ("on",), 1) \
                and _near(tokens[k + 2], ("file",), 1):
            return k
    return None


def electronic_marks(words: list[Word], em: float) -> list[SignatureMark]:
    """Statements such as "Electronically signed by Ann Lee, MD on 03/14/2024" or "/s/ Ann Lee"."""
    marks: list[SignatureMark] = []
    phrases = [p.words for row in rows_of(words) for p in phrases_of(row, 2.5 * em)]
    for row in phrases:
        text = " ".join(w.text for w in row)
        match = ELECTRONIC.search(text)
        if match:
            # Keep the statement from where it starts, on its row.
            start_char = match.start() + (1 if text[match.start()].isspace() else 0)
            chars = 0
            kept: list[Word] = []
            for w in row:
                if chars + len(w.text) > start_char:
                    kept.append(w)
                chars += len(w.text) + 1
        else:
            start = _fuzzy_statement(row)
            if start is None:
                continue
            kept = row[start:]
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


def _search_areas(label: Word, words: list[Word], raster: Raster, width_pt: float, min_line_em: float) -> list[BBox]:
    """Where a signature for this label would be: right of it on its line, or above it."""
    x0, y0, x1 = label.bbox[0], label.bbox[1], label.bbox[2]
    y1 = y0 + _text_height(label, raster.em_pt)
    h = max(y1 - y0, raster.em_pt)
    right = (x1 + 0.3 * h, y0 - 2.5 * h, min(width_pt, x1 + 26 * h), y1 + 0.6 * h)
    # Above: the signature line is often one to three lines above the label (a printed name and
    # a date in between), the signature itself above that line.
    start = _phrase_start(label, words)
    above = (max(0.0, start - 2 * h), y0 - max(7.0 * h, 72.0), min(width_pt, start + max(24 * h, 250.0)), y0 - 0.1 * h)
    return [right, _below_second_rule(above, raster, min_line_em)]


def _below_second_rule(area: BBox, raster: Raster, min_line_em: float) -> BBox:
    """``area`` cut at the second horizontal rule above its bottom edge.

    The first rule above a label is its signature line (or its cell's top border); what lies
    beyond the next one belongs to another field or table row of the form, never to this label.
    """
    ax0, ay0, ax1, ay1 = raster.to_px(area)
    if ax1 - ax0 < 4 or ay1 - ay0 < 4:
        return area
    horizontal, _ = rule_masks(raster, min_line_em)
    covered = np.count_nonzero(horizontal[ay0:ay1, ax0:ax1], axis=1)
    is_rule = covered >= min(0.3 * (ax1 - ax0), 8 * raster.em_px)
    rules: list[tuple[int, int]] = []  # (row, length) of each rule, bottom to top
    for y in range(ay1 - ay0 - 1, -1, -1):
        if is_rule[y] and (not rules or rules[-1][0] - y > max(2.0, 0.5 * raster.em_px)):
            rules.append((y, int(covered[y])))
        elif is_rule[y]:
            rules[-1] = (y, max(rules[-1][1], int(covered[y])))  # the same (thick) rule, going up
    if len(rules) < 2:
        return area
    # The signature line is the lowest of the longest rules; a shorter rule above it is a flourish
    # under the signature (or a shorter rule below it, a text underline), not a border.
    longest = max(length for _, length in rules)
    line = next(k for k, (_, length) in enumerate(rules) if length >= 0.8 * longest)
    borders = [y for y, length in rules[line + 1 :] if length >= 0.8 * rules[line][1]]
    if not borders:
        return area
    top = raster.to_pt((0, ay0 + borders[0] + 1, 0, ay0 + borders[0] + 1))[1]
    return (area[0], max(area[1], top), area[2], area[3])


def _with_pale_ink(strong: np.ndarray, faint: np.ndarray | None) -> np.ndarray:
    """Hysteresis: the pale pixels connected to firm ink join it, so a thin scanned pen stroke
    stays one stroke; pale marks with no firm ink (paper noise, drop-out form colour) stay out.
    Always a new array: the caller erases rules and words from it."""
    if faint is None or faint.shape != strong.shape:
        return strong.copy()
    count, labels = cv2.connectedComponents(faint | strong, connectivity=8)
    if count <= 1:
        return strong.copy()
    keep = np.zeros(count, bool)
    keep[np.unique(labels[strong > 0])] = True
    keep[0] = False
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _strokes(
    area: BBox, raster: Raster, words: list[Word], boxes: list[BBox], label_h_px: float, options: LayoutOptions,
    text_layer: bool = False,
) -> list[BBox]:
    """Curvy ink components inside ``area`` that do not look like printed text or rules.

    On a text-layer page every printed glyph is a known word, so ink left over after masking the
    words is drawn: there a smaller, flatter pen stroke is accepted than on a scan, where printed
    text OCR could not read would otherwise pass for a signature.
    """
    ax0, ay0, ax1, ay1 = raster.to_px(area)
    if ax1 - ax0 < 4 or ay1 - ay0 < 4:
        return []
    horizontal, vertical = rule_masks(raster, options.min_line_em)
    faint = raster.faint[ay0:ay1, ax0:ax1] if raster.faint is not None else None
    ink = _with_pale_ink(raster.ink[ay0:ay1, ax0:ax1], faint)
    rules = cv2.dilate(horizontal[ay0:ay1, ax0:ax1] | vertical[ay0:ay1, ax0:ax1], np.ones((3, 3), np.uint8))
    ink[rules > 0] = 0
    # Printed words read with some confidence are text, and checkboxes are boxes: not ink strokes.
    printed = [
        w.bbox for w in words
        if _overlaps(w.bbox, area)
        and (text_layer or (w.confidence >= 0.6 and sum(c.isalnum() for c in w.text) >= 2))
    ]
    for box in printed + [b for b in boxes if _overlaps(b, area)]:
        wx0, wy0, wx1, wy1 = raster.to_px(box)
        ink[max(0, wy0 - ay0 - 1) : max(0, wy1 - ay0 + 1), max(0, wx0 - ax0 - 1) : max(0, wx1 - ax0 + 1)] = 0
    ink[_frames(raster, (ax0, ay0, ax1, ay1))] = 0
    # Thin pen strokes break up into pieces: join pieces closer than a third of a text line.
    found = _signature_like(ink, max(3, int(round(label_h_px / 6)) | 1), label_h_px, text_layer)
    return [raster.to_pt((x + ax0, y + ay0, x + ax0 + w, y + ay0 + h)) for x, y, w, h in found]


def _frames(raster: Raster, box: tuple[int, int, int, int]) -> np.ndarray:
    """Where, inside pixel ``box``, small closed rectangles lie, with what they hold: checkboxes the
    checkbox finder did not take (too large for it, or read at a low dpi) and their tick or cross.
    Rectangles are looked for a little beyond ``box`` so that one it cuts through is still closed.
    A pen stroke's outline never fills its bounding box the way a rectangle's does."""
    ax0, ay0, ax1, ay1 = box
    pad = int(round(4 * raster.em_px))
    x0, y0 = max(0, ax0 - pad), max(0, ay0 - pad)
    x1, y1 = min(raster.width, ax1 + pad), min(raster.height, ay1 + pad)
    found = np.zeros((y1 - y0, x1 - x0), bool)
    contours, _ = cv2.findContours(raster.ink[y0:y1, x0:x1].copy(), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    em = raster.em_px
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if not (0.4 * em <= w <= 4 * em and 0.4 * em <= h <= 4 * em and 0.5 <= w / h <= 2):
            continue
        if cv2.contourArea(contour) >= 0.85 * (w - 1) * (h - 1):
            found[y : y + h, x : x + w] = True
    return found[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0]


def _signature_like(ink: np.ndarray, gap: int, label_h_px: float, text_layer: bool) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (x, y, w, h) of the groups of ``ink`` pieces closer than ``gap`` that look written."""
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (gap, gap)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found: list[tuple[int, int, int, int]] = []
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
        if h > 2.2 * w:
            continue  # a narrow column: a document number printed sideways in the margin, a bracket
        tall = h >= 1.15 * label_h_px
        long_stroke = w >= 3.0 * label_h_px and h >= 0.8 * label_h_px and density <= 0.18
        drawn = text_layer and w >= 2.5 * label_h_px and h >= 0.6 * label_h_px
        if 0.01 <= density <= 0.4 and (tall or long_stroke or drawn):
            found.append((x, y, w, h))
    return found


def _closings(words: list[Word]) -> list[Word]:
    """Closing words that start their row ("Sincerely,", or "Sincorely." as a fax reads it)."""
    out = []
    for row in rows_of(words):
        if not row or len(row) > 3:
            continue
        if CLOSING.match(" ".join(w.text for w in row)) or _near(_letters(row[0].text), FUZZY_CLOSINGS, 2):
            out.append(row[0])
    return out


def _text_height(word: Word, em_pt: float) -> float:
    """A word's height, but no more than 1.5 em: OCR sometimes stretches a word's box over the
    pen strokes written under it ("Sincerely," reaching down into the signature)."""
    return min(word.bbox[3] - word.bbox[1], 1.5 * em_pt)


def _below_area(closing: Word, raster: Raster, width_pt: float) -> BBox:
    x0, y0 = closing.bbox[0], closing.bbox[1]
    y1 = y0 + _text_height(closing, raster.em_pt)
    h = max(y1 - y0, raster.em_pt)
    return (max(0.0, x0 - 2 * h), y1 + 0.1 * h, min(width_pt, x0 + max(24 * h, 250.0)), y1 + max(7.0 * h, 72.0))


def ink_marks(
    words: list[Word], boxes: list[BBox], raster: Raster, width_pt: float, options: LayoutOptions,
    text_layer: bool = False,
) -> list[SignatureMark]:
    """Pen strokes near signature labels; ``boxes`` are the page's checkboxes (never a signature)."""
    marks: list[SignatureMark] = []
    labels = _label_words(words, raster.em_pt)
    anchors = [(label, _search_areas(label, words, raster, width_pt, options.min_line_em)) for label in labels]
    anchors += [(closing, [_below_area(closing, raster, width_pt)]) for closing in _closings(words)]
    for label, areas in anchors:
        # Strokes are measured against the label's height, but never against less than 9 points:
        # tiny form labels ("SIGNED") must not make every nearby letter or box look like a signature.
        reference_px = max(raster.px(_text_height(label, raster.em_pt)), 0.8 * raster.em_px, raster.px(9.0))
        for area in areas:
            strokes = _strokes(area, raster, words, boxes, reference_px, options, text_layer)
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
    words: list[Word], boxes: list[BBox], raster: Raster, width_pt: float, options: LayoutOptions,
    text_layer: bool = False,
) -> list[SignatureMark]:
    """Electronic signature statements and ink strokes; ``text_layer``: the words come from the
    PDF's own text, so every printed glyph is known."""
    return electronic_marks(words, raster.em_pt) + ink_marks(words, boxes, raster, width_pt, options, text_layer)
