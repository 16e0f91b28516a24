"""Renderings of a packet's pages: born-digital PDF, scanned PDF, fax TIFF, card photo JPEG.

All functions are deterministic for a given ``random.Random`` / numpy seed; PDFs carry fixed
metadata and file ids so the same seed gives the same bytes.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import datetime

import cv2
import numpy as np
import pymupdf
from PIL import Image, ImageDraw

from samples.layouts.cards import font

cv2.setNumThreads(1)  # the generator parallelises by packet; OpenCV threads only contend on a shared machine

LETTER = (612.0, 792.0)
FIXED_PDF_DATE = "D:20261122000000Z"


@dataclass
class PageSpec:
    """One page before rendering: HTML (a document page) or card images (an insurance card page)."""

    html: str = ""
    images: dict[str, bytes] = field(default_factory=dict)
    card_front: Image.Image | None = None
    card_back: Image.Image | None = None
    card_photo: bool = False  # place the card as a photo (background, perspective) on the page
    margin: float = 40.0


def _jpeg(img: Image.Image, quality: int = 82) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality, optimize=True)
    return buf.getvalue()


def _archive(images: dict[str, bytes]) -> pymupdf.Archive | None:
    if not images:
        return None
    arch = pymupdf.Archive()
    for name, data in images.items():
        arch.add(data, name)
    return arch


def build_pdf(pages: list[PageSpec], rng: random.Random) -> pymupdf.Document:
    doc = pymupdf.open()
    for spec in pages:
        page = doc.new_page(width=LETTER[0], height=LETTER[1])
        if spec.card_front is not None:
            _card_page(page, spec, rng)
            continue
        m = spec.margin
        rect = pymupdf.Rect(m, m + 8, LETTER[0] - m, LETTER[1] - m)
        page.insert_htmlbox(rect, spec.html, archive=_archive(spec.images))
    return doc


def _card_page(page: pymupdf.Page, spec: PageSpec, rng: random.Random) -> None:
    scale = rng.choice([1.0, 1.25, 1.5])
    w = 243 * scale
    h = w * 638 / 1012
    x = rng.uniform(50, LETTER[0] - w - 50)
    y = rng.uniform(60, 110)
    if rng.random() < 0.5:
        page.insert_text((50, 50), rng.choice(["Copy of insurance card", "INSURANCE CARD (FRONT/BACK)",
                                               "Insurance on file - front and back", "Member ID card"]),
                         fontsize=11, fontname="helv")
    for img in (spec.card_front, spec.card_back):
        if img is None:
            continue
        if spec.card_photo:
            img = card_photo(img, rng, size=(1200, 860))
            hh = w * 860 / 1200
        else:
            hh = h
        page.insert_image(pymupdf.Rect(x, y, x + w, y + hh), stream=_jpeg(img, 80))
        y += hh + rng.uniform(20, 60)


def pdf_bytes(doc: pymupdf.Document) -> bytes:
    if any(page.get_fonts() for page in doc):
        doc.subset_fonts()  # full embedded fonts would make every page ~60 KB
    doc.set_metadata({"producer": "intakeiq samples", "creator": "intakeiq samples", "creationDate": FIXED_PDF_DATE,
                      "modDate": FIXED_PDF_DATE, "title": "", "author": "", "subject": "", "keywords": ""})
    return doc.tobytes(garbage=3, deflate=True, no_new_id=True)


# --------------------------------------------------------------------------- scanned


def _noise(h: int, w: int, sigma: float, dtype=np.float32) -> np.ndarray:
    buf = np.empty((h, w), dtype)
    cv2.randn(buf, 0, sigma)
    return buf


class RowWindow:
    """An array taller than a page, sliced per page at a random row offset: noise is made once per file
    (``cv2.randn`` over a whole page for every page is the costliest step otherwise)."""

    def __init__(self, buf: np.ndarray, rng: random.Random):
        self.buf, self.rng = buf, rng

    def take(self, h: int, w: int) -> np.ndarray:
        y = self.rng.randint(0, self.buf.shape[0] - h)
        return self.buf[y:y + h, :w]


def _gray(page: pymupdf.Page, dpi_x: float, dpi_y: float) -> np.ndarray:
    pix = page.get_pixmap(matrix=pymupdf.Matrix(dpi_x / 72, dpi_y / 72), colorspace=pymupdf.csGRAY, alpha=False)
    return np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width).copy()


def _rotate(arr: np.ndarray, angle: float, border: int) -> np.ndarray:
    h, w = arr.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(arr, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def stamp(arr: np.ndarray, text: str, rng: random.Random, dpi_x: float, dpi_y: float, ink: int) -> None:
    """Press a rubber stamp (two lines in a box, a little rotated) into the lower right of a gray page."""
    lines = text.split("\n")
    size = int(0.17 * dpi_x)
    f = font(size, True, "sans")
    width = int(max(f.getlength(line) for line in lines)) + size
    patch = Image.new("L", (width, int(size * 1.35 * len(lines) + size * 0.8)), 255)
    draw = ImageDraw.Draw(patch)
    draw.rectangle([2, 2, patch.width - 3, patch.height - 3], outline=0, width=max(2, size // 8))
    for k, line in enumerate(lines):
        draw.text((size // 2, int(size * 0.4 + k * size * 1.35)), line, font=f, fill=0)
    patch = patch.rotate(rng.uniform(-9, 9), expand=True, fillcolor=255, resample=Image.BILINEAR)
    patch = patch.resize((patch.width, max(1, int(patch.height * dpi_y / dpi_x))))
    ph, pw = patch.height, patch.width
    h, w = arr.shape
    y = int(h * rng.uniform(0.72, 0.86))
    x = int(w - pw - dpi_x * rng.uniform(0.5, 1.0))
    if y + ph > h or x < 0:
        return
    ink_mask = np.array(patch) < 128
    region = arr[y:y + ph, x:x + pw]
    region[ink_mask] = np.minimum(region[ink_mask], ink)


def scanned_pdf(doc: pymupdf.Document, rng: random.Random, seed: int, upside_down: frozenset[int] = frozenset(),
                stamps: dict[int, str] | None = None) -> bytes:
    """Raster-only PDF: each page rasterised, skewed, blurred, noised, JPEG-compressed.

    Pages whose 0-based index is in ``upside_down`` went through the scanner the wrong way round.
    """
    out = pymupdf.open()
    dpi = rng.choice([150, 150, 150, 200])
    tone = rng.uniform(0.88, 0.97)
    cv2.setRNGSeed(seed % (2**31))
    sigma = rng.uniform(1.5, 3.5)
    noise: RowWindow | None = None
    punched = [0, 0] if rng.random() < 0.15 else ([0, 0, 0] if rng.random() < 0.1 else [])
    for index, page in enumerate(doc):
        arr = _gray(page, dpi, dpi)
        if index in upside_down:
            arr = np.ascontiguousarray(arr[::-1, ::-1])
        if stamps and index in stamps:
            stamp(arr, stamps[index], rng, dpi, dpi, rng.randint(70, 120))
        arr = cv2.convertScaleAbs(arr, alpha=tone, beta=(255 * (1 - tone)) * 0.2)  # paper tint, ink not pure black
        arr = _rotate(arr, rng.uniform(-1.3, 1.3), int(255 * tone))
        arr = cv2.GaussianBlur(arr, (0, 0), rng.uniform(0.5, 1.0))
        h, w = arr.shape
        # uneven lighting across the page and a darker scanner edge now and then
        grad = np.linspace(rng.uniform(0.93, 1.0), rng.uniform(0.97, 1.03), w, dtype=np.float32)[None, :]
        arr = cv2.multiply(arr.astype(np.float32), np.broadcast_to(grad, (h, w)).copy())
        if rng.random() < 0.4:
            edge = int(w * rng.uniform(0.005, 0.02))
            arr[:, :edge] *= 0.35
        for _ in range(rng.randint(0, 8)):  # dust
            cv2.circle(arr, (rng.randint(0, w - 1), rng.randint(0, h - 1)), rng.randint(1, 2),
                       rng.randint(60, 140), -1)
        if punched:  # hole punches of a binder copy
            for frac in (0.25, 0.75) if len(punched) == 2 else (0.2, 0.5, 0.8):
                cv2.circle(arr, (int(0.35 * dpi), int(h * frac)), int(0.12 * dpi), rng.randint(70, 110), -1)
        if noise is None:
            noise = RowWindow(_noise(h + 256, w, sigma), rng)
        arr = cv2.convertScaleAbs(cv2.add(arr, noise.take(h, w)))
        ok, jpg = cv2.imencode(".jpg", arr, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(45, 62)])
        p = out.new_page(width=LETTER[0], height=LETTER[1])
        p.insert_image(p.rect, stream=jpg.tobytes())
    return pdf_bytes(out)


# --------------------------------------------------------------------------- fax

FAX_WIDTH = 1728


def fax_header(when: datetime, from_fax: str, to_fax: str, sender: str, page: int, total: int, style: int) -> str:
    f = f"{from_fax[:3]} {from_fax[3:6]} {from_fax[6:]}"
    t = f"{to_fax[:3]} {to_fax[3:6]} {to_fax[6:]}"
    stamp = when.strftime("%b %d %Y %H:%M").upper()
    if style == 0:
        return f"{stamp}  FROM: {f}  TO: {t}  P. {page}/{total}"
    if style == 1:
        return f"{when.strftime('%m/%d/%Y %H:%M')}  {sender.upper()[:28]}  {f}  PAGE {page:02d}/{total:02d}"
    return f"{when.strftime('%d-%b-%Y %I:%M%p').upper()}  FROM-{sender.upper()[:24]}  +1{from_fax}  T-{page:03d} P.{page:03d}/{total:03d}"


def fax_tiff(doc: pymupdf.Document, rng: random.Random, seed: int, header: callable,
             upside_down: frozenset[int] = frozenset(), stamps: dict[int, str] | None = None) -> tuple[bytes, int]:
    """Multi-page bilevel G4 TIFF at 204 x 196 (fine) or 204 x 98 (standard) dpi. Returns (bytes, y dpi).

    Pages in ``upside_down`` (0-based) were fed upside down: content turned, header line upright.
    """
    nrng = np.random.default_rng(seed)
    cv2.setRNGSeed(seed % (2**31))
    vres = rng.choice([196, 196, 98])  # fine mode is the usual choice for medical faxes
    frames = []
    total = doc.page_count
    thresh = rng.randint(150, 185)
    # a per-pixel noisy threshold (a noisy scan cut at a fixed level); fine-mode height covers standard too
    thresholds = RowWindow(np.clip(thresh - _noise(2156 + 256, FAX_WIDTH, 12, np.int16), 0, 255).astype(np.uint8), rng)
    hstyle = rng.randint(0, 2)
    for i, page in enumerate(doc):
        arr = _gray(page, 204, vres)
        if i in upside_down:
            arr = np.ascontiguousarray(arr[::-1, ::-1])
        if stamps and i in stamps:
            stamp(arr, stamps[i], rng, 204, vres, 0)
        h, w = arr.shape
        off = (w - FAX_WIDTH) // 2
        arr = arr[:, off:off + FAX_WIDTH] if w >= FAX_WIDTH else np.pad(arr, ((0, 0), (0, FAX_WIDTH - w)), constant_values=255)
        arr = _rotate(arr, rng.uniform(-0.6, 0.6), 255)
        arr = cv2.GaussianBlur(arr, (0, 0), 0.7)
        bw = arr > thresholds.take(*arr.shape)  # True = white; a noisy threshold = noisy scan, fixed cut
        # speckle: isolated black dots and a few small clusters
        n_dots = int(bw.size * rng.uniform(0.0002, 0.0008))
        ys = nrng.integers(0, bw.shape[0], n_dots)
        xs = nrng.integers(0, bw.shape[1], n_dots)
        bw[ys, xs] = False
        for _ in range(rng.randint(0, 6)):
            cy, cx = int(nrng.integers(0, bw.shape[0] - 4)), int(nrng.integers(0, bw.shape[1] - 4))
            bw[cy:cy + rng.randint(1, 3), cx:cx + rng.randint(1, 4)] = False
        if rng.random() < 0.3:  # a dropped scan line
            y = int(nrng.integers(40, bw.shape[0] - 2))
            bw[y, :] = True
        # transmit header line on top of every page
        text = header(i + 1, total, hstyle)
        strip = Image.new("L", (FAX_WIDTH, 34), 255)
        ImageDraw.Draw(strip).text((24, 4), text, font=font(25, True, "mono"), fill=0)
        strip_h = max(8, round(34 * vres / 204))
        strip_arr = np.array(strip.resize((FAX_WIDTH, strip_h), Image.BILINEAR)) > 140
        bw[4:4 + strip_h, :] = strip_arr
        # bits set where the page is black; written as BlackIsZero, then the tag says WhiteIsZero (fax style)
        frames.append(Image.frombytes("1", (bw.shape[1], bw.shape[0]), np.packbits(~bw, axis=1).tobytes()))
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], compression="group4", dpi=(204, vres),
                   tiffinfo={266: 1, 305: "intakeiq samples fax", 274: 1})
    return _white_is_zero(buf.getvalue()), vres


def _white_is_zero(data: bytes) -> bytes:
    """Set PhotometricInterpretation (tag 262) to 0 in every IFD of a little-endian TIFF.

    Pillow writes bilevel pages as BlackIsZero and is slow when asked for WhiteIsZero; real fax
    TIFFs are WhiteIsZero, so the frames are written inverted and the tag is patched here.
    """
    import struct

    if data[:2] != b"II":
        raise ValueError("expected a little-endian TIFF from Pillow")
    buf = bytearray(data)
    offset = struct.unpack_from("<I", buf, 4)[0]
    while offset:
        n = struct.unpack_from("<H", buf, offset)[0]
        for k in range(n):
            entry = offset + 2 + 12 * k
            tag, typ, count = struct.unpack_from("<HHI", buf, entry)
            if tag == 262 and typ == 3 and count == 1:
                struct.pack_into("<H", buf, entry + 8, 0)
        offset = struct.unpack_from("<I", buf, offset + 2 + 12 * n)[0]
    return bytes(buf)


# --------------------------------------------------------------------------- photos


def card_photo(card: Image.Image, rng: random.Random, size: tuple[int, int] = (1440, 1080)) -> Image.Image:
    """A phone photo of a card: table background, perspective, uneven light, blur, noise."""
    W, H = size
    seed = rng.randint(0, 2**31 - 1)
    nrng = np.random.default_rng(seed)
    cv2.setRNGSeed(seed)
    w4, h4 = W // 4, H // 4  # textures and light are made small and scaled up
    kind = rng.randint(0, 2)
    if kind == 0:  # wood
        base = np.array([rng.randint(120, 160), rng.randint(80, 105), rng.randint(45, 70)], np.float32)
        grain = np.sin(np.linspace(0, rng.uniform(30, 60), h4)[:, None] + nrng.normal(0, 0.4, (h4, 1))) * 12
        bg = base[None, None, :] + grain[:, :, None] + nrng.normal(0, 5, (h4, w4, 1))
    elif kind == 1:  # gray desk
        g = rng.randint(150, 200)
        bg = np.full((h4, w4, 3), g, np.float32) + nrng.normal(0, 6, (h4, w4, 1))
    else:  # dark fabric
        g = rng.randint(40, 70)
        bg = np.full((h4, w4, 3), [g, g, g + 15], np.float32) + nrng.normal(0, 10, (h4, w4, 1))
    bg = cv2.resize(bg.astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    src = np.array(card.convert("RGB"))
    ch, cw = src.shape[:2]
    scale = rng.uniform(0.62, 0.8) * W / cw
    cx, cy = W / 2 + rng.uniform(-60, 60), H / 2 + rng.uniform(-50, 50)
    hw, hh = cw * scale / 2, ch * scale / 2
    j = lambda: rng.uniform(-0.06, 0.06) * hw  # noqa: E731
    dst = np.float32([[cx - hw + j(), cy - hh + j()], [cx + hw + j(), cy - hh + j()],
                      [cx + hw + j(), cy + hh + j()], [cx - hw + j(), cy + hh + j()]])
    srcq = np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]])
    m = cv2.getPerspectiveTransform(srcq, dst)
    warped = cv2.warpPerspective(src, m, (W, H)).astype(np.float32)
    card_mask = Image.new("L", (cw, ch), 0)
    ImageDraw.Draw(card_mask).rounded_rectangle([0, 0, cw - 1, ch - 1], radius=int(36 * cw / 1012), fill=255)
    mask = cv2.warpPerspective(np.array(card_mask), m, (W, H))
    small = cv2.resize(np.roll(np.roll(mask, 12, 0), 10, 1), (w4, h4), interpolation=cv2.INTER_AREA)
    shadow = cv2.resize(cv2.GaussianBlur(small, (0, 0), 3), (W, H)).astype(np.float32) / 255
    a = mask.astype(np.float32) / 255
    # lighting: a bright spot and falloff, and a colour cast
    yy, xx = np.mgrid[0:h4, 0:w4].astype(np.float32)
    lx, ly = rng.uniform(0.2, 0.8) * w4, rng.uniform(0.2, 0.8) * h4
    light = 1.08 - 0.35 * (((xx - lx) ** 2 + (yy - ly) ** 2) / (w4 * w4 + h4 * h4))
    light = cv2.resize(light, (W, H))
    tint = np.array([1.0, rng.uniform(0.96, 1.0), rng.uniform(0.88, 0.98)], np.float32)
    shade2d = light * (1 - 0.45 * shadow) * (1 - a)
    lit2d = light * a
    shade = cv2.merge([shade2d * t for t in tint])
    lit = cv2.merge([lit2d * t for t in tint])
    out = cv2.add(cv2.multiply(bg, shade), cv2.multiply(warped, lit))
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.6, 1.4))
    noise = np.empty((H, W), np.float32)
    cv2.randn(noise, 0, 3.5)
    out = cv2.add(out, cv2.merge([noise, noise, noise]))
    return Image.fromarray(cv2.convertScaleAbs(out))


def photo_jpeg(card: Image.Image, rng: random.Random) -> bytes:
    return _jpeg(card_photo(card, rng), rng.randint(72, 88))
