"""The Prefect flows under a real Prefect server (test harness), on Dask and on threads."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.store import ResultsStore
from tests.storage import servers
from tests.storage.packets import born_digital_pdf, corrupt_pdf, folder_packet

REPO = Path(__file__).resolve().parents[2]


def upload_dir(client, bucket: str, prefix: str, root) -> None:
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        data = f.read_bytes()
        client.put_object(bucket, f"{prefix}{f.relative_to(root)}", io.BytesIO(data), len(data))


def names(client, bucket: str, prefix: str = "") -> list[str]:
    return sorted(o.object_name for o in client.list_objects(bucket, prefix=prefix, recursive=True))


def test_process_batch_on_dask_writes_reports_and_artifacts(prefect_api, dask_address, tmp_path, stages):
    from flows.batch import process_batch

    inbox = tmp_path / "in"
    for n in range(3):
        born_digital_pdf(inbox / f"PKT-{n}.pdf", n)
    folder_packet(inbox, "CASE-9", 9)
    store_url = f"sqlite:///{tmp_path / 'results.db'}"
    run = dict(dask_address=dask_address, store_url=store_url, ocr_workers=1)
    rows = process_batch(str(inbox), str(tmp_path / "out"), **run)
    assert [(r["packet_id"], r["state"], r["status"]) for r in rows] == \
        [("CASE-9", "completed", "processed")] + [(f"PKT-{n}", "completed", "processed") for n in range(3)]
    for r in rows:
        assert json.loads((tmp_path / "out" / r["packet_id"] / "report.json").read_text())["status"] == "processed"
    assert (tmp_path / "out" / "summary.csv").is_file() and (inbox / "PKT-0.pdf").is_file()  # not moved
    # a re-run finds everything done: nothing is processed twice
    again = process_batch(str(inbox), str(tmp_path / "out"), **run)
    assert {r["state"] for r in again} == {"skipped"}
    assert {r.attempts for r in ResultsStore(store_url).records()} == {1}

    table = json.loads(read_artifacts("process-batch")[1]["data"])  # [0] is the re-run's
    assert [(row["packet_id"], row["status"]) for row in table] == \
        [("CASE-9", "processed")] + [(f"PKT-{n}", "processed") for n in range(3)]
    incomplete = [row for row in table if row["checklist_status"] == "incomplete"]
    assert incomplete, "the generated packets include incomplete ones, so the note is checked"
    note = read_artifacts("process-batch-incomplete")[0]  # one note per run (the re-run completed none)
    assert note["type"] == "markdown"
    sections = {part.split(":")[0]: part for part in note["data"].split("\n## ")[1:]}
    assert sorted(sections) == sorted(row["packet_id"] for row in incomplete)
    for row in incomplete:
        assert all(doc in sections[row["packet_id"]] for doc in row["missing"].split(", ") if doc)


def read_artifacts(key: str) -> list[dict]:
    """Artifacts under ``key``, newest first (a plain request: this client's filter helper sends
    nulls the server rejects)."""
    from prefect import get_client

    with get_client(sync_client=True) as client:
        response = client.request("POST", "/artifacts/filter", json={
            "artifacts": {"key": {"any_": [key]}}, "limit": 10, "offset": 0, "sort": "CREATED_DESC"})
        return response.json()


def test_inbox_fails_the_poison_and_processes_a_duplicate_drop_once(prefect_api, tmp_path, bucket, s3_env, stages):
    from flows.inbox import fax_inbox

    client = servers.s3_client(s3_env)
    drop = tmp_path / "drop"
    born_digital_pdf(drop / "FAX-1.pdf", 1)
    born_digital_pdf(drop / "FAX-2.pdf", 2)
    corrupt_pdf(drop / "POISON.pdf")
    upload_dir(client, bucket, "inbox/", drop)
    store_url = f"sqlite:///{tmp_path / 'results.db'}"
    run = dict(inbox=f"s3://{bucket}/inbox", out=f"s3://{bucket}/out", store_url=store_url, settle_seconds=0,
               ocr_workers=1)
    rows = {r["packet_id"]: r for r in fax_inbox(**run)}
    assert {p: (r["state"], r["status"]) for p, r in rows.items()} == {
        "FAX-1": ("archived", "processed"), "FAX-2": ("archived", "processed"), "POISON": ("archived", "failed")}
    assert names(client, bucket, "inbox/") == ["inbox/failed/POISON.pdf", "inbox/processed/FAX-1.pdf",
                                               "inbox/processed/FAX-2.pdf"]
    poison = json.loads(client.get_object(bucket, "out/POISON/report.json").read())
    assert poison["status"] == "failed" and poison["error"]["code"].startswith("E_")
    first_write = client.stat_object(bucket, "out/FAX-1/report.json").last_modified

    time.sleep(1.1)  # S3 times have one-second resolution
    upload_dir(client, bucket, "inbox/", _only(drop, "FAX-1.pdf", tmp_path))  # the same fax, sent again
    again = {r["packet_id"]: r for r in fax_inbox(**run)}
    assert again == {"FAX-1": {"packet_id": "FAX-1", "state": "skipped", "status": "processed", "report": None}}
    assert client.stat_object(bucket, "out/FAX-1/report.json").last_modified == first_write  # not rewritten
    assert names(client, bucket, "inbox/") == ["inbox/failed/POISON.pdf", "inbox/processed/FAX-1.pdf",
                                               "inbox/processed/FAX-2.pdf"]  # the duplicate was archived
    records = ResultsStore(store_url).records()
    assert sorted((r.packet_id, r.attempts, r.state) for r in records) == \
        [("FAX-1", 1, "done"), ("FAX-2", 1, "done"), ("POISON", 1, "done")]
    assert "POISON" in client.get_object(bucket, "out/summary.csv").read().decode()


def _only(drop, name, tmp_path):
    one = tmp_path / "one"
    one.mkdir(exist_ok=True)
    (one / name).write_bytes((drop / name).read_bytes())
    return one


def test_two_concurrent_inbox_runs_process_each_packet_once(prefect_api, tmp_path, bucket, s3_env, stages):
    """Two fax-inbox flow runs in two OS processes, started together against the same Prefect API,
    S3 server, inbox and SQLite results store. The bucket is versioned, so a report written twice
    would leave two versions: each packet must have exactly one report version and one processed/
    source, and the runs must have overlapped in time (start/end as the Prefect server saw them)."""
    from minio.versioningconfig import ENABLED, VersioningConfig
    from prefect.settings import PREFECT_API_URL

    client = servers.s3_client(s3_env)
    client.set_bucket_versioning(bucket, VersioningConfig(ENABLED))
    drop = tmp_path / "drop"
    for n in range(6):
        born_digital_pdf(drop / f"FAX-{n}.pdf", n)
    upload_dir(client, bucket, "inbox/", drop)
    store_url = f"sqlite:///{tmp_path / 'results.db'}"
    env = dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()), INTAKEIQ_TEST_RUNS="2",
               OMP_THREAD_LIMIT="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    results = [tmp_path / f"run-{n}.json" for n in range(2)]
    procs = [subprocess.Popen([sys.executable, "-m", "tests.flows.inbox_run", f"s3://{bucket}/inbox",
                               f"s3://{bucket}/out", store_url, str(tmp_path / "barrier"), str(result)],
                              cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for result in results]
    try:
        outputs = [proc.communicate(timeout=300)[0] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert [proc.returncode for proc in procs] == [0, 0], [o[-3000:] for o in outputs]
    runs = [json.loads(result.read_text()) for result in results]
    assert runs[0]["pid"] != runs[1]["pid"] and runs[0]["flow_run_id"] != runs[1]["flow_run_id"]

    seen = [read_flow_run(run["flow_run_id"]) for run in runs]  # as recorded by the Prefect server
    assert [(f["name"], f["state_type"]) for f in seen] == [("fax-inbox", "COMPLETED")] * 2, seen
    starts, ends = [f["start_time"] for f in seen], [f["end_time"] for f in seen]
    assert max(starts) < min(ends), f"the flow runs did not overlap: {seen}"
    assert max(r["started"] for r in runs) < min(r["ended"] for r in runs)

    archived = [r["packet_id"] for run in runs for r in run["rows"] if r["state"] == "archived"]
    assert sorted(archived) == [f"FAX-{n}" for n in range(6)]  # each processed by exactly one of the runs
    assert all(r["state"] in ("archived", "skipped") for run in runs for r in run["rows"])
    versions = [o.object_name for o in client.list_objects(bucket, prefix="out/", recursive=True, include_version=True)
                if not o.is_delete_marker]
    assert sorted(n for n in versions if n.endswith("report.json")) == [f"out/FAX-{n}/report.json" for n in range(6)]
    assert names(client, bucket, "inbox/") == [f"inbox/processed/FAX-{n}.pdf" for n in range(6)]
    assert [(r.attempts, r.state) for r in ResultsStore(store_url).records()] == [(1, "done")] * 6


def read_flow_run(flow_run_id: str) -> dict:
    from prefect import get_client

    with get_client(sync_client=True) as client:
        run = client.read_flow_run(flow_run_id)
        flow = client.read_flow(run.flow_id)
    return {"name": flow.name, "state_type": run.state_type.value if run.state_type else None,
            "start_time": run.start_time, "end_time": run.end_time}


def test_s3_server_killed_mid_batch_then_restarted(prefect_api, tmp_path, bucket, s3_env, stages):
    """kill -9 the S3 server while the inbox flow runs; it comes back (same state) 2 s later.
    The I/O tasks retry; every packet ends with one report and its source in processed/."""
    from flows.inbox import fax_inbox

    client = servers.s3_client(s3_env)
    drop = tmp_path / "drop"
    for n in range(6):
        born_digital_pdf(drop / f"FAX-{n}.pdf", n, pages=2)
    upload_dir(client, bucket, "inbox/", drop)
    store_url = f"sqlite:///{tmp_path / 'results.db'}"
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["rows"] = fax_inbox(f"s3://{bucket}/inbox", f"s3://{bucket}/out", store_url=store_url,
                                        settle_seconds=0, local_workers=2, ocr_workers=1)
        except BaseException as exc:
            outcome["error"] = exc

    flow_thread = threading.Thread(target=run)
    flow_thread.start()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not [n for n in names(client, bucket, "out/") if n.endswith("report.json")]:
        time.sleep(0.2)
    reports_before = len([n for n in names(client, bucket, "out/") if n.endswith("report.json")])
    s3_env.restart(down_seconds=2.0)
    flow_thread.join(timeout=300)
    assert "error" not in outcome, outcome.get("error")
    assert reports_before < 6, "the batch finished before the server went down; nothing was tested"
    client = servers.s3_client(s3_env)
    assert [r["state"] for r in outcome["rows"]] == ["archived"] * 6
    written = names(client, bucket, "out/")
    assert {n.split("/")[1] for n in written if n != "out/summary.csv"} == {f"FAX-{n}" for n in range(6)}
    assert all(f"out/FAX-{n}/report.json" in written for n in range(6))
    assert names(client, bucket, "inbox/") == [f"inbox/processed/FAX-{n}.pdf" for n in range(6)]
    for n in range(6):  # no source lost or damaged
        assert client.get_object(bucket, f"inbox/processed/FAX-{n}.pdf").read() == (drop / f"FAX-{n}.pdf").read_bytes()
    assert [r.attempts for r in ResultsStore(store_url).records()] == [1] * 6
