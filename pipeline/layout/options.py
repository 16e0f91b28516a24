"""Settings of the layout stage (one options class, every setting described)."""

from __future__ import annotations

from pydantic import Field

from pipeline.model import Model


class LayoutOptions(Model):
    """What the layout stage looks for and how sure it must be.

    Sizes are in "em": the median height of the page's words. That keeps every threshold
    independent of the dpi an image was (or was assumed to be) scanned at.
    """

    key_values: bool = Field(True, description="Find key-value pairs (label: value)")
    checkboxes: bool = Field(True, description="Find checkboxes and whether they are checked")
    tables: bool = Field(True, description="Find ruled tables")
    signatures: bool = Field(True, description="Find ink signatures and electronic signature statements")
    pdf_tables: bool = Field(
        False,
        description="On text-layer PDF pages that show ruled lines, read tables with pdfplumber instead of "
        "the image grid (off: it took 0.1-1.5 s a page and split cells into empty columns on our samples)",
    )
    max_key_words: int = Field(7, ge=1, description="Longest key (label) in words")
    value_below_gap_em: float = Field(
        2.2, gt=0, description="Largest vertical gap, in em, between a key and a value written below it"
    )
    value_right_gap_em: float = Field(
        18.0, gt=0, description="Largest horizontal gap, in em, between a key and a value to its right"
    )
    value_right_min_pt: float = Field(
        100.0, ge=0, description="The gap a value to the right may always have, in points, however small the text"
    )
    segment_gap_em: float = Field(
        1.4, gt=0, description="A horizontal gap wider than this (em) splits a row of words into phrases"
    )
    checkbox_min_em: float = Field(0.45, gt=0, description="Smallest checkbox side, in em")
    checkbox_max_em: float = Field(2.2, gt=0, description="Largest checkbox side, in em")
    checked_fill: float = Field(
        0.10, gt=0, lt=1, description="Share of inked pixels inside a box above which it counts as checked"
    )
    min_line_em: float = Field(2.5, gt=0, description="Shortest ruled line (em) taken as a table or box rule")
    default_em_pt: float = Field(10.0, gt=0, description="Text height (points) assumed on a page without words")
