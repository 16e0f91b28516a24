"""Storage adapters against a moto S3 server process and the local file system."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import timezone
from pathlib import Path

import pytest

from pipeline.errors import IntakeError
from pipeline.load import discover
from pipeline.storage import (LocalSource, S3Settings, open_sink, open_source, parse_location)
from tests.storage import servers
from tests.storage.packets import born_digital_pdf, folder_packet


def put(client, bucket: str, key: str, data: bytes) -> None:
    client.put_object(bucket, key, io.BytesIO(data), len(data))


def keys(client, bucket: str, prefix: str = "") -> list[str]:
    return sorted(o.object_name for o in client.list_objects(bucket, prefix=prefix, recursive=True))


@pytest.fixture
def inbox(bucket, s3_env, tmp_path):
    """inbox/: two file packets, a folder packet, a hidden file, a nested folder and archives."""
    client = servers.s3_client(s3_env)
    a = born_digital_pdf(tmp_path / "A.pdf", 1).read_bytes()
    put(client, bucket, "inbox/A.pdf", a)
    put(client, bucket, "inbox/B.tif", b"II*\x00not-really-a-tiff")
    folder = folder_packet(tmp_path, "CASE-7", 7)
    for f in sorted(folder.iterdir()):
        put(client, bucket, f"inbox/CASE-7/{f.name}", f.read_bytes())
    put(client, bucket, "inbox/CASE-7/deeper/ignored.pdf", b"x")
    put(client, bucket, "inbox/.upload-tmp", b"partial")
    put(client, bucket, "inbox/processed/OLD.pdf", b"old")
    put(client, bucket, "outside.pdf", b"not in the inbox")
    return client, a


def test_settings_from_env_and_uri_parsing(s3_env):
    settings = S3Settings.from_env()
    assert settings.endpoint_url == s3_env.endpoint and settings.access_key.get_secret_value() == servers.ACCESS_KEY
    assert "testing-secret" not in repr(settings) and "testing-secret" not in settings.model_dump_json()
    assert parse_location("s3://bkt/in/box").model_dump() == {"scheme": "s3", "bucket": "bkt", "prefix": "in/box"}
    assert parse_location("file:///tmp/x").prefix == "/tmp/x"
    with pytest.raises(IntakeError, match="only local paths"):
        parse_location("ftp://host/x")
    with pytest.raises(IntakeError, match="http"):
        S3Settings(endpoint_url="127.0.0.1:9000").client()


def test_s3_lists_packets_by_the_local_folder_rules(bucket, inbox):
    refs = open_source(f"s3://{bucket}/inbox/").list_packets(exclude_reserved=True)
    assert [(r.packet_id, r.kind) for r in refs] == [("A", "file"), ("B", "file"), ("CASE-7", "folder")]
    case = refs[2]
    assert [m.name for m in case.members] == ["01-note.pdf", "02-note.pdf", "manifest.json"]
    assert refs[0].uri == f"s3://{bucket}/inbox/A.pdf"
    assert refs[0].content_tag == hashlib.md5(inbox[1]).hexdigest()  # single-part ETag
    assert refs[0].modified_at is not None and refs[0].modified_at.tzinfo is not None
    # without inbox mode, processed/ is just another folder packet; no trailing slash works too
    assert "processed" in [r.name for r in open_source(f"s3://{bucket}/inbox").list_packets()]
    # a single object URI is one packet; a prefix holding manifest.json is one folder packet
    assert [r.packet_id for r in open_source(f"s3://{bucket}/inbox/A.pdf").list_packets()] == ["A"]
    only = open_source(f"s3://{bucket}/inbox/CASE-7").list_packets()
    assert [(r.packet_id, r.kind, len(r.members)) for r in only] == [("CASE-7", "folder", 3)]


def test_fetch_keeps_bytes_identity_and_received_time(bucket, inbox, tmp_path):
    source = open_source(f"s3://{bucket}/inbox/")
    refs = {r.packet_id: r for r in source.list_packets(exclude_reserved=True)}
    fetched = source.fetch(refs["A"])
    path = fetched.materialize(tmp_path / "work")
    assert path.name == "A.pdf" and path.read_bytes() == inbox[1]
    assert abs(path.stat().st_mtime - refs["A"].modified_at.timestamp()) < 1
    folder = source.fetch(refs["CASE-7"]).materialize(tmp_path / "work2")
    assert sorted(p.name for p in folder.iterdir()) == ["01-note.pdf", "02-note.pdf", "manifest.json"]
    from pipeline.load import load_packet

    packet = load_packet(folder, uri=refs["CASE-7"].uri)
    assert packet.packet_id == "CASE-7" and packet.manifest.case_id == "C-7" and packet.error is None
    assert packet.received_at.astimezone(timezone.utc).replace(microsecond=0) == \
        refs["CASE-7"].modified_at.replace(microsecond=0)


def test_archive_moves_only_after_copy_verifies_and_is_repeatable(bucket, inbox):
    client = inbox[0]
    source = open_source(f"s3://{bucket}/inbox/")
    refs = {r.packet_id: r for r in source.list_packets(exclude_reserved=True)}
    assert source.archive(refs["A"], "processed") == f"s3://{bucket}/inbox/processed/A.pdf"
    assert source.archive(refs["A"], "processed") == f"s3://{bucket}/inbox/processed/A.pdf"  # retried: no-op
    source.archive(refs["CASE-7"], "failed")
    assert keys(client, bucket, "inbox/failed/") == [f"inbox/failed/CASE-7/{n}" for n in
                                                     ("01-note.pdf", "02-note.pdf", "manifest.json")]
    assert "inbox/CASE-7/01-note.pdf" not in keys(client, bucket)
    assert client.get_object(bucket, "inbox/processed/A.pdf").read() == inbox[1]
    # a different file dropped later under the same name does not overwrite the archived one
    put(client, bucket, "inbox/A.pdf", b"%PDF-1.4 corrected resend")
    new = {r.packet_id: r for r in source.list_packets(exclude_reserved=True)}["A"]
    moved = source.archive(new, "processed")
    assert moved != f"s3://{bucket}/inbox/processed/A.pdf"
    assert client.get_object(bucket, "inbox/processed/A.pdf").read() == inbox[1]


def test_s3_sink_writes_and_verifies(bucket, s3_env):
    sink = open_sink(f"s3://{bucket}/out")
    uri = sink.write("P1/report.json", b'{"ok": true}')
    assert uri == f"s3://{bucket}/out/P1/report.json"
    assert sink.read("P1/report.json") == b'{"ok": true}' and sink.exists("P1/report.json")
    assert sink.read("nope.json") is None and not sink.exists("nope.json")


def test_local_source_matches_load_discover_and_archives_in_place(tmp_path):
    inbox = tmp_path / "inbox"
    born_digital_pdf(inbox / "A.pdf", 1)
    folder_packet(inbox, "CASE-7", 7)
    (inbox / ".hidden.pdf").write_bytes(b"x")
    (inbox / "processed").mkdir()
    source = LocalSource(parse_location(inbox))
    refs = source.list_packets(exclude_reserved=True)
    assert [r.uri for r in refs] == [str(p) for p in discover(inbox) if p.name != "processed"]
    assert refs[0].content_tag == hashlib.sha256((inbox / "A.pdf").read_bytes()).hexdigest()
    assert source.fetch(refs[0]).materialize(tmp_path / "unused") == inbox / "A.pdf"  # read in place
    assert source.archive(refs[1], "processed") == str(inbox / "processed" / "CASE-7")
    assert (inbox / "processed" / "CASE-7" / "manifest.json").is_file() and not (inbox / "CASE-7").exists()
    with pytest.raises(IntakeError, match="no such file"):
        open_source(tmp_path / "missing").list_packets()


def test_local_sink_is_atomic(tmp_path):
    sink = open_sink(tmp_path / "out")
    sink.write("P/report.json", b"{}")
    assert (tmp_path / "out" / "P" / "report.json").read_bytes() == b"{}"
    assert not [p for p in (tmp_path / "out" / "P").iterdir() if p.name.endswith(".tmp")]
    assert os.listdir(tmp_path / "out") == ["P"]
