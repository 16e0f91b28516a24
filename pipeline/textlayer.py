"""The text layer of a PDF page: words and lines in points, and whether it can be trusted.

A page's text layer is *usable* when it holds enough real, visible words and the page is not
largely pictures with a few words on top (a scan with a fax header stamped as text, a scan carrying
an invisible OCR layer of unknown quality, or card images under a one-line caption, whose text only
OCR reads). Unusable pages are OCR'd instead, so a
mixed PDF reads some pages from the text layer and others by OCR.
"""

from __future__ import annotations

import re

import pymupdf

from pydantic import Field as PydField

from pipeline.geometry import union
from pipeline.model import BBox, Line, Model, Word

_REAL_WORD = re.compile(r"[A-Za-z0-9]")


class TextLayerOptions(Model):
    """When a PDF text layer is trusted instead of OCR."""

    min_words: int = PydField(5, ge=0, description="Fewer real words than this: OCR the page")
    min_real_ratio: float = PydField(
        0.6, ge=0, le=1, description="Share of words with a letter or digit and no replacement characters"
    )
    min_visible_ratio: float = PydField(0.5, ge=0, le=1, description="Share of characters drawn visibly")
    image_cover_ratio: float = PydField(
        0.1, ge=0, le=1,
        description="A page whose images cover this share of its area is read by OCR (text in the images too) ...",
    )
    scan_min_words: int = PydField(
        60, ge=0, description="... and is OCR'd unless its text layer has at least this many real words"
    )


class TextLayer(Model):
    width: float
    height: float
    words: list[Word]
    lines: list[Line]
    usable: bool
    reason: str = PydField(description="Why the layer is (not) used; counts only, no text")


# Default word flags less ligature preservation, so "ﬃ" reads as "ffi" and "Office" matches.
_WORD_FLAGS = pymupdf.TEXTFLAGS_WORDS & ~pymupdf.TEXT_PRESERVE_LIGATURES


def _real(text: str) -> bool:
    return bool(_REAL_WORD.search(text)) and "\ufffd" not in text


def read_text_layer(page, options: TextLayerOptions = TextLayerOptions()) -> TextLayer:
    """Words and lines of an open ``pymupdf.Page``, in points on the displayed (rotated) page."""
    rect = page.rect
    a, b, c, d, e, f = tuple(page.rotation_matrix)  # unrotated -> displayed page (identity when not rotated)
    groups: dict[tuple[int, int], list[Word]] = {}
    for x0, y0, x1, y1, text, block, line, _ in page.get_text("words", sort=False, flags=_WORD_FLAGS):
        text = text.strip()
        if not text:
            continue
        if page.rotation:
            xs = (a * x0 + c * y0 + e, a * x1 + c * y1 + e)
            ys = (b * x0 + d * y0 + f, b * x1 + d * y1 + f)
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        bbox: BBox = (round(max(0.0, x0), 2), round(max(0.0, y0), 2),
                      round(min(rect.width, x1), 2), round(min(rect.height, y1), 2))
        groups.setdefault((block, line), []).append(Word(text=text, bbox=bbox, confidence=1.0))
    ordered = _reading_order(list(groups.values()))
    words = [w for ws in ordered for w in ws]
    lines = [Line(text=" ".join(w.text for w in ws), bbox=union([w.bbox for w in ws])) for ws in ordered]
    usable, reason = _judge(page, words, options)
    return TextLayer(width=round(rect.width, 2), height=round(rect.height, 2), words=words, lines=lines,
                     usable=usable, reason=reason)


def _reading_order(groups: list[list[Word]]) -> list[list[Word]]:
    """Top-to-bottom, then left-to-right, by each line's box (lines on one baseline stay together)."""
    def key(ws: list[Word]) -> tuple[float, float]:
        box = union([w.bbox for w in ws])
        return (round((box[1] + box[3]) / 2 / 4), box[0])  # 4-point bands absorb small baseline jitter

    return sorted(groups, key=key)


def _judge(page, words: list[Word], options: TextLayerOptions) -> tuple[bool, str]:
    real = sum(_real(w.text) for w in words)
    if real < options.min_words:
        return False, f"{real} real words < {options.min_words}"
    if real / len(words) < options.min_real_ratio:
        return False, f"{real}/{len(words)} real words"
    cover = _image_cover(page)
    if cover > 0:  # an invisible OCR layer only makes sense over a picture: check only then (it costs)
        visible, total = _visible_chars(page)
        if total and visible / total < options.min_visible_ratio:
            return False, f"{visible}/{total} characters visible"
    if cover >= options.image_cover_ratio and real < options.scan_min_words:
        return False, f"images cover {cover:.0%} of the page and only {real} words"
    return True, f"{real} real words"


def _visible_chars(page) -> tuple[int, int]:
    """(visible, all) characters: invisible text (render mode 3) or fully transparent text is not."""
    visible = total = 0
    for span in page.get_texttrace():
        count = len(span.get("chars", ()))
        total += count
        if span.get("type") != 3 and span.get("opacity", 1) > 0:
            visible += count
    return visible, total


def _image_cover(page) -> float:
    """Share of the page area covered by images (overlaps counted once, approximately)."""
    area = page.rect.width * page.rect.height
    if area <= 0:
        return 0.0
    if not page.get_images(full=False):
        return 0.0
    boxes = [info["bbox"] for info in page.get_image_info()]
    if not boxes:
        return 0.0
    import pymupdf

    page_rect = page.rect
    clipped = [pymupdf.Rect(b) & page_rect for b in boxes]
    largest = max((r.width * r.height for r in clipped if not r.is_empty), default=0.0)
    total = sum(r.width * r.height for r in clipped if not r.is_empty)
    return min(1.0, max(largest, min(total, area)) / area)
