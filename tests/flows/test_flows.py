"""The Prefect flows under a real Prefect server (test harness), on Dask and on threads."""

from __future__ import annotations

import io
import json
import threading
import time

import pytest

from pipeline.store import ResultsStore
from tests.storage import servers
from tests.storage.packets import born_digital_pdf, corrupt_pdf, folder_packet


def upload_dir(client, bucket: str, prefix: str, root) -> None:
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        data = f.read_bytes()
        client.put_object(bucket, f"{prefix}{f.relative_to(root)}", io.BytesIO(data), len(data))


def names(client, bucket: str, prefix: str = "") -> list[str]:
    return sorted(o.object_name for o in client.list_objects(bucket, prefix=prefix, recursive=True))


def test_process_batch_on_dask_writes_reports_and_artifacts(prefect_api, dask_address, tmp_path, stages):
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.batch import process_batch

    inbox = tmp_path / "in"
    for n in range(3):
        born_digital_pdf(inbox / f"PKT-{n}.pdf", n)
    folder_packet(inbox, "CASE-9", 9)
    store_url = f"sqlite:///{tmp_path / 'results.db'}"
    rows = process_batch(str(inbox), str(tmp_path / "out"), dask_address=dask_address, store_url=store_url)
    assert [(r["packet_id"], r["state"], r["status"]) for r in rows] == \
        [("CASE-9", "completed", "processed")] + [(f"PKT-{n}", "completed", "processed") for n in range(3)]
    for r in rows:
        assert json.loads((tmp_path / "out" / r["packet_id"] / "report.json").read_text())["status"] == "processed"
    assert (tmp_path / "out" / "summary.csv").is_file() and (inbox / "PKT-0.pdf").is_file()  # not moved
    # a re-run finds everything done: nothing is processed twice
    again = process_batch(str(inbox), str(tmp_path / "out"), dask_address=dask_address, store_url=store_url)
    assert {r["state"] for r in again} == {"skipped"}
    assert {r.attempts for r in ResultsStore(store_url).records()} == {1}

    with get_client(sync_client=True) as client:
        table = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["process-batch"])))
        assert table and "CASE-9" in json.dumps(table[0].data)
