"""Hand-built pages: words laid out on rows like a text layer or OCR would give them."""

from pipeline.model import Page, SignatureMark, Word

CHAR_W = 5.5
ROW_H = 16.0


def page_from_rows(rows: list[list[tuple[float, str]]], number: int = 1, method: str = "text_layer",
                   confidence: float = 0.96, signatures: list[SignatureMark] | None = None) -> Page:
    """``rows``: per row, (x, text) cells; each cell's words are placed left to right from x."""
    words = []
    y = 60.0
    for row in rows:
        for x, text in row:
            for w in text.split():
                words.append(Word(text=w, bbox=(x, y, x + len(w) * CHAR_W, y + 10), confidence=confidence))
                x += len(w) * CHAR_W + 3
        y += ROW_H
    return Page(page=number, width=612, height=792, method=method, words=words, signatures=signatures or [])
