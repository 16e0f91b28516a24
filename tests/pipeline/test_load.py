"""Loading packets: every input kind, page numbering, manifest, media type from content."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from pipeline.load import LoadOptions, discover, load_packet
from tests.pipeline.conftest import write_png, write_text_pdf, write_tiff


def test_discover_children_and_folder_packets(tmp_path: Path) -> None:
    write_text_pdf(tmp_path / "b.pdf")
    write_png(tmp_path / "a.png")
    (tmp_path / ".hidden.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "PKT-9").mkdir()
    (tmp_path / "PKT-9" / "manifest.json").write_text("{}")
    assert [p.name for p in discover(tmp_path)] == ["PKT-9", "a.png", "b.pdf"]
    assert discover(tmp_path / "PKT-9") == [tmp_path / "PKT-9"]
    assert discover(tmp_path / "b.pdf") == [tmp_path / "b.pdf"]


def test_single_pdf_packet(text_pdf: Path) -> None:
    packet = load_packet(text_pdf)
    assert packet.error is None
    assert packet.packet_id == "born"
    assert packet.files[0].media_type == "application/pdf"
    assert packet.files[0].sha256 == hashlib.sha256(text_pdf.read_bytes()).hexdigest()
    assert packet.files[0].size == text_pdf.stat().st_size
    assert [(s.page, s.kind, s.index) for s in packet.page_sources] == [(1, "pdf", 0), (2, "pdf", 1)]
    mtime = datetime.fromtimestamp(text_pdf.stat().st_mtime, tz=timezone.utc)
    assert packet.received_at == mtime


def test_folder_packet_numbers_pages_across_files_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "PA-0007"
    folder.mkdir()
    write_tiff(folder / "2_fax.tif", frames=2)
    write_text_pdf(folder / "1_order.pdf", pages=2)
    write_png(folder / "3_card.png")
    (folder / "manifest.json").write_text(json.dumps(
        {"workflow": "prior_auth_imaging", "case_id": "C-1", "service_date": "2026-01-05",
         "received_at": "2026-01-02T09:30:00Z", "note": "unknown keys are ignored"}))
    packet = load_packet(folder)
    assert packet.error is None
    assert packet.packet_id == "PA-0007"
    assert [f.name for f in packet.files] == ["1_order.pdf", "2_fax.tif", "3_card.png"]
    assert [(s.page, s.kind, s.index, s.origin) for s in packet.page_sources] == [
        (1, "pdf", 0, "1_order.pdf"), (2, "pdf", 1, "1_order.pdf"),
        (3, "tiff", 0, "2_fax.tif"), (4, "tiff", 1, "2_fax.tif"), (5, "image", 0, "3_card.png")]
    assert packet.manifest.workflow == "prior_auth_imaging"
    assert packet.manifest.service_date.isoformat() == "2026-01-05"
    assert packet.received_at == datetime(2026, 1, 2, 9, 30, tzinfo=timezone.utc)


def test_malformed_manifest_is_a_failure_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "P1"
    folder.mkdir()
    write_png(folder / "a.png")
    (folder / "manifest.json").write_text("{not json")
    packet = load_packet(folder)
    assert packet.error is not None and packet.error.code == "E_MANIFEST"
    assert "manifest.json" in packet.error.message
    (folder / "manifest.json").write_text(json.dumps({"service_date": "14/03/2026"}))
    packet = load_packet(folder)
    assert packet.error.code == "E_MANIFEST" and "service_date" in packet.error.message


def test_media_type_comes_from_content_not_extension(tmp_path: Path) -> None:
    fake = write_png(tmp_path / "really_png.pdf")
    packet = load_packet(fake)
    assert packet.error is None
    assert packet.files[0].media_type == "image/png"
    assert packet.page_sources[0].kind == "image"


def test_multipage_fax_tiff(fax_tiff: Path) -> None:
    packet = load_packet(fax_tiff)
    assert packet.error is None
    assert packet.files[0].media_type == "image/tiff"
    assert [(s.page, s.index) for s in packet.page_sources] == [(1, 0), (2, 1)]


def test_eml_attachments_become_pages(eml_file: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    packet = load_packet(eml_file, LoadOptions(work_dir=work))
    assert packet.error is None, packet.error
    assert packet.packet_id == "inbox"
    assert [f.name for f in packet.files] == ["inbox.eml:referral.pdf", "inbox.eml:scan.tif"]
    assert [(s.page, s.kind) for s in packet.page_sources] == [(1, "pdf"), (2, "tiff")]
    for f in packet.files:  # extracted under work_dir, keyed by the attachment's sha256
        assert Path(f.path).parent == work / f.sha256
        assert hashlib.sha256(Path(f.path).read_bytes()).hexdigest() == f.sha256
    mtime = datetime.fromtimestamp(os.stat(eml_file).st_mtime, tz=timezone.utc)
    assert packet.received_at == mtime


def test_png_and_jpeg(tmp_path: Path) -> None:
    from PIL import Image

    png = write_png(tmp_path / "a.png")
    Image.open(png).convert("RGB").save(tmp_path / "b.jpg", quality=80)
    for path, media in ((png, "image/png"), (tmp_path / "b.jpg", "image/jpeg")):
        packet = load_packet(path)
        assert packet.error is None and packet.files[0].media_type == media
        assert len(packet.page_sources) == 1
