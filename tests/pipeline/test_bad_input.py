"""Bad input is recorded as a Failure naming the file and the fix; it never stops the others."""

from __future__ import annotations

import io
import itertools
import time
import zipfile
from pathlib import Path

import pymupdf
import pytest
from PIL import Image

from pipeline.load import LoadOptions, discover, load_packet
from pipeline.model import Packet, PageSource
from pipeline.read import ReadOptions, read_pages
from tests.pipeline.conftest import text_page, write_png, write_text_pdf, write_tiff


def failure(path: Path, options: LoadOptions = LoadOptions()):
    packet = load_packet(path, options)
    assert packet.error is not None, f"{path.name} should fail"
    assert packet.page_sources == []
    assert path.name in packet.error.message and path.name in (packet.error.file or "")
    return packet.error


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    err = failure(path)
    assert err.code == "E_EMPTY" and "0 bytes" in err.message


def test_truncated_pdf(tmp_path: Path) -> None:
    whole = write_text_pdf(tmp_path / "whole.pdf", pages=3).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    assert failure(path).code == "E_TRUNCATED"


def test_garbage_after_pdf_magic_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert failure(path).code in ("E_CORRUPT", "E_TRUNCATED")


def test_truncated_tiff(tmp_path: Path) -> None:
    whole = write_tiff(tmp_path / "whole.tif", frames=1).read_bytes()
    path = tmp_path / "cut.tif"
    path.write_bytes(whole[: len(whole) // 2])
    assert failure(path).code in ("E_TRUNCATED", "E_CORRUPT")


def test_truncated_png(tmp_path: Path) -> None:
    whole = write_png(tmp_path / "whole.png").read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(whole[: len(whole) // 2])
    assert failure(path).code == "E_TRUNCATED"


def _encrypted(path: Path, user_pw: str) -> Path:
    doc = pymupdf.open()
    text_page(doc)
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner-secret", user_pw=user_pw)
    return path


def test_encrypted_pdf_needing_a_password(tmp_path: Path) -> None:
    err = failure(_encrypted(tmp_path / "locked.pdf", "s3cret"))
    assert err.code == "E_ENCRYPTED" and "needs a password" in err.message


def test_encrypted_pdf_with_empty_password_is_read(tmp_path: Path) -> None:
    path = _encrypted(tmp_path / "owner_only.pdf", "")
    packet = load_packet(path)
    assert packet.error is None
    pages = list(read_pages(packet, ReadOptions(workers=1)))
    assert pages[0].method == "text_layer" and "Lopez" in pages[0].text


def test_2000_page_pdf_loads_cheaply_or_is_refused_by_max_pages(tmp_path: Path) -> None:
    doc = pymupdf.open()
    text_page(doc)
    for _ in range(1999):
        doc.fullcopy_page(0)
    path = tmp_path / "huge.pdf"
    doc.save(path)
    started = time.perf_counter()
    packet = load_packet(path)  # within the default limit: counted, not rendered
    assert packet.error is None and len(packet.page_sources) == 2000
    assert packet.page_sources[-1].page == 2000
    assert time.perf_counter() - started < 10
    # reading is a sliding window: the first pages come back without rendering the other 1,995
    started = time.perf_counter()
    reader = read_pages(packet, ReadOptions(workers=2))
    first = list(itertools.islice(reader, 5))
    reader.close()
    assert [p.page for p in first] == [1, 2, 3, 4, 5] and all(p.method == "text_layer" for p in first)
    assert time.perf_counter() - started < 30
    err = failure(path, LoadOptions(max_pages=1000))
    assert err.code == "E_TOO_MANY_PAGES" and "max_pages" in err.message and "1,000" in err.message


def test_decompression_bomb_with_small_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    Image.new("1", (4000, 4000), 1).save(path)  # 16 M pixels in a few KB
    assert path.stat().st_size < 100_000
    err = failure(path, LoadOptions(max_image_pixels=5_000_000))
    assert err.code == "E_IMAGE_TOO_LARGE" and "max_image_pixels" in err.message
    assert load_packet(path).error is None  # the default limit allows it


def test_over_max_file_bytes(tmp_path: Path) -> None:
    path = write_text_pdf(tmp_path / "big.pdf")
    err = failure(path, LoadOptions(max_file_bytes=100))
    assert err.code == "E_TOO_LARGE" and "max_file_bytes" in err.message


@pytest.mark.parametrize("name,content", [
    ("notes.pdf", b"Patient called, please fax the order again.\n"),
    ("bundle.tif", None),
])
def test_non_document_is_unsupported(tmp_path: Path, name: str, content: bytes | None) -> None:
    path = tmp_path / name
    if content is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("a.txt", "x")
        content = buf.getvalue()
    path.write_bytes(content)
    err = failure(path)
    assert err.code == "E_UNSUPPORTED"


def test_one_bad_packet_does_not_stop_the_others(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_text_pdf(inbox / "a_good.pdf")
    (inbox / "b_bad.pdf").write_bytes(b"")
    folder = inbox / "c_folder"
    folder.mkdir()
    write_text_pdf(folder / "1.pdf")
    _encrypted(folder / "2.pdf", "pw")  # one bad file fails its whole folder packet
    write_text_pdf(inbox / "d_good.pdf", pages=2)
    results = {}
    for path in discover(inbox):
        packet = load_packet(path)
        pages = [] if packet.error else list(read_pages(packet, ReadOptions(workers=1)))
        results[packet.packet_id] = (packet.error.code if packet.error else None, len(pages))
    assert results == {"a_good": (None, 1), "b_bad": ("E_EMPTY", 0), "c_folder": ("E_ENCRYPTED", 0),
                       "d_good": (None, 2)}


def test_a_page_that_fails_to_read_is_recorded_and_the_rest_go_on(tmp_path: Path) -> None:
    good = write_text_pdf(tmp_path / "good.pdf")
    broken = tmp_path / "gone.tif"  # removed between loading and reading
    packet = Packet(packet_id="p", uri="x", page_sources=[
        PageSource(page=1, file=str(good), kind="pdf", origin="good.pdf"),
        PageSource(page=2, file=str(broken), kind="tiff", origin="gone.tif"),
        PageSource(page=3, file=str(good), kind="pdf", origin="good.pdf"),
    ])
    pages = list(read_pages(packet, ReadOptions(workers=2)))
    assert [p.page for p in pages] == [1, 2, 3]
    assert pages[1].error is not None and pages[1].error.code == "E_READ" and pages[1].method == "ocr"
    assert "gone.tif" in pages[1].error.message and pages[1].words == []
    assert pages[0].error is None and pages[2].error is None and "Lopez" in pages[2].text


def test_eml_without_document_attachments(tmp_path: Path) -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "clinic@example.org"
    message["To"] = "intake@example.org"
    message["Subject"] = "no documents"
    message.set_content("The referral will follow.")
    message.add_attachment(b"just notes", maintype="text", subtype="plain", filename="notes.txt")
    path = tmp_path / "empty_mail.eml"
    path.write_bytes(message.as_bytes())
    err = failure(path, LoadOptions(work_dir=tmp_path / "work"))
    assert err.code == "E_NO_PAGES" and "attachment" in err.message
    assert not (tmp_path / "work").exists()  # nothing extracted for a non-document attachment


def test_bad_attachment_is_named_inside_its_email(tmp_path: Path) -> None:
    from email.message import EmailMessage

    locked = _encrypted(tmp_path / "locked.pdf", "pw").read_bytes()
    message = EmailMessage()
    message["From"] = "clinic@example.org"
    message["To"] = "intake@example.org"
    message.set_content("attached")
    message.add_attachment(locked, maintype="application", subtype="pdf", filename="order.pdf")
    path = tmp_path / "mail.eml"
    path.write_bytes(message.as_bytes())
    err = failure(path, LoadOptions(work_dir=tmp_path / "work"))
    assert err.code == "E_ENCRYPTED" and err.file == "mail.eml:order.pdf"
