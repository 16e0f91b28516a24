"""process_to: a batch from a local folder or an s3:// prefix into reports, via the results store."""

from __future__ import annotations

import csv
import io
import json

import pytest

from pipeline import batch, process
from pipeline.batch import process_to
from pipeline.process import ProcessOptions
from pipeline.store import ResultsStore
from tests.storage import servers
from tests.storage.packets import born_digital_pdf, corrupt_pdf, folder_packet

OPTIONS = ProcessOptions(workers=1)


def local_inbox(root):
    born_digital_pdf(root / "PKT-1.pdf", 1)
    born_digital_pdf(root / "PKT-2.pdf", 2, pages=2)
    folder_packet(root, "CASE-3", 3)
    return root


def test_local_folder_writes_reports_summary_and_leaves_sources(tmp_path, stages):
    inbox = local_inbox(tmp_path / "in")
    before = sorted(str(p.relative_to(inbox)) for p in inbox.rglob("*"))
    reports = process_to(str(inbox), tmp_path / "out", OPTIONS)
    assert [r.packet_id for r in reports] == ["CASE-3", "PKT-1", "PKT-2"]
    assert all(r.status == "processed" for r in reports)
    for r in reports:
        stored = json.loads((tmp_path / "out" / r.packet_id / "report.json").read_text())
        assert stored["packet_id"] == r.packet_id and stored["source"]["uri"].startswith(str(inbox))
        assert (tmp_path / "out" / r.packet_id / "report.html").is_file()
    assert sorted(str(p.relative_to(inbox)) for p in inbox.rglob("*")) == before  # nothing moved
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "summary.csv").read_text())))
    assert sorted(row["packet_id"] for row in rows) == ["CASE-3", "PKT-1", "PKT-2"]
    records = ResultsStore(f"sqlite:///{tmp_path / 'out' / 'results.db'}").records()
    assert sorted((r.packet_id, r.state, r.attempts) for r in records) == \
        [("CASE-3", "done", 1), ("PKT-1", "done", 1), ("PKT-2", "done", 1)]
    assert reports[1].source.sha256 == records[1].content_tag  # identity is the file's sha256


def test_rerun_skips_done_packets_unless_redo(tmp_path, stages):
    inbox = local_inbox(tmp_path / "in")
    first = process_to(str(inbox), tmp_path / "out", OPTIONS, redo=False)
    again = process_to(str(inbox), tmp_path / "out", OPTIONS, redo=False)
    assert [r.model_dump() for r in again] == [r.model_dump() for r in first]  # from the store
    store = ResultsStore(f"sqlite:///{tmp_path / 'out' / 'results.db'}")
    assert {r.attempts for r in store.records()} == {1}
    process_to(str(inbox), tmp_path / "out", OPTIONS)  # the CLI default: a fresh look
    assert {r.attempts for r in store.records()} == {2}


def test_a_crashing_stage_fails_one_packet_not_the_batch(tmp_path, stages, monkeypatch):
    inbox = local_inbox(tmp_path / "in")
    real = process.process_packet

    def crashes_on_pkt2(path, options, uri=None):
        if "PKT-2" in str(path):
            raise ZeroDivisionError("division by zero in a stage")
        return real(path, options, uri)

    monkeypatch.setattr(process, "process_packet", crashes_on_pkt2)
    reports = {r.packet_id: r for r in process_to(str(inbox), tmp_path / "out", OPTIONS)}
    assert reports["PKT-2"].status == "failed" and reports["PKT-2"].error.code == "E_INTERNAL"
    assert "ZeroDivisionError" in reports["PKT-2"].error.message
    assert reports["PKT-1"].status == reports["CASE-3"].status == "processed"
    failed = json.loads((tmp_path / "out" / "PKT-2" / "report.json").read_text())
    assert failed["status"] == "failed" and failed["source"]["files"] == ["PKT-2.pdf"]


def test_s3_inbox_mode_archives_after_reports_and_fails_the_poison(tmp_path, bucket, s3_env, stages):
    client = servers.s3_client(s3_env)
    inbox = local_inbox(tmp_path / "in")
    corrupt_pdf(inbox / "POISON.pdf")
    for f in sorted(p for p in inbox.rglob("*") if p.is_file()):
        data = f.read_bytes()
        client.put_object(bucket, f"inbox/{f.relative_to(inbox)}", io.BytesIO(data), len(data))
    reports = {r.packet_id: r for r in process_to(f"s3://{bucket}/inbox", f"s3://{bucket}/out", OPTIONS,
                                                   store_url=f"sqlite:///{tmp_path / 'r.db'}", archive=True)}
    assert reports["POISON"].status == "failed" and reports["POISON"].error.code.startswith("E_")
    assert {reports[p].status for p in ("PKT-1", "PKT-2", "CASE-3")} == {"processed"}
    names = sorted(o.object_name for o in client.list_objects(bucket, recursive=True))
    assert not [n for n in names if n.startswith("inbox/") and n.split("/")[1] not in ("processed", "failed")]
    assert "inbox/failed/POISON.pdf" in names and "inbox/processed/PKT-1.pdf" in names
    assert "inbox/processed/CASE-3/manifest.json" in names
    for packet_id in reports:
        assert f"out/{packet_id}/report.json" in names
    assert client.get_object(bucket, "inbox/failed/POISON.pdf").read() == (inbox / "POISON.pdf").read_bytes()
    summary = client.get_object(bucket, "out/summary.csv").read().decode()
    assert "POISON" in summary and "CASE-3" in summary


def test_missing_input_is_an_error_naming_the_path(tmp_path):
    from pipeline.errors import IntakeError

    with pytest.raises(IntakeError, match="missing"):
        process_to(str(tmp_path / "missing"), tmp_path / "out", OPTIONS)
    assert batch.REPORT_NAME == "report.json"


def test_an_oversized_packet_gets_a_failed_report_without_being_fetched(tmp_path, stages):
    inbox = local_inbox(tmp_path / "in")
    settings = batch.build_settings(inbox, tmp_path / "out", OPTIONS).model_copy(update={"max_packet_bytes": 100})
    jobs = [batch.run_job(settings, ref) for ref in batch.discover(settings)]
    assert [(j.packet_id, j.state, j.report.error.code) for j in jobs] == \
        [(p, "completed", "E_TOO_LARGE") for p in ("CASE-3", "PKT-1", "PKT-2")]
    assert json.loads((tmp_path / "out" / "PKT-1" / "report.json").read_text())["status"] == "failed"


def test_a_packet_that_keeps_killing_its_worker_is_failed_after_max_attempts(tmp_path, stages):
    inbox = local_inbox(tmp_path / "in")
    settings = batch.build_settings(inbox, tmp_path / "out", OPTIONS, redo=False)
    ref = {r.packet_id: r for r in batch.discover(settings)}["PKT-1"]
    store = batch.context(settings).store
    for n in range(settings.max_attempts):  # workers that died holding it: their leases ran out
        store.claim(ref.identity, ref.uri, ref.content_tag, ref.packet_id, f"dead-{n}", lease_seconds=0.0)
    job = batch.run_job(settings, ref)
    assert (job.state, job.report.status, job.report.error.code) == ("completed", "failed", "E_REPEATED_CRASH")
    assert store.record(ref.identity).attempts == settings.max_attempts + 1
