"""Words grouped the way a form is read: rows of words, and phrases split at wide gaps."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.geometry import union
from pipeline.model import BBox, TextSpan, Word


@dataclass
class Phrase:
    """Consecutive words of one row with no wide gap between them."""

    words: list[Word]

    @property
    def bbox(self) -> BBox:
        return union([w.bbox for w in self.words])

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def height(self) -> float:
        b = self.bbox
        return b[3] - b[1]


def span(words: list[Word], strip_colon: bool = False) -> TextSpan:
    text = " ".join(w.text for w in words).strip()
    if strip_colon:
        text = text.rstrip(":").rstrip()
    return TextSpan(text=text, bbox=union([w.bbox for w in words]))


def mean_confidence(words: list[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def _centre_y(box: BBox) -> float:
    return (box[1] + box[3]) / 2


def rows_of(words: list[Word]) -> list[list[Word]]:
    """Words grouped into rows (top to bottom), each row left to right."""
    rows: list[list[Word]] = []
    extents: list[tuple[float, float]] = []  # (y0, y1) of each row
    for word in sorted(words, key=lambda w: (_centre_y(w.bbox), w.bbox[0])):
        y0, y1 = word.bbox[1], word.bbox[3]
        cy = (y0 + y1) / 2
        placed = False
        for k in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            r0, r1 = extents[k]
            if r0 <= cy <= r1 and min(y1, r1) - max(y0, r0) >= 0.4 * min(y1 - y0, r1 - r0):
                rows[k].append(word)
                extents[k] = (min(r0, y0), max(r1, y1)) if len(rows[k]) < 3 else (r0, r1)
                placed = True
                break
        if not placed:
            rows.append([word])
            extents.append((y0, y1))
    for row in rows:
        row.sort(key=lambda w: w.bbox[0])
    return rows


def phrases_of(row: list[Word], max_gap: float) -> list[Phrase]:
    """A row split wherever the gap between two words is wider than ``max_gap`` points."""
    phrases: list[Phrase] = []
    current: list[Word] = []
    for word in row:
        if current and word.bbox[0] - current[-1].bbox[2] > max_gap:
            phrases.append(Phrase(current))
            current = []
        current.append(word)
    if current:
        phrases.append(Phrase(current))
    return phrases
