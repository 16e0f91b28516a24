"""Fixtures shared by tests/storage and tests/flows (imported by both conftest.py files).

``stages``: the packet pipeline behind ``process_packet`` / ``render_outputs``. The real one when
it processes a small born-digital packet end to end; otherwise (while the stages are still being
built, or with INTAKEIQ_TEST_STANDIN=1) a stand-in that runs the real ``load_packet`` and writes
a minimal report, so these tests exercise storage, store and flow semantics either way.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests.storage import servers
from tests.storage.packets import born_digital_pdf


@pytest.fixture(scope="session")
def s3_server():
    workdir = Path(tempfile.mkdtemp(prefix="intakeiq-moto-"))
    server = servers.MotoS3(workdir)
    server.start()
    yield server
    server.kill()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def s3_env(s3_server, monkeypatch):
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    return s3_server


@pytest.fixture
def bucket(s3_env):
    client = servers.s3_client(s3_env)
    name = f"t-{uuid.uuid4().hex[:12]}"
    client.make_bucket(name)
    return name


@pytest.fixture(scope="session")
def pg_url():
    if not servers.PostgresCluster.available():
        pytest.skip(f"PostgreSQL 15 binaries are absent ({servers.PG_BIN}); install postgresql-15")
    cluster = servers.PostgresCluster()
    url = cluster.start()
    yield url
    cluster.stop()


@functools.lru_cache(maxsize=1)
def real_pipeline_works() -> bool:
    """True when process_packet + render_outputs turn a born-digital PDF into a processed report."""
    if os.environ.get("INTAKEIQ_TEST_STANDIN") == "1":
        return False
    try:
        from pipeline.outputs import render_outputs
        from pipeline.process import ProcessOptions, process_packet

        with tempfile.TemporaryDirectory() as tmp:
            path = born_digital_pdf(Path(tmp) / "PROBE.pdf", seed=1)
            result = process_packet(path, ProcessOptions(workers=1), uri=str(path))
            return result.report.status == "processed" and b"PROBE" in render_outputs(result)["report.json"]
    except Exception:
        return False


class Standin:
    """Minimal stages: real load_packet, then a processed (or failed) report, after ``delay``."""

    delay = 0.3

    def process_packet(self, path, options, uri=None):
        from pipeline import load
        from pipeline.model import ChecklistResult, Report
        from pipeline.process import ProcessResult, failed_report, report_source

        packet = load.load_packet(Path(path), load.LoadOptions(), uri=uri)
        if packet.error is not None:
            return ProcessResult(report=failed_report(packet, packet.error, {}), packet=packet)
        time.sleep(self.delay)
        report = Report(packet_id=packet.packet_id, status="processed", source=report_source(packet),
                        page_count=len(packet.page_sources),
                        checklist=ChecklistResult(id="prior_auth_imaging", status="incomplete",
                                                  missing_documents=["clinical_note"]))
        return ProcessResult(report=report, packet=packet)

    @staticmethod
    def render_outputs(result):
        report = result.report
        return {"report.json": report.model_dump_json(indent=2).encode(),
                "report.html": f"<html><body>{report.packet_id}</body></html>".encode()}

    @staticmethod
    def summary_csv(reports):
        lines = ["packet_id,status"] + [f"{r.packet_id},{r.status}" for r in reports]
        return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def stages(monkeypatch) -> str:
    """'real' or 'standin' (see the module doc)."""
    if real_pipeline_works():
        return "real"
    import pipeline.outputs
    import pipeline.process

    standin = Standin()
    monkeypatch.setattr(pipeline.process, "process_packet", standin.process_packet)
    monkeypatch.setattr(pipeline.outputs, "render_outputs", standin.render_outputs)
    monkeypatch.setattr(pipeline.outputs, "summary_csv", standin.summary_csv)
    return "standin"
