"""Deployments and boundaries that need no Prefect server: prefect.yaml, serve, imports."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def test_prefect_yaml_entrypoints_load_and_take_the_parameters():
    from prefect.flows import load_flow_from_entrypoint

    spec = yaml.safe_load((REPO / "prefect.yaml").read_text())
    deployments = {d["name"]: d for d in spec["deployments"]}
    assert set(deployments) == {"process-batch", "fax-inbox"}
    for d in deployments.values():
        flow = load_flow_from_entrypoint(str(REPO / d["entrypoint"]))
        accepted = set(inspect.signature(flow.fn).parameters)
        assert set(d["parameters"]) <= accepted, (d["name"], set(d["parameters"]) - accepted)
    assert deployments["fax-inbox"]["schedules"][0]["interval"] == 60


def test_serve_deployment_polls_on_the_interval():
    from flows.serve import deployment

    served = deployment("s3://bkt/inbox", "s3://bkt/out", interval=30)
    assert served.name == "fax-inbox" and served.parameters["inbox"] == "s3://bkt/inbox"
    assert served.schedules[0].schedule.interval.total_seconds() == 30


def test_pipeline_never_imports_prefect():
    """No prefect import anywhere in pipeline/; flows/ only lazily, for `intakeiq serve`."""
    offenders = []
    for path in (REPO / "pipeline").rglob("*.py"):
        tree = ast.parse(path.read_text())
        top_level = set(map(id, tree.body))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                root = name.split(".")[0]
                if root == "prefect" or (root == "flows" and id(node) in top_level):
                    offenders.append(f"{path.relative_to(REPO)}: {name}")
    assert offenders == []
