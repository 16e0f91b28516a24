"""The one place where pixel coordinates become PDF points (72 per inch, top-left origin)."""

from __future__ import annotations

from pipeline.model import BBox

POINTS_PER_INCH = 72.0


def px_to_pt(bbox: tuple[float, float, float, float], dpi_x: float, dpi_y: float | None = None) -> BBox:
    """Convert a pixel box measured at ``dpi_x`` x ``dpi_y`` into PDF points."""
    sy = POINTS_PER_INCH / (dpi_y or dpi_x)
    sx = POINTS_PER_INCH / dpi_x
    x0, y0, x1, y1 = bbox
    return (round(x0 * sx, 2), round(y0 * sy, 2), round(x1 * sx, 2), round(y1 * sy, 2))


def union(boxes: list[BBox]) -> BBox:
    """Smallest box holding all ``boxes``."""
    if not boxes:
        raise ValueError("union() needs at least one box")
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def pt_to_px(bbox: tuple[float, float, float, float], dpi: float) -> tuple[int, int, int, int]:
    """Convert a box in PDF points to whole pixels of an image measured at ``dpi`` (square pixels)."""
    s = dpi / POINTS_PER_INCH
    x0, y0, x1, y1 = bbox
    return (int(round(x0 * s)), int(round(y0 * s)), int(round(x1 * s)), int(round(y1 * s)))
