"""Load a packet: files -> ``Packet`` with one ``PageSource`` per page (CONTRACT section 1).

Nothing is rendered here: pages are only counted, so loading a 2,000-page PDF is cheap.
Every problem with the input becomes ``packet.error`` (a ``Failure`` naming the file and how to
fix it); ``load_packet`` never raises for bad input.

Packets:
- a file is a single-file packet, ``packet_id`` = the file's stem;
- a folder holding ``manifest.json`` is one folder packet, ``packet_id`` = the folder's name;
- ``discover(folder)`` on a folder without ``manifest.json`` returns its children: each
  non-hidden file is a single-file packet and each non-hidden sub-folder a folder packet.

The media type of every file is detected from its content (magic bytes), never its extension.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import logging
import os
import re
import tempfile
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from pydantic import Field as PydField, ValidationError

from pipeline.errors import IntakeError
from pipeline.model import Manifest, Model, Packet, PageSource, SourceFile

log = logging.getLogger("intakeiq.load")

MANIFEST_NAME = "manifest.json"

MEDIA_PDF = "application/pdf"
MEDIA_TIFF = "image/tiff"
MEDIA_PNG = "image/png"
MEDIA_JPEG = "image/jpeg"
MEDIA_GIF = "image/gif"
MEDIA_BMP = "image/bmp"
MEDIA_WEBP = "image/webp"
MEDIA_EML = "message/rfc822"
IMAGE_MEDIA = (MEDIA_PNG, MEDIA_JPEG, MEDIA_GIF, MEDIA_BMP, MEDIA_WEBP)

# Header names that start a stored e-mail (RFC 5322); the first line must be one of them.
_EML_FIRST_LINE = re.compile(
    rb"^(From |Return-Path|Received|From|To|Subject|Date|Message-ID|MIME-Version|Content-Type|"
    rb"Delivered-To|Reply-To|Sender|X-[A-Za-z0-9-]+|DKIM-Signature|ARC-[A-Za-z-]+|Authentication-Results)"
    rb"\s*:?",
    re.IGNORECASE,
)
_KNOWN_OTHER = {
    b"PK\x03\x04": "a ZIP archive (also .docx/.xlsx)",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office file",
    b"{\\rtf": "an RTF document",
}


class LoadOptions(Model):
    """Limits and locations for loading packets."""

    max_file_bytes: int = PydField(
        500 * 1024 * 1024, gt=0, description="Largest accepted file (and e-mail attachment), in bytes"
    )
    max_pages: int = PydField(5000, gt=0, description="Most pages accepted in one packet")
    max_image_pixels: int = PydField(
        200_000_000,
        gt=0,
        description="Most pixels in one raster page (width x height); larger ones are refused as "
        "possible decompression bombs",
    )
    work_dir: Path | None = PydField(
        None,
        description="Folder for files extracted from e-mails (kept under <work_dir>/<sha256>/); "
        "default: <system temp>/intakeiq-attachments",
    )
    max_eml_depth: int = PydField(2, ge=0, description="How deep e-mails attached to e-mails are opened")


# --------------------------------------------------------------------------- discovery


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "~$"))


def discover(path: Path) -> list[Path]:
    """The packets under ``path`` (see the module doc), in name order."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise IntakeError("E_NOT_FOUND", f"{path}: no such file or folder; check the input path", str(path))
    if (path / MANIFEST_NAME).is_file():
        return [path]
    return sorted((p for p in path.iterdir() if _visible(p) and (p.is_file() or p.is_dir())), key=lambda p: p.name)


# --------------------------------------------------------------------------- media types


def sniff(head: bytes) -> str | None:
    """Media type from the first bytes of a file, or None when it is not a document we read."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return MEDIA_PDF
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return MEDIA_TIFF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MEDIA_PNG
    if head.startswith(b"\xff\xd8\xff"):
        return MEDIA_JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return MEDIA_GIF
    if head.startswith(b"BM") and len(head) > 14:
        return MEDIA_BMP
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return MEDIA_WEBP
    if _EML_FIRST_LINE.match(head.lstrip()[:200]) and b"\n" in head and _looks_like_headers(head):
        return MEDIA_EML
    return None


def _looks_like_headers(head: bytes) -> bool:
    """At least two ``Name: value`` header lines before the first blank line."""
    block = head.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    lines = [ln for ln in block.split(b"\n") if ln and not ln[:1].isspace()]
    headers = [ln for ln in lines if re.match(rb"^[A-Za-z][A-Za-z0-9-]*:\s", ln)]
    return len(headers) >= 2 and len(headers) >= len(lines) - 1


def _describe_other(head: bytes) -> str:
    for magic, what in _KNOWN_OTHER.items():
        if head.startswith(magic):
            return what
    try:
        head.decode("utf-8")
        return "a text file"
    except UnicodeDecodeError:
        return "an unknown binary format"


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------- page counting


def _pdf_page_count(path: Path, name: str, options: LoadOptions) -> int:
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # pymupdf raises several types for unreadable files
        raise IntakeError("E_CORRUPT", f"{name}: not a readable PDF ({type(exc).__name__}: {exc}); "
                          "re-export or re-scan the document and send it again", name) from exc
    try:
        if doc.needs_pass and not doc.authenticate(""):
            raise IntakeError("E_ENCRYPTED", f"{name}: the PDF is encrypted and needs a password to open; "
                              "ask the sender for an unprotected copy", name)
        count = doc.page_count
        if count == 0:
            raise IntakeError("E_CORRUPT", f"{name}: the PDF has no pages; re-export it and send it again", name)
        if doc.is_repaired and not _has_pdf_eof(path):
            raise IntakeError("E_TRUNCATED", f"{name}: the PDF is truncated (it ends before its end-of-file "
                              "marker, so pages may be missing); send the complete file again", name)
        if doc.is_repaired:
            log.info("a PDF needed repair but is complete (%d pages)", count)
        return count
    finally:
        doc.close()


def _has_pdf_eof(path: Path) -> bool:
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 2048))
        return b"%%EOF" in fh.read()


def _image_frames(path: Path, name: str, media: str, options: LoadOptions) -> int:
    """Frames of a raster file, checking size limits and truncation without decoding pixels."""
    from PIL import Image

    size = path.stat().st_size
    try:
        with Image.open(path) as im:
            frames = getattr(im, "n_frames", 1) if media == MEDIA_TIFF else 1
            for index in range(frames):
                if index:
                    im.seek(index)
                width, height = im.size
                if width * height > options.max_image_pixels:
                    raise IntakeError(
                        "E_IMAGE_TOO_LARGE",
                        f"{name}: page {index + 1} is {width}x{height} = {width * height:,} pixels, over the "
                        f"limit of {options.max_image_pixels:,} (a possible decompression bomb); if the file "
                        "is genuine, raise LoadOptions.max_image_pixels",
                        name,
                    )
                if media == MEDIA_TIFF and _tiff_data_past_end(im, size):
                    raise IntakeError("E_TRUNCATED", f"{name}: the TIFF is truncated (page {index + 1}'s image "
                                      "data runs past the end of the file); send the complete file again", name)
    except IntakeError:
        raise
    except Image.DecompressionBombError as exc:
        raise IntakeError("E_IMAGE_TOO_LARGE", f"{name}: {exc}; if the file is genuine, raise "
                          "LoadOptions.max_image_pixels", name) from exc
    except Exception as exc:  # PIL raises many types (OSError, SyntaxError, struct.error...)
        raise IntakeError("E_CORRUPT", f"{name}: the image cannot be read ({type(exc).__name__}: {exc}); "
                          "it is damaged or truncated, send it again", name) from exc
    if media in (MEDIA_PNG, MEDIA_JPEG) and not _has_image_end(path, media):
        raise IntakeError("E_TRUNCATED", f"{name}: the {media.split('/')[1].upper()} is truncated (no end "
                          "marker); send the complete file again", name)
    return frames


def _tiff_data_past_end(im, file_size: int) -> bool:
    tags = im.tag_v2
    offsets = tags.get(273) or tags.get(324)  # StripOffsets or TileOffsets
    counts = tags.get(279) or tags.get(325)  # StripByteCounts or TileByteCounts
    if not offsets or not counts:
        return False
    offsets = offsets if isinstance(offsets, tuple) else (offsets,)
    counts = counts if isinstance(counts, tuple) else (counts,)
    return max(o + c for o, c in zip(offsets, counts)) > file_size


def _has_image_end(path: Path, media: str) -> bool:
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 4096))
        tail = fh.read()
    if media == MEDIA_PNG:
        return b"IEND" in tail
    return b"\xff\xd9" in tail


# --------------------------------------------------------------------------- e-mail


def _attachments(path: Path, name: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every attachment-like part of an e-mail, in order."""
    with path.open("rb") as fh:
        message = email.message_from_binary_file(fh, policy=email.policy.default)
    if not isinstance(message, EmailMessage):
        raise IntakeError("E_CORRUPT", f"{name}: not a readable e-mail", name)
    found: list[tuple[str, bytes]] = []
    for n, part in enumerate(message.walk()):
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        ctype = part.get_content_type()
        is_doc_type = ctype in (MEDIA_PDF, "application/octet-stream", MEDIA_EML) or ctype.startswith("image/")
        if disposition == "attachment" or (filename and is_doc_type):
            payload = part.get_payload(decode=True)
            if payload is None and ctype == MEDIA_EML:
                inner = part.get_payload()
                payload = inner[0].as_bytes() if isinstance(inner, list) and inner else None
            if payload:
                found.append((filename or f"part{n}", payload))
    return found


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._")
    return cleaned[:120] or "attachment"


# --------------------------------------------------------------------------- packets


def _file_sources(path: Path, display: str, options: LoadOptions, depth: int = 0) -> list[tuple[SourceFile, str, int]]:
    """[(source file, page kind, page count)] for one file; e-mails expand to their attachments."""
    size = path.stat().st_size
    if size == 0:
        raise IntakeError("E_EMPTY", f"{display}: the file is empty (0 bytes); send it again", display)
    if size > options.max_file_bytes:
        raise IntakeError("E_TOO_LARGE", f"{display}: {size:,} bytes is over the limit of "
                          f"{options.max_file_bytes:,}; split the file or raise LoadOptions.max_file_bytes", display)
    with path.open("rb") as fh:
        head = fh.read(4096)
    media = sniff(head)
    if media is None:
        raise IntakeError("E_UNSUPPORTED", f"{display}: {_describe_other(head)} is not a document we can read; "
                          "send a PDF, TIFF, PNG, JPEG or .eml with such attachments", display)
    modified = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    if media == MEDIA_EML:
        return _eml_sources(path, display, options, depth)
    source = SourceFile(name=display, path=str(path), sha256=file_sha256(path), size=size, media_type=media,
                        modified_at=modified)
    if media == MEDIA_PDF:
        return [(source, "pdf", _pdf_page_count(path, display, options))]
    kind = "tiff" if media == MEDIA_TIFF else "image"
    return [(source, kind, _image_frames(path, display, media, options))]


def _eml_sources(path: Path, display: str, options: LoadOptions, depth: int) -> list[tuple[SourceFile, str, int]]:
    if depth > options.max_eml_depth:
        raise IntakeError("E_UNSUPPORTED", f"{display}: e-mails nested more than {options.max_eml_depth} deep; "
                          "forward the documents directly or raise LoadOptions.max_eml_depth", display)
    work_dir = options.work_dir or Path(tempfile.gettempdir()) / "intakeiq-attachments"
    out: list[tuple[SourceFile, str, int]] = []
    for filename, payload in _attachments(path, display):
        if sniff(payload[:4096]) is None:
            log.info("skipping a non-document e-mail attachment (%d bytes)", len(payload))
            continue
        digest = hashlib.sha256(payload).hexdigest()
        target = work_dir / digest / _safe_name(filename)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
            tmp.write_bytes(payload)
            tmp.replace(target)
        inner_display = f"{display}:{filename}"
        for source, kind, count in _file_sources(target, inner_display, options, depth + 1):
            source.modified_at = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
            out.append((source, kind, count))
    if not out:
        raise IntakeError("E_NO_PAGES", f"{display}: the e-mail has no PDF, TIFF or image attachment; "
                          "attach the documents and send it again", display)
    return out


def _read_manifest(path: Path, display: str) -> Manifest:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IntakeError("E_MANIFEST", f"{display}: manifest.json is not valid JSON ({exc}); fix the file", display) from exc
    if not isinstance(data, dict):
        raise IntakeError("E_MANIFEST", f"{display}: manifest.json must be a JSON object", display)
    known = {k: v for k, v in data.items() if k in Manifest.model_fields}
    unknown = sorted(set(data) - set(known))
    if unknown:
        log.info("manifest: ignoring %d unknown keys", len(unknown))
    try:
        return Manifest.model_validate(known)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise IntakeError("E_MANIFEST", f"{display}: manifest.json has bad values ({problems}); "
                          "dates are YYYY-MM-DD and received_at ISO 8601", display) from exc


def load_packet(path: Path, options: LoadOptions = LoadOptions(), uri: str | None = None) -> Packet:
    """One packet (a file or a folder) as a ``Packet``; bad input sets ``packet.error``."""
    path = Path(path)
    packet_id = path.name if path.is_dir() else path.stem
    packet = Packet(packet_id=packet_id, uri=uri or str(path.resolve()))
    try:
        _fill(packet, path, options)
    except IntakeError as exc:
        packet.error = exc.to_failure()
        packet.page_sources = []
        log.info("packet %s failed to load: %s", packet_id, exc.code)
    except OSError as exc:
        packet.error = IntakeError("E_IO", f"{path.name}: cannot be read ({exc.strerror or exc}); check the file "
                                   "and its permissions", path.name).to_failure()
        packet.page_sources = []
    return packet


def _fill(packet: Packet, path: Path, options: LoadOptions) -> None:
    if path.is_dir():
        manifest_path = path / MANIFEST_NAME
        if manifest_path.is_file():
            packet.manifest = _read_manifest(manifest_path, f"{path.name}/{MANIFEST_NAME}")
        files = sorted((p for p in path.iterdir() if p.is_file() and _visible(p) and p.name != MANIFEST_NAME),
                       key=lambda p: p.name)
        skipped = [p for p in path.iterdir() if p.is_dir() and _visible(p)]
        if skipped:
            log.info("packet %s: ignoring %d sub-folders", packet.packet_id, len(skipped))
        if not files:
            raise IntakeError("E_NO_PAGES", f"{path.name}: the folder holds no document files", path.name)
        entries = [(p, p.name) for p in files]
    elif path.is_file():
        entries = [(path, path.name)]
    else:
        raise IntakeError("E_NOT_FOUND", f"{path}: no such file or folder; check the input path", str(path))

    page = 0
    for file_path, display in entries:
        for source, kind, count in _file_sources(file_path, display, options):
            packet.files.append(source)
            if page + count > options.max_pages:
                raise IntakeError(
                    "E_TOO_MANY_PAGES",
                    f"{display}: the packet has more than {options.max_pages:,} pages (at least {page + count:,}); "
                    "split it or raise LoadOptions.max_pages",
                    display,
                )
            for index in range(count):
                page += 1
                packet.page_sources.append(PageSource(page=page, file=source.path, kind=kind, index=index,
                                                      origin=source.name))
    packet.received_at = packet.manifest.received_at or max(
        (f.modified_at for f in packet.files if f.modified_at), default=None)
