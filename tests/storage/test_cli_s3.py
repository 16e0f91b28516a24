"""`intakeiq process s3://... --out s3://...` as a user runs it: a subprocess, AWS_* variables."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.storage import servers
from tests.storage.packets import born_digital_pdf, corrupt_pdf


def test_cli_processes_an_s3_prefix_into_an_s3_prefix(tmp_path, bucket, s3_env):
    client = servers.s3_client(s3_env)
    drop = tmp_path / "drop"
    born_digital_pdf(drop / "PKT-1.pdf", 1)
    corrupt_pdf(drop / "BAD.pdf")
    for f in sorted(drop.iterdir()):
        client.put_object(bucket, f"batch/{f.name}", io.BytesIO(f.read_bytes()), f.stat().st_size)
    env = dict(os.environ, **s3_env.env(), INTAKEIQ_STORE_URL=f"sqlite:///{tmp_path / 'results.db'}")
    cli = Path(sys.executable).with_name("intakeiq")
    done = subprocess.run([str(cli), "process", f"s3://{bucket}/batch", "--out", f"s3://{bucket}/reports",
                           "--workers", "1", "-q"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 packets" in done.stderr and "ERROR" not in done.stderr, done.stderr[-3000:]
    names = sorted(o.object_name for o in client.list_objects(bucket, recursive=True))
    assert "reports/PKT-1/report.json" in names and "reports/BAD/report.json" in names
    assert "batch/PKT-1.pdf" in names and "batch/BAD.pdf" in names  # process never moves sources
    bad = json.loads(client.get_object(bucket, "reports/BAD/report.json").read())
    assert bad["status"] == "failed" and bad["source"]["uri"] == f"s3://{bucket}/batch/BAD.pdf"
    good = json.loads(client.get_object(bucket, "reports/PKT-1/report.json").read())
    assert good["source"]["sha256"] == __import__("hashlib").sha256((drop / "PKT-1.pdf").read_bytes()).hexdigest()
    rows = list(csv.DictReader(io.StringIO(client.get_object(bucket, "reports/summary.csv").read().decode())))
    assert sorted(r["packet_id"] for r in rows) == ["BAD", "PKT-1"]
    # the fetched copy kept the object's time: received_at falls back to it
    if good["status"] == "processed" and good.get("checklist", {}).get("reference_date_source"):
        assert good["checklist"]["reference_date_source"]
