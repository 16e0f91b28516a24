"""Fixtures shared by tests/storage and tests/flows (imported by both conftest.py files).

``stages``: the real packet pipeline behind ``process_packet`` / ``render_outputs``, checked on a
small born-digital packet before the test uses it.
"""

from __future__ import annotations

import shutil
import tempfile
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


@pytest.fixture
def stages() -> str:
    """The real packet pipeline behind ``process_packet`` / ``render_outputs``, checked once."""
    from pipeline.outputs import render_outputs
    from pipeline.process import ProcessOptions, process_packet

    with tempfile.TemporaryDirectory() as tmp:
        path = born_digital_pdf(Path(tmp) / "PROBE.pdf", seed=1)
        result = process_packet(path, ProcessOptions(workers=1), uri=str(path))
    assert result.report.status == "processed", result.report.error
    assert b"PROBE" in render_outputs(result)["report.json"]
    return "real"
