"""Render one page (``PageSource``) to a grayscale image with square pixels.

Two entry points, one implementation:

- ``render_page(source, dpi=150) -> np.ndarray``: the page at exactly ``dpi`` pixels per inch
  in both directions, so a box in points maps to pixels as ``pt * dpi / 72``. Use it for
  evidence crops and previews.
- ``render_image(source, dpi=None) -> (np.ndarray, float)``: with ``dpi=None`` a raster page
  (TIFF frame, PNG/JPEG) keeps its own resolution (only non-square fax pixels are resampled:
  204x98 dpi -> 204x204, nearest-neighbour for black-and-white frames so that they stay bilevel
  and ``pipeline.ocr`` still recognises, despeckles and smooths them) and a PDF page is rendered
  at ``PDF_DPI``; returns the image and its dpi. The reader uses this so that OCR sees the
  original pixels.

Every image is gray uint8 (0 black .. 255 white), upright as its file says (EXIF / TIFF
orientation applied; PDF page rotation applied by the renderer). The page size in points is
``pixels / dpi * 72`` (``page_size_pt``).
"""

from __future__ import annotations

import numpy as np

from pipeline.geometry import POINTS_PER_INCH
from pipeline.model import PageSource

PDF_DPI = 300.0
DEFAULT_IMAGE_DPI = 200.0
MIN_TRUSTED_DPI = 50.0
MAX_RENDER_PIXELS = 120_000_000


def render_page(source: PageSource, dpi: float = 150) -> np.ndarray:
    """The page as gray uint8 with square pixels at exactly ``dpi`` pixels per inch."""
    image, _ = render_image(source, dpi)
    return image


def render_image(source: PageSource, dpi: float | None = None) -> tuple[np.ndarray, float]:
    """The page as gray uint8 with square pixels, and its dpi (see the module doc)."""
    if source.kind == "pdf":
        return _render_pdf(source.file, source.index, dpi or PDF_DPI)
    return _render_raster(source.file, source.index, dpi)


def page_size_pt(image: np.ndarray, dpi: float) -> tuple[float, float]:
    """(width, height) in points of an image measured at ``dpi``."""
    height, width = image.shape[:2]
    return round(width / dpi * POINTS_PER_INCH, 2), round(height / dpi * POINTS_PER_INCH, 2)


def _render_pdf(path: str, index: int, dpi: float) -> tuple[np.ndarray, float]:
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    with pymupdf.open(path, filetype="pdf") as doc:
        if doc.needs_pass:
            doc.authenticate("")
        return render_pdf_page(doc.load_page(index), dpi)


def render_pdf_page(page, dpi: float) -> tuple[np.ndarray, float]:
    """An open ``pymupdf.Page`` as gray uint8 at ``dpi`` (lowered for absurd page sizes)."""
    import pymupdf

    rect = page.rect
    area_in2 = (rect.width / POINTS_PER_INCH) * (rect.height / POINTS_PER_INCH)
    if area_in2 * dpi * dpi > MAX_RENDER_PIXELS:  # absurd page sizes: lower the dpi, never crop the page
        dpi = float((MAX_RENDER_PIXELS / area_in2) ** 0.5)
    zoom = dpi / POINTS_PER_INCH
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False)
    image = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].copy()
    return image, float(dpi)


def image_dpi(info: dict) -> tuple[float, float]:
    """(x, y) dpi from PIL image info; ``DEFAULT_IMAGE_DPI`` when absent or implausible."""
    dpi = info.get("dpi")
    try:
        x, y = (float(dpi[0]), float(dpi[1])) if dpi else (0.0, 0.0)
    except (TypeError, ValueError, IndexError):
        x, y = 0.0, 0.0
    if x < MIN_TRUSTED_DPI and y < MIN_TRUSTED_DPI:
        return DEFAULT_IMAGE_DPI, DEFAULT_IMAGE_DPI
    if x < MIN_TRUSTED_DPI:
        x = y
    if y < MIN_TRUSTED_DPI:
        y = x
    return x, y


def _render_raster(path: str, index: int, dpi: float | None) -> tuple[np.ndarray, float]:
    from PIL import Image, ImageOps

    previous_limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # the loader already enforced LoadOptions.max_image_pixels
    try:
        with Image.open(path) as im:
            if index:
                im.seek(index)
            x_dpi, y_dpi = image_dpi(im.info)
            im.load()
            frame = ImageOps.exif_transpose(im) or im
            if frame is not im and _swaps_axes(im):
                x_dpi, y_dpi = y_dpi, x_dpi
            bilevel = frame.mode == "1"
            gray = _to_gray(frame)
    finally:
        Image.MAX_IMAGE_PIXELS = previous_limit
    native = max(x_dpi, y_dpi)
    target = float(dpi) if dpi else native
    width = max(1, round(gray.width * target / x_dpi))
    height = max(1, round(gray.height * target / y_dpi))
    if (width, height) != gray.size:
        resample = Image.Resampling.BILINEAR if target >= native else Image.Resampling.LANCZOS
        if bilevel and target >= native:  # a fax stays black-and-white: clean-up and OCR smooth it later
            resample = Image.Resampling.NEAREST
        gray = gray.resize((width, height), resample)
    return np.asarray(gray, dtype=np.uint8).copy(), target


def _swaps_axes(im) -> bool:
    return im.getexif().get(0x0112, 1) in (5, 6, 7, 8)


def _to_gray(im):
    """Gray 'L' image; transparent areas become white, not black."""
    from PIL import Image

    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("L")
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(im, dtype=np.float64)
        top = arr.max() or 1.0
        return Image.fromarray((arr / top * 255).astype(np.uint8), "L")
    return im.convert("L")
