"""Orchestration overhead: ~100 born-digital pages through ``intakeiq process`` and through the
Prefect ``process-batch`` flow, on the same files, each as its own process.

    python -m bench.flow [--pages 100] [--workers 1] [--repeats 1]

Both sides start a fresh interpreter, load the classifier and process every packet once (fresh
output folder and results store each time). The flow talks to a Prefect server the bench starts
first (a temporary one, as the test harness does); that server's start-up is reported but not
counted, since a deployed flow finds its server running. Goal: flow time <= 1.10 x CLI time.

Input: copies of the born-digital packets in samples/packets (under new names, so each copy is
a packet of its own) until the page goal is reached.
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
from pathlib import Path

TITLE = "Prefect flow vs intakeiq process (orchestration overhead)"
REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


def born_digital(samples: Path = SAMPLES) -> list[tuple[Path, int]]:
    """(packet path, page count) for each born-digital sample packet."""
    found = []
    for truth_path in sorted((samples / "truth").glob("*.json")):
        truth = json.loads(truth_path.read_text())
        source = samples / "packets" / truth["source"]
        if truth.get("rendering") == "born_digital" and source.exists():
            found.append((source, len(truth["pages"])))
    return found


def make_batch(dest: Path, pages_goal: int) -> tuple[int, int]:
    """Copy born-digital packets into ``dest`` until ``pages_goal`` pages; (packets, pages)."""
    packets = born_digital()
    if not packets:
        raise SystemExit("no born-digital packets under samples/ (run python -m samples.generate first)")
    dest.mkdir(parents=True)
    pages = count = 0
    while pages < pages_goal:
        source, n = packets[count % len(packets)]
        name = f"B{count:03d}-{source.name}"
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
        pages += n
        count += 1
    return count, pages


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} exited {done.returncode}: {done.stderr[-2000:]}")
    return elapsed


def report_count(out: Path) -> int:
    return len(list(out.glob("*/report.json")))


def run(args: list[str]) -> str:
    parser = argparse.ArgumentParser(prog="bench.flow", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100, help="page goal for the batch")
    parser.add_argument("--workers", type=int, default=1, help="OCR processes per packet (both sides)")
    parser.add_argument("--flow-workers", type=int, default=1,
                        help="packets the flow runs at once (1 = sequential like the CLI; >1 adds parallelism)")
    parser.add_argument("--repeats", type=int, default=1, help="runs per side; the fastest counts")
    opts = parser.parse_args(args)

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    work = Path(tempfile.mkdtemp(prefix="intakeiq-bench-flow-"))
    try:
        packets, pages = make_batch(work / "in", opts.pages)
        env = dict(os.environ, OMP_THREAD_LIMIT="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                   TOKENIZERS_PARALLELISM="false", PREFECT_SERVER_ANALYTICS_ENABLED="false")
        started = time.perf_counter()
        with prefect_test_harness(server_startup_timeout=180):
            server_s = time.perf_counter() - started
            flow_env = dict(env, PREFECT_API_URL=str(PREFECT_API_URL.value()))
            empty = work / "empty"
            empty.mkdir()
            fixed_cli = timed([str(Path(sys.executable).with_name("intakeiq")), "process", str(empty), "--out",
                               str(work / "cli-empty"), "-q"], env)
            fixed_flow = timed([sys.executable, "-c", f"from flows.batch import process_batch; "
                                f"process_batch({str(empty)!r}, {str(work / 'flow-empty')!r})"], flow_env)
            cli_times, flow_times = [], []
            for n in range(opts.repeats):
                cli_out, flow_out = work / f"cli-{n}", work / f"flow-{n}"
                cli_times.append(timed([str(Path(sys.executable).with_name("intakeiq")), "process", str(work / "in"),
                                        "--out", str(cli_out), "--workers", str(opts.workers), "-q"], env))
                code = (f"from flows.batch import process_batch; process_batch({str(work / 'in')!r}, "
                        f"{str(flow_out)!r}, local_workers={opts.flow_workers}, ocr_workers={opts.workers})")
                flow_times.append(timed([sys.executable, "-c", code], flow_env))
                if report_count(cli_out) != packets or report_count(flow_out) != packets:
                    raise RuntimeError(f"expected {packets} reports on each side, got {report_count(cli_out)} "
                                       f"(cli) and {report_count(flow_out)} (flow)")
        cli_s, flow_s = min(cli_times), min(flow_times)
        overhead = (flow_s - cli_s) / cli_s
        result = {"packets": packets, "pages": pages, "cli_s": round(cli_s, 2), "flow_s": round(flow_s, 2),
                  "overhead_pct": round(100 * overhead, 1), "goal_pct": 10.0,
                  "flow_workers": opts.flow_workers, "ocr_workers": opts.workers,
                  "prefect_server_start_s": round(server_s, 1), "empty_batch_cli_s": round(fixed_cli, 2),
                  "empty_batch_flow_s": round(fixed_flow, 2), "cli_runs_s": [round(t, 2) for t in cli_times],
                  "flow_runs_s": [round(t, 2) for t in flow_times]}
        bench_dir = REPO / ".bench"
        bench_dir.mkdir(exist_ok=True)
        (bench_dir / "flow.json").write_text(json.dumps(result, indent=2) + "\n")
        return "\n".join([
            f"batch: {packets} born-digital packets, {pages} pages (copies of samples/packets)",
            f"intakeiq process : {cli_s:7.1f} s  ({60 * pages / cli_s:6.1f} pages/min)",
            f"process-batch flow: {flow_s:7.1f} s  ({60 * pages / flow_s:6.1f} pages/min, "
            f"{opts.flow_workers} packet(s) at a time)",
            f"empty batch (start-up only): CLI {fixed_cli:.1f} s, flow {fixed_flow:.1f} s; per packet beyond that: "
            f"{(flow_s - cli_s - (fixed_flow - fixed_cli)) / packets:+.2f} s",
            f"overhead: {100 * overhead:+.1f} % (goal <= +10 %)  "
            f"[{'met' if overhead <= 0.10 else 'NOT met'}]",
            f"Prefect server start (not counted): {server_s:.1f} s; results in .bench/flow.json",
        ])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    print(run(sys.argv[1:] if argv is None else argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
