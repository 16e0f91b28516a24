"""Reader throughput and memory: ``python -m bench.read [options]`` (also a ``bench.run`` section).

Measures, in one run, with the same parallelism N (worker processes = bare Tesseract processes):

- G4 TIFF pages (shared/data/fax-g4-tiff-samples, plus the UNLV G4 scans) and scanned PDF pages (a raster-only PDF built
  here from FUNSD test images): pages/minute of ``read_pages`` with layout, without layout, and
  of bare ``tesseract`` (``OMP_THREAD_LIMIT=1``, N at a time) on the very same page images (the
  pixels our reader OCRs, pre-rendered, untimed), and the ratio ours/bare (goal <= 1.15), both
  in wall time and in CPU seconds (this process and all descendants: the CPU ratio is far less
  disturbed by other work on a shared machine); the three are run alternately ``--repeat``
  times and each one's best time is kept;
- born-digital pages/second (goal >= 20): a generated text PDF plus the CMS PDFs;
- peak RSS of this process plus all its children (workers, Tesseract) while reading a 300-page
  scanned PDF (goal < 1.5 GB). The reader holds a sliding window of pages, so memory is flat
  after the first window; by default the first ``--rss-pages`` pages are read (all 300 with
  ``--rss-pages 300``) and the RSS at the middle and end of that span are both shown.

The worker pool is started before timing (as in a long-running batch), and its start-up time
is printed separately. Nothing here is copied into the repository; temporary files go to a
temp dir. Shared data absent: the sections that need it are skipped.
"""

from __future__ import annotations

import argparse
import glob
import os
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import pymupdf

from pipeline.layout import LayoutOptions
from pipeline.load import load_packet
from pipeline.model import Page
from pipeline.read import ReadOptions, read_pages, shutdown_pool
from pipeline.render import render_image

TITLE = "Reader: pages/minute vs bare tesseract, born-digital pages/s, peak RSS"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
NO_LAYOUT = LayoutOptions(key_values=False, checkboxes=False, tables=False, signatures=False, pdf_tables=False)


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.read")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scanned-pages", type=int, default=8, help="FUNSD pages in the scanned PDF")
    parser.add_argument("--fax-files", type=int, default=4,
                        help="G4 TIFF files: pport_g4, two UNLV 300-dpi scans, g4-multi (3 near-blank pages)")
    parser.add_argument("--digital-pages", type=int, default=200, help="pages of the generated text PDF")
    parser.add_argument("--rss-pages", type=int, default=24, help="pages of the 300-page PDF actually read")
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--skip-ocr", action="store_true", help="skip the fax/scanned comparison")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each OCR variant (best one kept)")
    parser.add_argument("--skip-rss", action="store_true", help="skip the 300-page memory run")
    parser.add_argument("--skip-cms", action="store_true", help="skip the CMS PDFs")
    return parser.parse_known_args(argv)[0]


# --------------------------------------------------------------------------- inputs


def scanned_pdf(images: list[str], path: Path, repeat_to: int | None = None) -> Path:
    """A raster-only PDF: each image fills a Letter page (as a scanner writes it)."""
    doc = pymupdf.open()
    sources = images if repeat_to is None else [images[i % len(images)] for i in range(repeat_to)]
    xrefs: dict[str, int] = {}
    for image in sources:
        page = doc.new_page(width=612, height=792)
        if image in xrefs:  # repeated pages share the stored image, as a real 300-page scan would not,
            page.insert_image(page.rect, xref=xrefs[image])  # but rendering cost is the same
        else:
            xrefs[image] = page.insert_image(page.rect, filename=image)
    doc.save(path)
    return path


def digital_pdf(path: Path, pages: int) -> Path:
    """A born-digital PDF: a form-like page of text lines and ruled boxes, repeated."""
    doc = pymupdf.open()
    for n in range(pages):
        page = doc.new_page(width=612, height=792)
        page.insert_text((72, 72), f"PRIOR AUTHORIZATION REQUEST  page {n + 1}", fontsize=14)
        y = 110
        for row in range(28):
            page.insert_text((72, y), f"Field {row + 1}: value {n * 100 + row} lorem ipsum dolor sit amet",
                             fontsize=10)
            page.draw_rect(pymupdf.Rect(60, y - 11, 552, y + 4), width=0.5)
            y += 22
    doc.save(path)
    return path


def page_images(packet, folder: Path) -> list[tuple[Path, float]]:
    """The exact pixels the reader OCRs, as PNG files, with their dpi (untimed preparation)."""
    options = ReadOptions()
    out = []
    for source in packet.page_sources:
        image, dpi = render_image(source, options.ocr_dpi if source.kind == "pdf" else None)
        path = folder / f"p{source.page:04d}.png"
        cv2.imwrite(str(path), image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        out.append((path, dpi))
    return out


# --------------------------------------------------------------------------- timing


def cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by this process, its live descendants and the
    descendants they have reaped (Tesseract runs). Much less disturbed by other load than wall time."""
    import psutil

    total = 0.0
    me = psutil.Process()
    for proc in [me, *me.children(recursive=True)]:
        try:
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass
    return total


def bare_tesseract(images: list[tuple[Path, float]], workers: int) -> float:
    """Seconds for bare ``tesseract IMAGE - --psm 3 --dpi D tsv``, ``workers`` at a time."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(item: tuple[Path, float]) -> None:
        path, dpi = item
        subprocess.run(["tesseract", str(path), "-", "--psm", "3", "--dpi", str(int(round(dpi))), "tsv"],
                       check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - started


def ours(packet, workers: int, layout: bool = True) -> tuple[float, list[Page]]:
    options = ReadOptions(workers=workers) if layout else ReadOptions(workers=workers, layout=NO_LAYOUT)
    started = time.perf_counter()
    pages = list(read_pages(packet, options))
    return time.perf_counter() - started, pages


class RssSampler:
    """Peak resident memory of this process plus all its descendants, sampled every 0.1 s."""

    def __init__(self) -> None:
        import psutil

        self._me = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def current(self) -> int:
        import psutil

        total = 0
        for proc in [self._me, *self._me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.current())
            self._stop.wait(0.1)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- the section


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))


def run(argv: list[str]) -> str:
    args = _args(argv)
    n = args.workers
    rows: list[list[str]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="intakeiq-bench-") as tmp_name:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        warm = load_packet(digital_pdf(tmp / "warm.pdf", n))
        list(read_pages(warm, ReadOptions(workers=n)))
        notes.append(f"worker pool start-up (forkserver, {n} workers, untimed below): "
                     f"{time.perf_counter() - started:.1f} s")

        image_sets: list[tuple[str, Path]] = []
        funsd = sorted(glob.glob(str(args.shared / "funsd/dataset/testing_data/images/*.png")))
        fax_dir = args.shared / "fax-g4-tiff-samples" / "Tests" / "images"
        unlv = args.shared / "tesseract-test-unlv" / "testing"
        fax_files = [fax_dir / "pport_g4.tif", unlv / "8087_054.3B.tif", unlv / "8071_093.3B.tif",
                     fax_dir / "g4-multi.tiff"][: args.fax_files]
        if all(f.is_file() for f in fax_files) and fax_files:
            fax_folder = tmp / "fax"
            fax_folder.mkdir()
            for f in fax_files:
                os.symlink(f, fax_folder / f.name)
            image_sets.append(("G4 fax/scan TIFF", fax_folder))
        if funsd:
            image_sets.append(("scanned PDF (FUNSD)",
                               scanned_pdf(funsd[: args.scanned_pages], tmp / "scanned.pdf")))
        if not image_sets:
            notes.append(f"shared data absent under {args.shared}: OCR sections skipped")

        for label, path in [] if args.skip_ocr else image_sets:
            packet = load_packet(path)
            assert packet.error is None, packet.error
            folder = tmp / f"img-{len(rows)}"
            folder.mkdir()
            images = page_images(packet, folder)
            pages_n = len(images)
            wall: dict[str, float] = {}
            cpu: dict[str, float] = {}
            for _ in range(args.repeat):  # alternate the three, keep each one's best: other load varies
                for name in ("bare tesseract", "ours, no layout", "ours, with layout"):
                    c0 = cpu_seconds()
                    if name == "bare tesseract":
                        secs = bare_tesseract(images, n)
                    else:
                        secs, pages = ours(packet, n, layout=name == "ours, with layout")
                    used = cpu_seconds() - c0
                    wall[name] = min(wall.get(name, secs), secs)
                    cpu[name] = min(cpu.get(name, used), used)
            raw_s, read_s, full_s = wall["bare tesseract"], wall["ours, no layout"], wall["ours, with layout"]
            words = sum(len(p.words) for p in pages)
            conf = sum(p.ocr_confidence or 0 for p in pages) / max(1, len(pages))
            turned = sum(p.rotation != 0 for p in pages)
            for name, secs in (("bare tesseract", raw_s), ("ours, no layout", read_s), ("ours, with layout", full_s)):
                ratio = "" if name == "bare tesseract" else f"{secs / raw_s:.2f}"
                cpu_ratio = "" if name == "bare tesseract" else f"{cpu[name] / cpu['bare tesseract']:.2f}"
                rows.append([f"{label}: {name}", str(pages_n), f"{secs:.1f}", f"{pages_n / secs * 60:.1f}", ratio,
                             f"{cpu[name]:.1f}", cpu_ratio])
            notes.append(f"{label}: {words} words, mean OCR confidence {conf:.2f}, {turned} pages turned")

        digital = load_packet(digital_pdf(tmp / "digital.pdf", args.digital_pages))
        for layout in (False, True):
            c0 = cpu_seconds()
            secs, pages = ours(digital, n, layout=layout)
            cpu = cpu_seconds() - c0
            methods = sum(p.method == "text_layer" for p in pages)
            name = "with layout" if layout else "no layout"
            rows.append([f"born-digital generated, {name} ({methods}/{len(pages)} text layer)", str(len(pages)),
                         f"{secs:.1f}", f"{len(pages) / secs * 60:.0f}", "", f"{cpu:.1f}", ""])
            rows.append([f"  = pages/s (goal >= 20); if CPU-bound on {n} idle cores: "
                         f"{n * len(pages) / cpu:.0f}/s", "", "", f"{len(pages) / secs:.1f}/s", ""])
        cms = [] if args.skip_cms else sorted((args.shared / "cms-claim-forms").glob("*.pdf"))
        for pdf in cms:
            packet = load_packet(pdf)
            if packet.error:
                notes.append(f"{pdf.name}: {packet.error.code}")
                continue
            secs, pages = ours(packet, n)
            methods = ",".join("T" if p.method == "text_layer" else "O" for p in pages)
            rows.append([f"CMS {pdf.name} ({methods})", str(len(pages)), f"{secs:.1f}",
                         f"{len(pages) / secs * 60:.1f}", ""])

        if funsd and not args.skip_rss:
            big = load_packet(scanned_pdf(funsd, tmp / "scanned300.pdf", repeat_to=300))
            assert big.error is None and len(big.page_sources) == 300
            span = min(args.rss_pages, 300)
            shutdown_pool()  # measure from a fresh pool: its start-up memory counts too
            limited = big.model_copy(update={"page_sources": big.page_sources[:span]})
            halfway = 0
            with RssSampler() as sampler:
                started = time.perf_counter()
                for page in read_pages(limited, ReadOptions(workers=n)):
                    if page.page == span // 2:
                        halfway = sampler.peak
                secs = time.perf_counter() - started
            rows.append([f"300-page scanned PDF: first {span} pages", str(span), f"{secs:.1f}",
                         f"{span / secs * 60:.1f}", ""])
            rows.append([f"  peak RSS main+children (goal < 1.5 GB): at page {span // 2} / at page {span}",
                         "", "", f"{halfway / 2**20:.0f} MB / {sampler.peak / 2**20:.0f} MB", ""])
    shutdown_pool()
    header = ["", "pages", "wall s", "pages/min", "ours/bare", "CPU s", "ours/bare CPU"]
    rows = [r + [""] * (len(header) - len(r)) for r in rows]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    lines = [f"N = {n} worker processes / bare tesseract processes, OMP_THREAD_LIMIT=1, "
             f"load average at end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
             _row(header, widths)]
    lines += [_row(r, widths) for r in rows]
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    print(run(sys.argv[1:]))
