"""Read a packet's pages: text layer where usable, else clean-up + OCR; then layout.

``read_pages`` runs one worker process per core (each Tesseract single-threaded) over a
sliding window of pages, so memory stays bounded however long the packet: only the pages in
flight are ever rendered, and only in the workers. Pages come back in page order. A page that
fails is returned with ``error`` set (method "ocr", no words) and the others go on.

``read_file_json`` is the ``intakeiq read FILE --json`` edge (CONTRACT section 6).
"""

from __future__ import annotations

import atexit
import json
import logging
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
from pydantic import Field as PydField

from pipeline import layout
from pipeline.layout import LayoutOptions
from pipeline.errors import IntakeError
from pipeline.model import Failure, Model, Packet, Page, PageSource
from pipeline.ocr import OcrOptions, ocr_image
from pipeline.render import page_size_pt, render_image, render_pdf_page
from pipeline.textlayer import TextLayerOptions, read_text_layer

log = logging.getLogger("intakeiq.read")


class ReadOptions(Model):
    """How pages are read."""

    workers: int | None = PydField(None, ge=1, description="Worker processes; default one per core")
    ocr_dpi: float = PydField(300, ge=72, le=600, description="Dpi PDF pages are rendered at for OCR")
    min_ocr_dpi: float = PydField(
        150, ge=0, description="Raster pages below this dpi are enlarged to it before OCR (0: never)"
    )
    layout_dpi: float = PydField(150, ge=50, le=600, description="Dpi text-layer pages are rendered at for layout")
    lang: str = PydField("eng", description="Tesseract language(s)")
    psm: int = PydField(3, ge=0, le=13, description="Tesseract page segmentation mode")
    use_text_layer: bool = PydField(True, description="Use a usable PDF text layer instead of OCR")
    text_layer: TextLayerOptions = TextLayerOptions()
    ocr: OcrOptions = PydField(OcrOptions(), description="Clean-up/Tesseract settings; lang and psm above win")
    layout: LayoutOptions = PydField(LayoutOptions(), description="Key-value, checkbox, table and signature settings")
    window_per_worker: int = PydField(2, ge=1, description="Pages in flight per worker (bounds memory)")

    def resolved_workers(self) -> int:
        return self.workers or os.cpu_count() or 1


# --------------------------------------------------------------------------- one page (in a worker)

_open_pdf: tuple[tuple[str, int, int], object] | None = None  # this process's last PDF, reused by its next page


def _pdf_page(path: str, index: int):
    global _open_pdf
    import pymupdf

    stat = os.stat(path)
    key = (path, stat.st_mtime_ns, stat.st_size)
    if _open_pdf is None or _open_pdf[0] != key:
        close_cached_pdf()
        pymupdf.TOOLS.mupdf_display_errors(False)
        doc = pymupdf.open(path, filetype="pdf")
        if doc.needs_pass:
            doc.authenticate("")
        _open_pdf = (key, doc)
    return _open_pdf[1].load_page(index)


def close_cached_pdf() -> None:
    global _open_pdf
    if _open_pdf is not None:
        _open_pdf[1].close()
        _open_pdf = None


def looks_like_photo(image: np.ndarray) -> bool:
    """A photo (a card on a table) rather than a page scan: little white background."""
    sample = image[::8, ::8]
    return bool(np.count_nonzero(sample > 215) < 0.45 * sample.size)


def _ocr_page(source: PageSource, image: np.ndarray, dpi: float, options: ReadOptions,
              size_pt: tuple[float, float] | None) -> tuple[Page, np.ndarray]:
    if source.kind != "pdf" and options.min_ocr_dpi and dpi < options.min_ocr_dpi:
        import cv2

        scale = options.min_ocr_dpi / dpi
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        dpi = options.min_ocr_dpi
    ocr_options = options.ocr.model_copy(update={"lang": options.lang, "psm": options.psm})
    text, cleaned = ocr_image(image, dpi, ocr_options)
    width, height = page_size_pt(cleaned, dpi)
    if size_pt is not None and text.rotation in (0, 180):
        width, height = size_pt
    elif size_pt is not None:
        width, height = size_pt[1], size_pt[0]
    page = Page(page=source.page, width=width, height=height, method="ocr", ocr_confidence=text.confidence,
                words=text.words, lines=text.lines, rotation=text.rotation, origin=source.origin,
                is_photo=source.kind == "image" and looks_like_photo(image))
    return page, cleaned


def _read(source: PageSource, options: ReadOptions) -> tuple[Page, np.ndarray]:
    if source.kind == "pdf":
        pdf_page = _pdf_page(source.file, source.index)
        if options.use_text_layer:
            layer = read_text_layer(pdf_page, options.text_layer)
            if layer.usable:
                image, _ = render_pdf_page(pdf_page, options.layout_dpi)
                page = Page(page=source.page, width=layer.width, height=layer.height, method="text_layer",
                            words=layer.words, lines=layer.lines, origin=source.origin)
                return page, image
            log.debug("page %d: text layer not used (%s)", source.page, layer.reason)
        image, dpi = render_pdf_page(pdf_page, options.ocr_dpi)
        size = (round(pdf_page.rect.width, 2), round(pdf_page.rect.height, 2))
        return _ocr_page(source, image, dpi, options, size)
    image, dpi = render_image(source)
    return _ocr_page(source, image, dpi, options, None)


def read_page(source: PageSource, options: ReadOptions = ReadOptions()) -> Page:
    """Read one page and annotate its layout; failures come back as ``page.error``."""
    started = time.perf_counter()
    try:
        page, image = _read(source, options)
    except Exception as exc:  # any failure on one page is recorded on that page, not raised
        log.warning("page %d failed to read: %s", source.page, type(exc).__name__)
        return failed_page(source, "E_READ", f"{source.origin or Path(source.file).name} page {source.index + 1}: "
                           f"could not be read ({type(exc).__name__}: {str(exc)[:200]}); check the file")
    try:
        page = layout.annotate(page, image, source, options.layout)
    except Exception as exc:  # a layout bug must not lose the words already read
        log.warning("page %d layout failed: %s", source.page, type(exc).__name__)
        page = page.model_copy(update={"error": Failure(
            code="E_LAYOUT", message=f"page {source.page}: layout analysis failed ({type(exc).__name__}); "
            "words and lines are kept", file=source.origin or None)})
    log.debug("page %d read by %s in %.2fs", source.page, page.method, time.perf_counter() - started)
    return page


def failed_page(source: PageSource, code: str, message: str) -> Page:
    return Page(page=source.page, width=0, height=0, method="ocr", origin=source.origin,
                error=Failure(code=code, message=message, file=source.origin or Path(source.file).name))


# --------------------------------------------------------------------------- the pool


def _exit_with_parent(parent_pid: int) -> None:
    """Workers block on their task queue forever if the parent is killed (SIGKILL, OOM killer):
    poll the parent and leave with it."""
    while True:
        time.sleep(2)
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # the pid was reused by another user's process: ours is gone
            os._exit(0)


def _worker_init(parent_pid: int) -> None:
    import threading

    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True, name="parent-watch").start()
    try:  # workers must not compete with each other for cores through BLAS/OpenCV threads
        import cv2

        cv2.setNumThreads(1)
    except ImportError:
        pass


_pool: tuple[int, ProcessPoolExecutor] | None = None


def _get_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool kept for the life of the process (reused across packets)."""
    global _pool
    if _pool is not None and _pool[0] != workers:
        shutdown_pool()
    if _pool is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.read"])
        _pool = (workers, ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init,
                                              initargs=(os.getpid(),)))
    return _pool[1]


def shutdown_pool() -> None:
    """Stop the worker processes (they are also stopped at exit)."""
    global _pool
    if _pool is not None:
        _pool[1].shutdown(wait=True, cancel_futures=True)
        _pool = None


atexit.register(shutdown_pool)


def read_pages(packet: Packet, options: ReadOptions = ReadOptions(), progress: bool = False) -> Iterator[Page]:
    """The packet's pages, read, in page order (see the module doc)."""
    from tqdm import tqdm

    if packet.error is not None:
        raise IntakeError(packet.error.code, packet.error.message, packet.error.file)
    sources = list(packet.page_sources)
    workers = max(1, min(options.resolved_workers(), len(sources) or 1))
    bar = tqdm(total=len(sources), desc=packet.packet_id, unit="page", file=sys.stderr, disable=not progress,
               leave=False)
    try:
        if workers == 1:
            try:
                for source in sources:
                    yield read_page(source, options)
                    bar.update()
            finally:
                close_cached_pdf()
            return
        yield from _read_in_pool(sources, options, workers, bar)
    finally:
        bar.close()


def _read_in_pool(sources: list[PageSource], options: ReadOptions, workers: int, bar) -> Iterator[Page]:
    window = workers * options.window_per_worker
    pending = deque(sources)
    in_flight: deque[tuple[PageSource, Future]] = deque()
    crashed: set[int] = set()
    pool = _get_pool(workers)
    try:
        while pending or in_flight:
            while pending and len(in_flight) < window:
                source = pending.popleft()
                in_flight.append((source, pool.submit(read_page, source, options)))
            source, future = in_flight.popleft()
            try:
                page = future.result()
            except BrokenProcessPool:
                # A worker died (out of memory, a crash in a native library): every page in flight is
                # lost. Retry each once in a fresh pool; a page that breaks the pool twice gets an error.
                log.warning("worker pool broke at page %d; restarting it", source.page)
                retry = [source] + [s for s, _ in in_flight]
                in_flight.clear()
                shutdown_pool()
                pool = _get_pool(workers)
                if source.page not in crashed:
                    crashed.update(s.page for s in retry)
                    pending.extendleft(reversed(retry))
                    continue
                pending.extendleft(reversed(retry[1:]))
                page = failed_page(source, "E_WORKER", f"page {source.page}: the reader process died twice "
                                   "on this page (out of memory or a damaged page); check the file")
            yield page
            bar.update()
    finally:  # the caller may stop early: drop the pages not started yet
        for _, future in in_flight:
            future.cancel()


# --------------------------------------------------------------------------- JSON edge


def page_json(page: Page) -> dict:
    """CONTRACT section 6 shape of one page (plus ocr_confidence, rotation and error when set)."""
    out: dict = {
        "page": page.page,
        "width": page.width,
        "height": page.height,
        "method": page.method,
        "words": [{"text": w.text, "bbox": list(w.bbox), "confidence": w.confidence} for w in page.words],
        "lines": [{"text": ln.text, "bbox": list(ln.bbox)} for ln in page.lines],
        "key_values": [{"key": {"text": kv.key.text, "bbox": list(kv.key.bbox)},
                        "value": {"text": kv.value.text, "bbox": list(kv.value.bbox)},
                        "confidence": kv.confidence} for kv in page.key_values],
        "checkboxes": [{"bbox": list(c.bbox), "checked": c.checked, "label": c.label} for c in page.checkboxes],
        "ocr_confidence": page.ocr_confidence,
        "rotation": page.rotation,
    }
    if page.error is not None:
        out["error"] = page.error.model_dump()
    return out


def read_file_json(path: Path, workers: int | None = None, progress: bool = True) -> str:
    """``intakeiq read FILE --json``: the page model of one file; raises IntakeError if it cannot be loaded."""
    from pipeline.load import LoadOptions, load_packet

    packet = load_packet(Path(path), LoadOptions())
    if packet.error is not None:
        raise IntakeError(packet.error.code, packet.error.message, packet.error.file)
    pages = read_pages(packet, ReadOptions(workers=workers), progress=progress)
    return json.dumps({"pages": [page_json(p) for p in pages]}, ensure_ascii=False)
