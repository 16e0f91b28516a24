"""Orchestration overhead: the Prefect ``process-batch`` flow against ``intakeiq process`` on the
same files, for two batches of about 100 pages each:

- born-digital: copies of the born-digital sample packets. Little OCR, so the flow's fixed costs
  (Prefect import, flow run start and end, artifacts) weigh most: the worst case;
- mixed: the sample packets as they come (born-digital, scanned, fax, photo, folder packets),
  where OCR dominates, as in real intake traffic.

    python -m bench.flow [--pages 100] [--mixed-pages 100] [--workers N] [--repeats 1] [--batches born-digital,mixed]

Both sides start a fresh interpreter, load the classifier and process every packet once (fresh
output folder and results store each time) with the same parallelism: one packet at a time and
``--workers`` OCR processes (default: one per core, the CLI's default), i.e. ``intakeiq process
--workers N`` against ``process_batch(local_workers=1, ocr_workers=N)``. With ``--repeats`` > 1
the sides alternate (CLI, flow, flow, CLI, ...) and the fastest run of each side counts. The flow
talks to a Prefect server the bench starts first (the test harness's, on SQLite); its start-up
is reported but not counted, since a deployed flow finds its server running. An empty batch on
each side shows the fixed start-up and shutdown cost. Goal: flow time <= 1.10 x CLI time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

TITLE = "Prefect flow vs intakeiq process (orchestration overhead)"
REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
GOAL = 0.10


def sample_packets(samples: Path = SAMPLES, rendering: str | None = None) -> list[tuple[Path, int, str]]:
    """(packet path, page count, rendering) per sample packet, in name order; one rendering or all."""
    found = []
    for truth_path in sorted((samples / "truth").glob("*.json")):
        truth = json.loads(truth_path.read_text())
        source = samples / "packets" / truth["source"]
        if source.exists() and (rendering is None or truth.get("rendering") == rendering):
            found.append((source, len(truth["pages"]), truth.get("rendering", "?")))
    return found


def make_batch(dest: Path, pages_goal: int, packets: list[tuple[Path, int, str]]) -> dict:
    """Copy packets (cycling, under new names so each copy is a packet of its own) into ``dest``
    until ``pages_goal`` pages; returns what the batch holds."""
    if not packets:
        raise SystemExit("no sample packets under samples/ (run python -m samples.generate first)")
    dest.mkdir(parents=True)
    pages = count = 0
    mix: Counter[str] = Counter()
    while pages < pages_goal:
        source, n, rendering = packets[count % len(packets)]
        name = f"B{count:03d}-{source.name}"
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
        pages += n
        mix[rendering] += n
        count += 1
    return {"packets": count, "pages": pages, "pages_by_rendering": dict(sorted(mix.items()))}


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} exited {done.returncode}: {done.stderr[-2000:]}")
    return elapsed


def cli_cmd(source: Path, out: Path, workers: int) -> list[str]:
    return [str(Path(sys.executable).with_name("intakeiq")), "process", str(source), "--out", str(out),
            "--workers", str(workers), "-q"]


def flow_cmd(source: Path, out: Path, workers: int) -> list[str]:
    code = (f"from flows.batch import process_batch; process_batch({str(source)!r}, {str(out)!r}, "
            f"local_workers=1, ocr_workers={workers})")
    return [sys.executable, "-c", code]


def report_count(out: Path) -> int:
    return len(list(out.glob("*/report.json")))


def load() -> float:
    return round(os.getloadavg()[0], 2)


def compare(work: Path, name: str, batch: dict, workers: int, repeats: int, env: dict, flow_env: dict) -> dict:
    """CLI and flow on the same batch folder, alternating; the fastest run of each side counts."""
    source = work / name
    runs: dict[str, list[float]] = {"cli": [], "flow": []}
    loads = [load()]
    order = [side for n in range(repeats) for side in (("cli", "flow") if n % 2 == 0 else ("flow", "cli"))]
    for n, side in enumerate(order):
        out = work / f"{name}-{side}-{n}"
        cmd = cli_cmd(source, out, workers) if side == "cli" else flow_cmd(source, out, workers)
        runs[side].append(timed(cmd, env if side == "cli" else flow_env))
        loads.append(load())
        if report_count(out) != batch["packets"]:
            raise RuntimeError(f"{name}: expected {batch['packets']} reports from the {side}, got {report_count(out)}")
        shutil.rmtree(out, ignore_errors=True)
    cli_s, flow_s = min(runs["cli"]), min(runs["flow"])
    return {**batch, "cli_s": round(cli_s, 2), "flow_s": round(flow_s, 2),
            "overhead_pct": round(100 * (flow_s - cli_s) / cli_s, 1), "met": (flow_s - cli_s) / cli_s <= GOAL,
            "cli_runs_s": [round(t, 2) for t in runs["cli"]], "flow_runs_s": [round(t, 2) for t in runs["flow"]],
            "load_1min": loads}


def run(args: list[str]) -> str:
    parser = argparse.ArgumentParser(prog="bench.flow", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100, help="page goal of the born-digital batch")
    parser.add_argument("--mixed-pages", type=int, default=100, help="page goal of the mixed batch")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="OCR processes, both sides (default: one per core, the CLI's default)")
    parser.add_argument("--repeats", type=int, default=1, help="runs per side; the fastest counts")
    parser.add_argument("--batches", default="born-digital,mixed", help="which batches, comma-separated")
    opts = parser.parse_args(args)
    chosen = [b.strip() for b in opts.batches.split(",") if b.strip()]

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    work = Path(tempfile.mkdtemp(prefix="intakeiq-bench-flow-"))
    try:
        batches = {}
        if "born-digital" in chosen:
            batches["born-digital"] = make_batch(work / "born-digital", opts.pages, sample_packets(rendering="born_digital"))
        if "mixed" in chosen:
            batches["mixed"] = make_batch(work / "mixed", opts.mixed_pages, sample_packets())
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                   TOKENIZERS_PARALLELISM="false", PREFECT_SERVER_ANALYTICS_ENABLED="false")
        started = time.perf_counter()
        with prefect_test_harness(server_startup_timeout=180):
            server_s = time.perf_counter() - started
            flow_env = dict(env, PREFECT_API_URL=str(PREFECT_API_URL.value()))
            (work / "empty").mkdir()
            fixed_cli = timed(cli_cmd(work / "empty", work / "cli-empty", opts.workers), env)
            fixed_flow = timed(flow_cmd(work / "empty", work / "flow-empty", opts.workers), flow_env)
            results = {name: compare(work, name, batch, opts.workers, opts.repeats, env, flow_env)
                       for name, batch in batches.items()}
        result = {"goal_pct": 100 * GOAL, "ocr_workers": opts.workers, "packets_at_once": 1, "cores": os.cpu_count(),
                  "prefect_server_start_s": round(server_s, 1), "empty_batch_cli_s": round(fixed_cli, 2),
                  "empty_batch_flow_s": round(fixed_flow, 2), "batches": results}
        bench_dir = REPO / ".bench"
        bench_dir.mkdir(exist_ok=True)
        (bench_dir / "flow.json").write_text(json.dumps(result, indent=2) + "\n")
        lines = [f"same parallelism on both sides: 1 packet at a time, {opts.workers} OCR process(es); "
                 f"{os.cpu_count()} cores",
                 f"empty batch (start-up and shutdown only): CLI {fixed_cli:.1f} s, flow {fixed_flow:.1f} s",
                 f"{'batch':<13} {'packets':>7} {'pages':>5} {'CLI s':>7} {'flow s':>7} {'overhead':>9}  "
                 f"{'goal <= +10 %':<13} load(1 min)"]
        for name, r in results.items():
            lines.append(f"{name:<13} {r['packets']:>7} {r['pages']:>5} {r['cli_s']:>7.1f} {r['flow_s']:>7.1f} "
                         f"{r['overhead_pct']:>+8.1f}%  {'met' if r['met'] else 'NOT met':<13} "
                         f"{' -> '.join(f'{x:.2f}' for x in r['load_1min'])}")
        for name, r in results.items():
            lines.append(f"{name}: pages by rendering {r['pages_by_rendering']}")
        lines.append(f"Prefect server start (not counted): {server_s:.1f} s; results in .bench/flow.json")
        return "\n".join(lines)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    print(run(sys.argv[1:] if argv is None else argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
