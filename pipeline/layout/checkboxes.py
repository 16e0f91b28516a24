"""Checkboxes: small square outlines on the image (checked when inked inside) and box glyphs in text."""

from __future__ import annotations

import re

import cv2
import numpy as np

from pipeline.model import BBox, Checkbox, Word
from pipeline.layout.options import LayoutOptions
from pipeline.layout.raster import Raster

CHECKED_GLYPHS = {"☒", "☑", "■", "▣", "✔", "✓", "✗", "✘", "[x]", "[X]", "[✓]", "[✔]", "(x)", "(X)", "|x|", "|X|"}
UNCHECKED_GLYPHS = {"☐", "□", "❑", "❒", "[]", "[ ]", "( )"}
_BOX_READ_AS_TEXT = re.compile(r"^[\[\]|(){}<>O0DC]{1,2}(?=[A-Z])|^[\[\]|(){}<>]+")
_GLYPH_PREFIX = re.compile(r"^(\[[xX✓✔ ]?\]|[☒☑☐□■▣❑❒])(.*)$")


def _is_box(patch: np.ndarray) -> tuple[bool, float]:
    """Whether an ink patch (its bounding box) is a square outline, and its inner fill ratio.

    All four sides must be inked along nearly their whole length; letters fail on one side at
    least (the left side is tried first: it rules out most of them).
    """
    h, w = patch.shape
    t = max(1, int(round(min(h, w) * 0.18)))
    ink = patch > 0
    for strip, axis in ((ink[:, :t], 1), (ink[:t, :], 0), (ink[:, -t:], 1), (ink[-t:, :], 0)):
        if np.count_nonzero(strip.any(axis=axis)) < 0.9 * strip.shape[1 - axis]:
            return False, 0.0
    inner = ink[t + 1 : h - t - 1, t + 1 : w - t - 1]
    if inner.size == 0:
        return False, 0.0
    fill = float(np.count_nonzero(inner)) / inner.size
    if fill < 0.85 and _frame_thickness(ink) >= 0.13 * min(h, w) and _solid_core(inner):
        return False, fill  # a thick frame around a solid core: a QR-code finder, not a mark
    return True, fill


def _longest_run(line: np.ndarray) -> int:
    best = run = 0
    for value in line:
        run = run + 1 if value else 0
        best = max(best, run)
    return best


def _frame_thickness(ink: np.ndarray) -> int:
    """Thickness of a box's outline: the second thinnest edge run at the middle of its four sides
    (one side may carry a speck or a touching stroke)."""
    h, w = ink.shape
    mid_row, mid_col = ink[h // 2], ink[:, w // 2]
    runs = sorted(_longest_prefix(line) for line in (mid_row, mid_row[::-1], mid_col, mid_col[::-1]))
    return runs[1]


def _longest_prefix(line: np.ndarray) -> int:
    n = 0
    for value in line:
        if not value:
            break
        n += 1
    return n


def _solid_core(inner: np.ndarray) -> bool:
    """Whether rows across the middle of a box are each crossed by one long ink run (a block, not a tick)."""
    h, w = inner.shape
    rows = {int(h * 0.35), int(h * 0.5), min(h - 1, int(h * 0.65))}
    return all(_longest_run(inner[r]) >= 0.35 * w for r in rows)


def _crowded(ink: np.ndarray, x: int, y: int, w: int, h: int) -> bool:
    """Whether the ring around a box is densely inked (a QR code or a pattern, not a checkbox)."""
    m = max(2, w // 2)
    y0, y1, x0, x1 = max(0, y - m), min(ink.shape[0], y + h + m), max(0, x - m), min(ink.shape[1], x + w + m)
    around = np.count_nonzero(ink[y0:y1, x0:x1]) - np.count_nonzero(ink[y : y + h, x : x + w])
    ring = (y1 - y0) * (x1 - x0) - w * h
    return ring > 0 and around / ring > 0.3


def _overlap_share(a: BBox, b: BBox) -> float:
    """Share of ``a`` covered by ``b``."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    area = max(1e-6, (a[2] - a[0]) * (a[3] - a[1]))
    return ix * iy / area


def _label(box: BBox, words: list[Word], boxes: list[BBox], em: float) -> str:
    """Words right of the box on its row (or left of it when nothing is right), up to a wide gap."""
    cy = (box[1] + box[3]) / 2
    size = box[3] - box[1]
    row: list[Word] = []
    for w in words:
        if not w.bbox[1] - 0.3 * size <= cy <= w.bbox[3] + 0.3 * size:
            continue
        if _overlap_share(w.bbox, box) >= 0.3:
            # OCR often reads the box as part of the word after it ("[No", "OYes"): keep the rest.
            rest = _BOX_READ_AS_TEXT.sub("", w.text)
            if w.bbox[2] > box[2] + 0.5 * size and rest and rest != w.text:
                x0 = max(w.bbox[0], box[2])
                rest_box = (x0, w.bbox[1], max(x0 + 0.1, w.bbox[2]), w.bbox[3])
                row.append(Word(text=rest, bbox=rest_box, confidence=w.confidence))
            continue
        row.append(w)
    right = sorted((w for w in row if w.bbox[0] >= box[2] - 1), key=lambda w: w.bbox[0])
    picked: list[Word] = []
    edge = box[2]
    limit = max(3 * size, 1.5 * em)
    for w in right:
        if w.bbox[0] - edge > limit:
            break
        between = [b for b in boxes if b != box and b[0] >= edge - 1 and b[2] <= w.bbox[0] + 1]
        if any(abs((b[1] + b[3]) / 2 - cy) < size for b in between):
            break  # another checkbox sits in between
        if _is_glyph(w.text):
            break
        picked.append(w)
        edge = w.bbox[2]
        limit = 1.2 * em
    if not picked:
        left = sorted((w for w in row if w.bbox[2] <= box[0] + 1), key=lambda w: -w.bbox[2])
        if left and box[0] - left[0].bbox[2] <= max(2 * size, 1.2 * em) and not _is_glyph(left[0].text):
            picked = [left[0]]
    return " ".join(w.text for w in picked).strip(" :")


def _is_glyph(text: str) -> bool:
    return text in CHECKED_GLYPHS or text in UNCHECKED_GLYPHS or bool(_GLYPH_PREFIX.match(text) and len(text) <= 3)


def drawn_boxes(raster: Raster, options: LayoutOptions) -> list[tuple[BBox, bool]]:
    """Square outlines drawn on the page, each with whether it is checked."""
    em = raster.em_px
    # Sizes follow the text, within physical bounds (a page of tiny labels still has 11 pt boxes).
    lo = max(4, int(min(options.checkbox_min_em * em, raster.px(5.0))))
    hi = max(lo + 2, int(max(options.checkbox_max_em * em, raster.px(16.0))))
    _, _, stats, _ = cv2.connectedComponentsWithStats(raster.ink, connectivity=8)
    w_all, h_all = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    keep = (w_all >= lo) & (w_all <= hi) & (h_all >= lo) & (h_all <= hi)
    keep &= (w_all <= 1.33 * h_all) & (h_all <= 1.33 * w_all)
    found: list[tuple[BBox, bool]] = []
    for x, y, w, h, _area in stats[1:][keep].tolist():
        is_box, fill = _is_box(raster.ink[y : y + h, x : x + w])
        if not is_box or _crowded(raster.ink, x, y, w, h):
            continue
        if fill > 0.85:
            # A solid square: a filled box ("■") when it is not a blot bigger than text.
            if h > 1.3 * em:
                continue
        found.append((raster.to_pt((x, y, x + w, y + h)), fill >= options.checked_fill))
    return found


def _join_split_glyphs(words: list[Word]) -> list[Word]:
    """"[" and "]" (or "(" and ")") read as two words next to each other are one empty box "[ ]"."""
    out: list[Word] = []
    for w in words:
        if out and (out[-1].text, w.text) in {("[", "]"), ("(", ")")}:
            prev = out[-1]
            height = prev.bbox[3] - prev.bbox[1]
            if 0 <= w.bbox[0] - prev.bbox[2] < height and abs(w.bbox[1] - prev.bbox[1]) < 0.5 * height:
                box = (prev.bbox[0], min(prev.bbox[1], w.bbox[1]), w.bbox[2], max(prev.bbox[3], w.bbox[3]))
                out[-1] = Word(text=prev.text + " " + w.text, bbox=box, confidence=min(prev.confidence, w.confidence))
                continue
        out.append(w)
    return out


def glyph_boxes(words: list[Word]) -> list[tuple[BBox, bool, Word]]:
    """Checkbox glyphs written as text: "☒", "[X]", "☐", "[ ]"."""
    out: list[tuple[BBox, bool, Word]] = []
    for w in words:
        text = w.text.strip()
        if text in CHECKED_GLYPHS or text in UNCHECKED_GLYPHS:
            out.append((w.bbox, text in CHECKED_GLYPHS, w))
            continue
        m = _GLYPH_PREFIX.match(text)
        if m and m.group(2) and m.group(2)[0].isalpha():
            glyph = m.group(1)
            x0, y0, x1, y1 = w.bbox
            cut = x0 + (x1 - x0) * len(glyph) / len(text)
            out.append(((x0, y0, round(cut, 2), y1), glyph in CHECKED_GLYPHS, w))
    return out


def _is_letter(box: BBox, words: list[Word]) -> bool:
    """A drawn "box" that is a letter (a bold D or O) of a word read with confidence."""
    for w in words:
        text = w.text.rstrip(".,:;")
        if w.confidence < 0.85 or len(text) < 3 or not text.isalpha():
            continue
        if w.bbox[2] - w.bbox[0] >= 2 * (box[2] - box[0]) and _overlap_share(box, w.bbox) >= 0.5:
            return True
    return False


def find_checkboxes(words: list[Word], raster: Raster, options: LayoutOptions) -> list[Checkbox]:
    words = _join_split_glyphs(words)
    drawn = [(b, c) for b, c in drawn_boxes(raster, options) if not _is_letter(b, words)]
    glyphs = glyph_boxes(words)
    boxes: list[tuple[BBox, bool, str | None]] = [(b, c, None) for b, c in drawn]
    for b, checked, word in glyphs:
        if any(_overlap_share(b, d) > 0.3 or _overlap_share(d, b) > 0.3 for d, _ in drawn):
            continue
        rest = word.text[len(_GLYPH_PREFIX.match(word.text).group(1)) :] if _GLYPH_PREFIX.match(word.text) else ""
        boxes.append((b, checked, rest.strip() or None))
    all_boxes = [b for b, _, _ in boxes]
    em = raster.em_pt
    result = []
    for b, checked, inline_label in sorted(boxes, key=lambda t: (round(t[0][1] / max(em, 1)), t[0][0])):
        label = _label(b, words, all_boxes, em)
        if inline_label:
            label = (inline_label + " " + label).strip()
        result.append(Checkbox(bbox=b, checked=checked, label=label))
    return result
