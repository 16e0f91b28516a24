"""Image clean-up and Tesseract OCR of one page image.

``ocr_image(image, dpi, options) -> (OcrText, cleaned image)``:

1. clean-up with OpenCV: deskew by a small angle (projection profile), speckle removal on
   bilevel (fax) images, optional adaptive binarisation (off by default: on 8 FUNSD test pages
   it cut word recall from 0.58 to 0.42 and took longer; Tesseract's own Otsu does better);
2. one Tesseract pass (``image_to_data``), single-threaded (``OMP_THREAD_LIMIT=1``); a bilevel
   (fax) page below ~300 dpi is read from a copy enlarged to ``bilevel_ocr_dpi`` (cubic) and
   smoothed (Gaussian), because Tesseract reads anti-aliased ~300-dpi text much better than 1-bit
   204-dpi stairs; a 204x98 "standard" fax, which the renderer shows with square pixels by repeating
   rows, is enlarged from its own rows (anisotropically) rather than from the repeats, and turned by
   the page's skew after enlarging (``bilevel_row_repeat``); a page whose characters are small
   (median ink-blob height well under ``gray_text_height_px``: a ~100-dpi scan, whatever dpi its
   metadata claims or lacks) is enlarged (cubic, no binarisation) so that its text is ~300-dpi sized,
   and Tesseract is told 300 dpi;
   boxes are converted with the dpi of the image Tesseract read, so they stay in points;
3. only when that pass looks wrong (few words, low confidence, many garbage-looking words as an
   upside-down body under an upright fax header gives, or words stacked vertically as on a
   sideways page) Tesseract's orientation detection (OSD) runs on the image OCR reads (scaled
   down to ``osd_dpi`` when it was not enlarged), and a page turned by 90/180/270 degrees is
   turned upright and read again; the better of the two readings is kept. The common case costs one Tesseract call;
4. a bilevel page still read below ``thicken_below_confidence`` (thin faxed print) is read once more
   with every stroke a pixel wider, and the better reading kept.

Boxes come back in points (via ``geometry.px_to_pt``) on the cleaned, upright image, which is
returned too (at the caller's dpi, not enlarged) so that layout analysis sees the same page.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import cv2
import numpy as np
from pydantic import Field as PydField

from pipeline.geometry import px_to_pt, union
from pipeline.model import Line, Model, Word

_OSD_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_OSD_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


class OcrOptions(Model):
    """Clean-up and Tesseract settings for OCR'd pages."""

    lang: str = PydField("eng", description="Tesseract language(s), e.g. 'eng' or 'eng+spa'")
    psm: int = PydField(3, ge=0, le=13, description="Tesseract page segmentation mode")
    deskew: bool = PydField(True, description="Straighten pages skewed by a small angle")
    max_skew_degrees: float = PydField(5.0, ge=0, le=15, description="Largest skew looked for")
    min_skew_degrees: float = PydField(0.5, ge=0, description="Smaller skews are left alone (Tesseract copes)")
    despeckle: bool = PydField(True, description="Remove isolated dots from bilevel (fax) images")
    binarize: bool = PydField(False, description="Adaptive binarisation before OCR (off: measured no gain)")
    bilevel_ocr_dpi: float = PydField(
        300, ge=0, le=600,
        description="Bilevel (fax) pages below this dpi are enlarged to it (cubic) and smoothed before Tesseract, "
        "which reads anti-aliased ~300-dpi text best (measured on 29 generated fax pages: word recall "
        "204x98 0.881 -> 0.912, 204x196 0.945 -> 0.955); 0: OCR at the page's own dpi",
    )
    bilevel_smooth_px: float = PydField(
        1.5, ge=0, le=5,
        description="Gaussian sigma (pixels at bilevel_ocr_dpi) that smooths the enlarged bilevel edges "
        "(measured on 8 generated 204x98 fax pages, word recall: 1.0 0.912, 1.25 0.908, 1.5 0.912, 2.0 0.898; "
        "on 3 pages 0.8 and 2.5 were worse)",
    )
    bilevel_row_repeat: bool = PydField(
        True,
        description="A bilevel page whose rows come in repeats (a 204x98 'standard' fax shown with square pixels "
        "by repeating rows) is enlarged from its own rows (anisotropic: x 300/204, y 300/98), not from the "
        "repeats, smoothed vertically with bilevel_smooth_y_px and turned by the page's skew afterwards. "
        "Measured on fax dev seeds 9201 (20 such pages) / 9202 (28): word recall off 0.789 / 0.789, on "
        "0.799 / 0.792; field F1 on fax (extractors.evaluate) 0.887 / 0.868 -> 0.885 / 0.871 (neutral). "
        "Costs ~0.03-0.13 s per such page to find the repeats, ~0.003 s on other bilevel pages",
    )
    bilevel_smooth_y_px: float = PydField(
        1.0, ge=0, le=8,
        description="Vertical Gaussian sigma (pixels at bilevel_ocr_dpi) on row-repeated pages (measured, word "
        "recall on the 20 204x98 pages of seed 9201: 0.7 0.795, 1.0 0.799, 1.5 0.787, 2.5 0.722); "
        "0: bilevel_smooth_px",
    )
    gray_text_height_px: float = PydField(
        30, ge=0, le=100,
        description="Gray pages whose median character height (connected components) is below "
        "gray_text_height_px / gray_min_upscale are enlarged (cubic) so that it reaches this height, and "
        "Tesseract is told they are 300 dpi: small ~100-dpi gray scans read far better enlarged (measured on "
        "the first 12 FUNSD test forms, exact word recall: as is 0.435, x2 0.536, x3 0.616, x4 0.638; "
        "Gaussian smoothing after enlarging cost 0.045); 0: never",
    )
    gray_min_upscale: float = PydField(1.5, ge=1, description="Smaller enlargements of gray pages are not done")
    gray_max_upscale: float = PydField(4.0, ge=1, le=8, description="Largest enlargement of a gray page")
    check_orientation: bool = PydField(True, description="Run OSD when the first reading looks wrong")
    retry_below_confidence: float = PydField(
        0.45, ge=0, le=1,
        description="Mean word confidence that triggers OSD (measured: upside-down pages read 0.23-0.36, "
        "poor upright FUNSD faxes 0.54-0.88; Tesseract reads 90-degree pages by itself)",
    )
    retry_garbage_share: float = PydField(
        0.3, ge=0, le=1,
        description="Share of garbage-looking words (3+ letters, and confidence < 0.5, or no vowel, or odd "
        "characters inside) that triggers OSD: an upside-down page under an upright fax header reads as "
        "confident header + garbage, so its mean confidence can stay above retry_below_confidence",
    )
    retry_min_garbage_words: int = PydField(5, ge=1, description="... and at least this many garbage-looking words")
    retry_below_words: int = PydField(8, ge=0, description="Word count that triggers OSD on a page with ink ...")
    retry_min_ink: float = PydField(
        0.002, ge=0, le=1, description="... at least this share of dark pixels (near-blank pages skip OSD)"
    )
    osd_min_confidence: float = PydField(
        0.2, ge=0,
        description="Least OSD orientation confidence to try its turn; the turned reading is kept only when it "
        "holds more confident text (measured: an upside-down fax page with OSD confidence 0.32 read 0.42 as is, "
        "0.89 turned)",
    )
    osd_dpi: float = PydField(
        150, ge=100, description="OSD runs on the page scaled down to this dpi (it costs more than OCR at 300)"
    )
    thicken_below_confidence: float = PydField(
        0.4, ge=0, le=1,
        description="An upright bilevel (fax) page read below this mean word confidence is read again with "
        "every stroke a pixel wider, and the better reading kept: thin faxed print breaks into fragments "
        "Tesseract cannot join (0: never)",
    )
    timeout_s: float = PydField(180, gt=0, description="Seconds one Tesseract call may take")


class OcrText(Model):
    words: list[Word]
    lines: list[Line]
    confidence: float = PydField(ge=0, le=1, description="Mean word confidence, 0 when no words")
    rotation: int = PydField(0, description="Degrees the page was turned clockwise before the kept reading")
    skew: float = PydField(0.0, description="Degrees of skew corrected")
    osd_used: bool = False
    thickened: bool = PydField(False, description="Read again with strokes widened (thin faxed print)")


# --------------------------------------------------------------------------- clean-up


def is_bilevel(image: np.ndarray) -> bool:
    """True for black-and-white images (faxes, G4 scans): almost no gray pixels."""
    sample = image[::4, ::4]
    gray = np.count_nonzero((sample > 40) & (sample < 215))
    return gray < 0.02 * sample.size


def ink_share(image: np.ndarray) -> float:
    """Share of dark pixels (sampled)."""
    sample = image[::4, ::4]
    return float(np.count_nonzero(sample < 128)) / max(1, sample.size)


def estimate_skew(image: np.ndarray, max_degrees: float = 5.0) -> float:
    """The turn (degrees, counter-clockwise) that straightens the text lines, found by making the
    rows' ink profile as sharp as possible on a small copy of the page."""
    scale = min(1.0, 800.0 / max(image.shape))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if np.count_nonzero(ink) < 0.002 * ink.size:
        return 0.0
    h, w = ink.shape
    center = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(center, angle, 1.0)
        turned = cv2.warpAffine(ink, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        rows = turned.sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(rows) ** 2))

    coarse = np.arange(-max_degrees, max_degrees + 1e-9, 1.0)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.75, best + 0.75 + 1e-9, 0.25)
    return round(float(max(fine, key=sharpness)), 2)


def rotate_small(image: np.ndarray, angle: float) -> np.ndarray:
    """Turn by ``angle`` degrees (counter-clockwise) about the centre, same size, white fill."""
    h, w = image.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def rotate_right_angle(image: np.ndarray, degrees_clockwise: int) -> np.ndarray:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(image, codes[degrees_clockwise]) if degrees_clockwise in codes else image


def despeckle(image: np.ndarray, dpi: float) -> np.ndarray:
    """Whiten isolated dark specks of a few pixels (scaled with dpi) on a bilevel image."""
    max_area = max(2, int(round(3 * (dpi / 200.0) ** 2)))
    ink = (image < 128).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    speck = stats[:, cv2.CC_STAT_AREA] <= max_area
    speck[0] = False  # label 0 is the background
    if not speck.any():
        return image
    out = image.copy()
    out[speck[labels]] = 255
    return out


def binarize(image: np.ndarray, dpi: float) -> np.ndarray:
    block = int(dpi / 4) | 1
    return cv2.adaptiveThreshold(image, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15)


def clean(image: np.ndarray, dpi: float, options: OcrOptions) -> tuple[np.ndarray, float]:
    """(cleaned image, skew corrected in degrees)."""
    skew = 0.0
    if options.deskew:
        angle = estimate_skew(image, options.max_skew_degrees)
        if abs(angle) >= options.min_skew_degrees:
            image, skew = rotate_small(image, angle), angle
    if options.despeckle and is_bilevel(image):
        image = despeckle(image, dpi)
    if options.binarize:
        image = binarize(image, dpi)
    return image, skew


# --------------------------------------------------------------------------- tesseract


def _tesseract_env() -> None:
    """Tesseract runs single-threaded: OMP_THREAD_LIMIT=1 (2.3 s/page against 7-9 s with its own
    threads on 2 cores; pages are read in parallel instead). The limit goes to Tesseract's processes
    only, through the environment pytesseract hands them: set in this process's own environment,
    it would also cap torch's OpenMP threads (measured: the classifier at 46 pages/s instead of 81)."""
    import pytesseract.pytesseract as tesseract

    tesseract.environ = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _temp_root() -> str | None:
    """RAM-backed /dev/shm when there is one: the page image is written once and read once."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def _write_temp(image: np.ndarray, folder: str) -> str:
    """The image as an uncompressed PGM (no PNG compression cost on either side)."""
    path = str(Path(folder) / "page.pgm")
    if not cv2.imwrite(path, image):
        raise OSError(f"could not write the page image for Tesseract to {folder}")
    return path


def text_height_px(image: np.ndarray) -> float:
    """Median height in pixels of character-like ink blobs (Otsu connected components); 0 when
    there are too few to tell (blank pages, photos, gradients)."""
    _, ink = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if np.count_nonzero(ink) > 0.5 * ink.size:
        return 0.0
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    chars = heights[(heights >= 6) & (heights <= image.shape[0] / 20) & (widths <= 3 * heights)]
    return float(np.median(chars)) if len(chars) >= 20 else 0.0


def gray_upscale(image: np.ndarray, options: OcrOptions) -> float:
    """How much to enlarge a gray page so that its text reaches ``gray_text_height_px`` (1: not at all)."""
    if not options.gray_text_height_px:
        return 1.0
    height = text_height_px(image)
    if not height:
        return 1.0
    scale = min(options.gray_max_upscale, options.gray_text_height_px / height)
    return scale if scale >= options.gray_min_upscale else 1.0


def repeated_row_source(image: np.ndarray) -> np.ndarray | None:
    """For a page enlarged vertically by repeating rows (nearest neighbour, e.g. a 204x98 fax shown at
    204x204), the index of the first copy of each source row; None for any other page.

    The source height is the one whose nearest-neighbour mapping reproduces (almost) every inked row."""
    height = image.shape[0]
    sample = image[:, ::4]
    inked = (sample < 128).any(axis=1)
    same = np.all(sample[1:] == sample[:-1], axis=1)
    inked_after = inked[1:]
    if inked_after.sum() < 50:
        return None
    changes = int(np.count_nonzero(~same[inked_after]))
    if changes == 0 or changes > 0.7 * inked_after.sum():  # rows mostly differ from the one above: not repeated
        return None
    repeat = inked_after.sum() / changes
    rows = np.arange(height)
    probe = np.nonzero(inked)[0][::16]  # a few inked rows reject most candidate heights cheaply
    for src_height in sorted(range(int(height / (repeat * 1.15)), int(height / (repeat * 0.85)) + 2),
                             key=lambda h: abs(h - height / repeat)):
        if src_height < 2 or src_height >= height:
            continue
        index = np.minimum(((rows + 0.5) * src_height / height).astype(np.int64), src_height - 1)
        first = np.searchsorted(index, np.arange(src_height))
        if np.any(first >= height):
            continue
        if np.mean(np.all(sample[first[index[probe]]] == sample[probe], axis=1)) < 0.95:
            continue
        match = np.all(sample[first][index] == sample, axis=1)
        if match[inked].mean() >= 0.99:
            return first
    return None


def prepare_for_tesseract(image: np.ndarray, dpi: float, options: OcrOptions, raw: np.ndarray | None = None,
                          skew: float = 0.0) -> tuple[np.ndarray, float, float]:
    """(image Tesseract reads, its dpi for box conversion, the ``--dpi`` told to Tesseract).

    ``raw`` is the page before clean-up and ``skew`` the turn clean-up gave it: a row-repeated (204x98)
    page is enlarged from the raw page's own rows and then turned by ``skew``.

    A low-resolution bilevel (fax) page is enlarged to ``bilevel_ocr_dpi`` and smoothed (gray
    anti-aliased edges instead of 1-bit stairs); a gray page with small text (a ~100-dpi scan, whatever
    its metadata says) is enlarged so that its characters are ~300-dpi sized; else as is."""
    if is_bilevel(image):
        target = options.bilevel_ocr_dpi
        scale = target / dpi if target and dpi < 0.95 * target else 1.0
        # a page under 5.5 inches wide at the dpi given is a low-resolution scan with a wrong (default) dpi
        # (FUNSD: 754 px taken as 200 dpi); real faxes (1728 px at 204 dpi) keep the tuned path
        narrow = image.shape[1] / dpi < 5.5
        text_scale = gray_upscale(image, options) if narrow else 1.0
        if text_scale > 1.6 * scale:  # text far smaller than the dpi says (a ~100-dpi bilevel scan)
            scale, target = text_scale, max(300.0, dpi)
            dpi_for_boxes = dpi * scale
        elif scale == 1.0:
            return image, dpi, dpi
        else:
            dpi_for_boxes = target
        size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
        own_rows = options.bilevel_row_repeat and raw is not None and not options.binarize
        sources = repeated_row_source(raw) if own_rows and raw is not None else None
        if sources is not None and raw is not None:  # enlarge the page's own rows, not their repeats
            base = despeckle(raw, dpi) if options.despeckle else raw
            enlarged = cv2.resize(base[sources], size, interpolation=cv2.INTER_CUBIC)
            sigma_y = options.bilevel_smooth_y_px or options.bilevel_smooth_px
            if options.bilevel_smooth_px > 0:
                enlarged = cv2.GaussianBlur(enlarged, (0, 0), sigmaX=options.bilevel_smooth_px, sigmaY=sigma_y)
            if skew:
                enlarged = rotate_small(enlarged, skew)
        else:
            enlarged = cv2.resize(image, size, interpolation=cv2.INTER_CUBIC)
            if options.bilevel_smooth_px > 0:
                enlarged = cv2.GaussianBlur(enlarged, (0, 0), options.bilevel_smooth_px)
        return enlarged, dpi_for_boxes, target
    scale = gray_upscale(image, options)
    if scale == 1.0:
        return image, dpi, dpi
    enlarged = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return enlarged, dpi * scale, max(300.0, dpi)


def for_tesseract(image: np.ndarray, dpi: float, options: OcrOptions) -> tuple[np.ndarray, float]:
    """The image Tesseract reads and its dpi (for box conversion); see ``prepare_for_tesseract``."""
    prepared, prepared_dpi, _ = prepare_for_tesseract(image, dpi, options)
    return prepared, prepared_dpi


def tesseract_words(image: np.ndarray, dpi: float, options: OcrOptions, raw: np.ndarray | None = None,
                    skew: float = 0.0) -> tuple[list[Word], list[Line], float]:
    """One Tesseract pass: words, lines (by block/paragraph/line, in Tesseract's reading order)
    and the mean word confidence. Boxes are in points whatever dpi Tesseract read at."""
    import pytesseract

    _tesseract_env()
    image, dpi, dpi_hint = prepare_for_tesseract(image, dpi, options, raw, skew)
    config = f"--psm {options.psm} --dpi {int(round(dpi_hint))}"
    with tempfile.TemporaryDirectory(prefix="intakeiq-ocr-", dir=_temp_root()) as folder:
        data = pytesseract.image_to_data(_write_temp(image, folder), lang=options.lang, config=config,
                                         output_type=pytesseract.Output.DICT, timeout=options.timeout_s)
    groups: dict[tuple[int, int, int], list[Word]] = {}
    words: list[Word] = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        left, top, width, height = (int(data[k][i]) for k in ("left", "top", "width", "height"))
        word = Word(text=text, bbox=px_to_pt((left, top, left + width, top + height), dpi),
                    confidence=round(min(1.0, max(0.0, conf / 100.0)), 3))
        words.append(word)
        groups.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(word)
    lines = [
        Line(text=" ".join(w.text for w in ws), bbox=union([w.bbox for w in ws]),
             confidence=round(sum(w.confidence for w in ws) / len(ws), 3))
        for ws in groups.values()
    ]
    mean = round(sum(w.confidence for w in words) / len(words), 3) if words else 0.0
    return words, lines, mean


def _score(words: list[Word]) -> float:
    """How much trustworthy text a reading holds: confidence-weighted characters of real words."""
    return sum(w.confidence * len(w.text) for w in words if any(c.isalnum() for c in w.text))


def is_sideways(words: list[Word]) -> bool:
    """Most longer words are boxes taller than wide: Tesseract read a page turned by 90 degrees."""
    long_words = [w for w in words if len(w.text) >= 3]
    tall = sum((w.bbox[3] - w.bbox[1]) > 1.5 * (w.bbox[2] - w.bbox[0]) for w in long_words)
    return len(long_words) >= 3 and tall > 0.5 * len(long_words)


_VOWELS = set("aeiouyAEIOUY")


def looks_like_garbage(word: Word) -> bool:
    """A 3+-letter word that is probably not text read the right way up: low confidence, no vowel,
    or odd characters between its letters (what Tesseract makes of upside-down lines)."""
    letters = sum(c.isalpha() for c in word.text)
    if letters < 3:
        return False
    core = word.text.strip(".,:;!?()[]\"'")
    odd = any(not (c.isalnum() or c in "-'/.&") for c in core)
    return word.confidence < 0.5 or not (_VOWELS & set(word.text)) or odd


def garbage_words(words: list[Word]) -> tuple[int, float]:
    """(number, share) of garbage-looking words among words of 3+ letters."""
    candidates = [w for w in words if sum(c.isalpha() for c in w.text) >= 3]
    bad = sum(looks_like_garbage(w) for w in candidates)
    return bad, bad / len(candidates) if candidates else 0.0


def detect_orientation(image: np.ndarray, dpi: float, options: OcrOptions) -> tuple[int, float]:
    """(degrees to turn clockwise to make the page upright, OSD confidence); (0, 0) when unsure."""
    import pytesseract

    _tesseract_env()
    try:
        with tempfile.TemporaryDirectory(prefix="intakeiq-osd-", dir=_temp_root()) as folder:
            osd = pytesseract.image_to_osd(_write_temp(image, folder),
                                           config=f"--psm 0 --dpi {int(round(dpi))}", timeout=options.timeout_s)
    except pytesseract.TesseractError:  # "Too few characters" and similar: no opinion
        return 0, 0.0
    rotate = _OSD_ROTATE.search(osd)
    conf = _OSD_CONF.search(osd)
    if not rotate:
        return 0, 0.0
    return int(rotate.group(1)) % 360, float(conf.group(1)) if conf else 0.0


def detect_orientation_for_ocr(image: np.ndarray, dpi: float, options: OcrOptions) -> tuple[int, float]:
    """OSD on the image Tesseract reads (a fax enlarged and smoothed, a small gray scan enlarged), scaled
    down to ``osd_dpi`` when it is finer than that. On a 204-dpi fax page OSD of the 1-bit page at 150
    dpi was unsure (confidence 0.76) where the smoothed 300-dpi copy was sure (1.08)."""
    prepared, _, hint = prepare_for_tesseract(image, dpi, options)
    if prepared is not image:  # enlarged: OSD reads it at the size OCR does
        return detect_orientation(prepared, hint, options)
    scale = min(1.0, options.osd_dpi / dpi)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    return detect_orientation(small, dpi * scale, options)


def ocr_image(image: np.ndarray, dpi: float, options: OcrOptions = OcrOptions()) -> tuple[OcrText, np.ndarray]:
    """OCR one gray page image (square pixels at ``dpi``); see the module doc."""
    result, cleaned = _read_upright(image, dpi, options)
    if not (options.thicken_below_confidence and result.words and result.confidence < options.thicken_below_confidence
            and is_bilevel(image)):
        return result, cleaned
    source = rotate_right_angle(image, result.rotation) if result.rotation else image
    thick = cv2.erode(source, np.ones((1, 2), np.uint8))  # ink is dark: a minimum filter widens each stroke
    thick_clean, thick_skew = clean(thick, dpi, options)
    words, lines, conf = tesseract_words(thick_clean, dpi, options, thick, thick_skew)
    if _score(words) > _score(result.words):
        return OcrText(words=words, lines=lines, confidence=conf, rotation=result.rotation, skew=thick_skew,
                       osd_used=result.osd_used, thickened=True), thick_clean
    return result, cleaned


def _read_upright(image: np.ndarray, dpi: float, options: OcrOptions) -> tuple[OcrText, np.ndarray]:
    """One reading, turned upright first when it looks wrong and OSD is sure (steps 2-3)."""
    cleaned, skew = clean(image, dpi, options)
    words, lines, conf = tesseract_words(cleaned, dpi, options, image, skew)
    result = OcrText(words=words, lines=lines, confidence=conf, skew=skew)
    sideways = is_sideways(words)
    few_words = len(words) < options.retry_below_words and ink_share(cleaned) >= options.retry_min_ink
    low_confidence = bool(words) and conf < options.retry_below_confidence
    bad, bad_share = garbage_words(words)
    garbage = bad >= options.retry_min_garbage_words and bad_share >= options.retry_garbage_share
    looks_wrong = few_words or low_confidence or sideways or garbage
    if not (options.check_orientation and looks_wrong):
        return result, cleaned
    rotation, osd_conf = detect_orientation_for_ocr(cleaned, dpi, options)
    if rotation not in (90, 180, 270) or osd_conf < options.osd_min_confidence:
        result.osd_used = True
        return result, cleaned
    turned = rotate_right_angle(image, rotation)
    turned_clean, turned_skew = clean(turned, dpi, options)
    t_words, t_lines, t_conf = tesseract_words(turned_clean, dpi, options, turned, turned_skew)
    if _score(t_words) > _score(words) * (0.8 if sideways else 1.0):  # upright text lines are worth a little
        return OcrText(words=t_words, lines=t_lines, confidence=t_conf, rotation=rotation, skew=turned_skew,
                       osd_used=True), turned_clean
    result.osd_used = True
    return result, cleaned
