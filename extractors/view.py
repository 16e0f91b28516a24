"""A read-only view of one document's pages as rows and segments of words, with evidence.

Extractors work on *segments*: runs of words on one visual row with no wide gap between them
(a form's label and its value are often separate segments; a sentence is one). Every span of
a segment can be turned into evidence: page, the words' union box, their mean confidence and
the text. Rows are built from the page's words (``page.words``); a page that only has lines
falls back to its lines, each treated as one word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from statistics import median

from pipeline.geometry import union
from pipeline.model import BBox, Document, Page

GAP_FACTOR = 0.6  # a horizontal gap wider than this many word heights starts a new segment ...
MIN_GAP = 4.0  # ... and than this many points (small print on cards)


@dataclass
class Token:
    text: str
    bbox: BBox
    confidence: float


@dataclass
class Segment:
    """Words on one row without a wide gap; ``text`` joins them with single spaces."""

    page: int
    tokens: list[Token]
    row: int  # index of the row in the document (reading order)
    index: int  # position of the segment in its row
    ocr: bool
    text: str = ""
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        parts, pos = [], 0
        self.starts = []
        for t in self.tokens:
            self.starts.append(pos)
            parts.append(t.text)
            pos += len(t.text) + 1
        self.text = " ".join(parts)

    @property
    def bbox(self) -> BBox:
        return union([t.bbox for t in self.tokens])

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """Tokens overlapping the character range [start, end)."""
        return [t for t, s in zip(self.tokens, self.starts) if s < end and start < s + len(t.text)]

    def evidence(self, start: int, end: int) -> Evidence | None:
        tokens = self.tokens_in(start, end)
        if not tokens:
            return None
        return Evidence(self.page, union([t.bbox for t in tokens]), sum(t.confidence for t in tokens) / len(tokens),
                        " ".join(t.text for t in tokens))


@dataclass
class Evidence:
    page: int
    bbox: BBox
    confidence: float
    text: str

    def join(self, other: Evidence | None) -> Evidence:
        """Evidence covering both (same page only; otherwise self)."""
        if other is None or other.page != self.page:
            return self
        return Evidence(self.page, union([self.bbox, other.bbox]), min(self.confidence, other.confidence),
                        f"{self.text} {other.text}".strip())


def _clean(text: str) -> str:
    """Ligatures and compatibility forms to plain letters ("\ufb01" -> "fi")."""
    return unicodedata.normalize("NFKC", text).strip()


def _page_tokens(page: Page) -> list[Token]:
    if page.words:
        return [Token(_clean(w.text), w.bbox, w.confidence) for w in page.words if _clean(w.text)]
    tokens = []
    for line in page.lines:
        words = _clean(line.text).split()
        if not words:
            continue
        x0, y0, x1, y1 = line.bbox
        total = sum(len(w) + 1 for w in words) or 1
        pos = 0
        for w in words:
            a = x0 + (x1 - x0) * pos / total
            pos += len(w) + 1
            tokens.append(Token(w, (a, y0, x0 + (x1 - x0) * (pos - 1) / total, y1), line.confidence))
    return tokens


def _rows(tokens: list[Token]) -> list[list[Token]]:
    """Group tokens into visual rows by vertical overlap, each sorted left to right."""
    rows: list[list[Token]] = []
    boxes: list[list[float]] = []  # y0, y1 of each row
    for tok in sorted(tokens, key=lambda t: ((t.bbox[1] + t.bbox[3]) / 2, t.bbox[0])):
        y0, y1 = tok.bbox[1], tok.bbox[3]
        cy = (y0 + y1) / 2
        placed = False
        for row, box in zip(reversed(rows), reversed(boxes)):
            if box[0] <= cy <= box[1]:
                row.append(tok)
                placed = True
                break
            if box[1] < y0 - 40:
                break
        if not placed:
            rows.append([tok])
            boxes.append([y0, y1])
    for row in rows:
        row.sort(key=lambda t: t.bbox[0])
    return rows


def _split_segments(row: list[Token], ocr: bool = False) -> list[list[Token]]:
    heights = [t.bbox[3] - t.bbox[1] for t in row]
    h = median(heights) if heights else 10.0
    gaps = [tok.bbox[0] - prev.bbox[2] for prev, tok in zip(row, row[1:])]
    gap = max(GAP_FACTOR * h, MIN_GAP)
    if ocr and len(gaps) >= 3 and min(gaps) >= 0.5 * median(gaps):
        # small print OCR boxes spaced evenly wide (a fax's 6 pt text, 7 pt between words): a line, not cells
        gap = max(gap, min(2 * median(gaps), 2 * h))
    segments: list[list[Token]] = [[row[0]]]
    for prev, tok in zip(row, row[1:]):
        if tok.bbox[0] - prev.bbox[2] > gap or tok.bbox[0] < prev.bbox[2] - 2:  # gap, or overlap: two cells
            segments.append([tok])
        else:
            segments[-1].append(tok)
    return segments


def _join_split_labels(segments: list[list[Token]]) -> list[list[Token]]:
    """Two cells that together make one label ("LAST" | "NAME:", "MEMBER" | "ID#") become one cell:
    OCR split the label at a wide gap, and each half alone names a different field or none."""
    from extractors.patterns import label_at

    out: list[list[Token]] = []
    for seg in segments:
        prev = out[-1] if out else None
        if prev is not None and len(prev) <= 2 and all(t.text.isalpha() for t in prev):
            head = " ".join(t.text for t in prev)
            joined = f"{head} {' '.join(t.text for t in seg)}"
            hit = label_at(joined)
            if hit is not None and hit.label_end > len(head) + 1:
                out[-1] = prev + seg
                continue
        out.append(seg)
    return out


def _merge_wrapped_labels(rows: list[list[list[Token]]]) -> list[list[list[Token]]]:
    """A label cell wrapped over lines ("Date" / "of" / "Birth" beside one value) becomes one label.

    A row whose first segment is a short word group followed by a value is joined by the next
    rows that hold only one short word group at the same left edge.
    """
    out: list[list[list[Token]]] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        first = row[0]
        if len(row) >= 2 and len(first) <= 3 and not any(c.isdigit() for t in first for c in t.text):
            h = first[0].bbox[3] - first[0].bbox[1]
            j = i + 1
            merged = list(first)
            while j < len(rows) and len(rows[j]) == 1 and len(rows[j][0]) <= 2:
                cand = rows[j][0]
                if abs(cand[0].bbox[0] - first[0].bbox[0]) > 3 or any(c.isdigit() for t in cand for c in t.text):
                    break
                if cand[0].bbox[1] - merged[-1].bbox[3] > 0.3 * h:
                    break
                merged.extend(cand)
                j += 1
            if j > i + 1:
                out.append([merged] + row[1:])
                i = j
                continue
        out.append(row)
        i += 1
    return out


class DocView:
    """Rows and segments of a document's pages, in reading order."""

    def __init__(self, document: Document, pages: list[Page]):
        by_number = {p.page: p for p in pages}
        self.document = document
        self.pages: list[Page] = [by_number[n] for n in document.pages if n in by_number]
        self.rows: list[list[Segment]] = []
        for page in self.pages:
            ocr = page.method == "ocr"
            for segs in _merge_wrapped_labels([_join_split_labels(_split_segments(row, ocr))
                                               for row in _rows(_page_tokens(page))]):
                r = len(self.rows)
                self.rows.append([Segment(page.page, seg, r, i, ocr) for i, seg in enumerate(segs)])
        self.segments: list[Segment] = [s for row in self.rows for s in row]

    @property
    def text(self) -> str:
        return "\n".join("  ".join(s.text for s in row) for row in self.rows)

    def page(self, number: int) -> Page | None:
        return next((p for p in self.pages if p.page == number), None)

    def right_of(self, seg: Segment) -> Segment | None:
        row = self.rows[seg.row]
        return row[seg.index + 1] if seg.index + 1 < len(row) else None

    def below(self, seg: Segment, x0: float, x1: float, max_rows: int = 3, label_x1: float | None = None) -> list[Token]:
        """Tokens under a label (same page): the first segment on the next rows that starts in the
        label's column (left edge between ``x0`` and the label's right end), clipped at ``x1``."""
        y_bottom = seg.bbox[3]
        h = seg.bbox[3] - seg.bbox[1]
        right_edge = label_x1 if label_x1 is not None else seg.bbox[2]
        for r in range(seg.row + 1, min(seg.row + 1 + max_rows, len(self.rows))):
            row = self.rows[r]
            if not row or row[0].page != seg.page:
                return []
            top = min(s.bbox[1] for s in row)
            if top - y_bottom > max(2.5 * h, 14):
                return []
            for s in row:
                if x0 - 10 <= s.bbox[0] <= right_edge + 4 or s.bbox[0] <= x0 <= s.bbox[2]:
                    tokens = [t for t in s.tokens if (t.bbox[0] + t.bbox[2]) / 2 < x1]
                    if tokens:
                        return tokens
        return []


HEADER_BAND = 0.05  # the top 5% of a page: where a fax machine prints its transmit header
_TRANSMIT = re.compile(r"\bP(?:AGE|G)?\.?\s*\d{1,3}\s*[/of]+\s*\d{1,3}\b|\d{1,2}:\d{2}|\bFROM\b|\bT-\d+|\+?1?\d{10}", re.I)


def in_transmit_header(view: DocView, seg: Segment) -> bool:
    """A line at the very top of a fax page printed by the sending machine ("11/25/2026 12:06
    DAWSON ONCOLOGY 447 831 6823 PAGE 01/06"): transmission metadata, not the cover's content."""
    page = view.page(seg.page)
    if page is None or seg.bbox[3] > HEADER_BAND * page.height + 6:
        return False
    row = view.rows[seg.row] if 0 <= seg.row < len(view.rows) else [seg]
    return bool(_TRANSMIT.search(" ".join(s.text for s in row)))
