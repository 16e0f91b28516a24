"""End-to-end evaluation on held-out synthetic packets.

    python -m bench.eval_pipeline --n 40 --seed 9001 [--out DIR]

1. generates ``n`` packets with ``samples.generate`` under a seed different from the one the
   classifier was trained on (``DIR/packets``, ``DIR/truth``);
2. runs the real ``intakeiq process DIR/packets --out DIR/out`` in a subprocess;
3. scores the reports (``samples.score``), prints the tables and a few failure examples per
   kind, and writes ``DIR/scores.json``.

Everything goes to ``DIR`` (default: a fresh folder under the system temp dir), never into
the repository. ``--skip-generate`` / ``--skip-process`` reuse what an earlier run left there.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from samples.score import Mismatch, Scores, format_scores, score_dirs

REPO = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for key, value in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                       "TOKENIZERS_PARALLELISM": "false",
                       "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}.items():
        env.setdefault(key, value)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _intakeiq() -> list[str]:
    """The installed ``intakeiq`` script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("intakeiq")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]


def generate(out: Path, n: int, seed: int, workers: int) -> None:
    """``DIR/packets`` and ``DIR/truth`` from the sample generator, in a subprocess."""
    command = [sys.executable, "-m", "samples.generate", "--n", str(n), "--seed", str(seed),
               "--out", str(out), "--workers", str(workers)]
    print(f"generate: {' '.join(command[1:])}", file=sys.stderr)
    subprocess.run(command, check=True, cwd=REPO, env=_env())


def process(packets: Path, out: Path, workers: int | None, device: str) -> float:
    """Run the real CLI over the packets; returns the wall time in seconds."""
    command = [*_intakeiq(), "process", str(packets), "--out", str(out), "--device", device, "-q"]
    if workers:
        command += ["--workers", str(workers)]
    print(f"process: {' '.join(command)}", file=sys.stderr)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=_env())
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        # Scored anyway: packets without a report count as all wrong.
        print(f"process exited with {result.returncode}", file=sys.stderr)
    return elapsed


def failure_examples(scores: Scores, per_kind: int = 4) -> str:
    """A few concrete mismatches of each kind, spread over packets (one per packet first)."""
    by_kind: dict[str, list[Mismatch]] = defaultdict(list)
    no_report = {p.packet_id for p in scores.packets if p.report != "ok"}
    for m in scores.mismatches():
        if m.kind == "report" or m.packet_id not in no_report:  # the rest of those is noise
            by_kind[m.kind].append(m)
    lines = []
    for kind in ("report", "page_type", "boundary", "document", "field", "checklist"):
        found = by_kind.get(kind, [])
        if not found:
            continue
        seen: set[str] = set()
        chosen = []
        for m in found:  # first pass: one per packet
            if m.packet_id not in seen and len(chosen) < per_kind:
                chosen.append(m)
                seen.add(m.packet_id)
        for m in found:
            if len(chosen) >= per_kind:
                break
            if m not in chosen:
                chosen.append(m)
        lines.append(f"{kind}: {len(found)} in {len({m.packet_id for m in found})} packets")
        lines += [f"  {m.packet_id} [{m.rendering}] {m.where}: expected {m.expected!r}, "
                  f"got {m.got!r}" for m in chosen]
    return "\n".join(lines) if lines else "no mismatches"


def worst_metrics(scores: Scores, count: int = 8) -> str:
    """The lowest F1 fields and document types overall, worst first, then the (document type,
    field) pairs with the most errors."""
    overall = scores.overall
    rows = [(prf.f1, f"field {name}", prf) for name, prf in overall.fields.items()]
    rows += [(prf.f1, f"type {name}", prf) for name, prf in overall.doc_types.items()]
    rows.sort(key=lambda r: (r[0], -r[2].support))
    lines = [f"  {label:<34} F1 {f1:.3f}  (tp {prf.tp}, fp {prf.fp}, fn {prf.fn})"
             for f1, label, prf in rows[:count]]
    # Where to look: the (document type, field) pairs that lose the most, by errors.
    pairs = sorted(overall.fields_by_type.items(), key=lambda kv: -(kv[1].fp + kv[1].fn))
    lines.append("  most errors by document type and field:")
    lines += [f"    {name:<44} errors {prf.fp + prf.fn:>3}  (tp {prf.tp}, fp {prf.fp}, fn {prf.fn}, "
              f"F1 {prf.f1:.3f})" for name, prf in pairs[:count] if prf.fp + prf.fn]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.eval_pipeline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=40, help="packets to generate")
    parser.add_argument("--seed", type=int, default=9001,
                        help="generator seed; keep it different from the training seed")
    parser.add_argument("--out", default=None, help="work folder (default: a new temp folder)")
    parser.add_argument("--workers", type=int, default=None, help="OCR processes for `process`")
    parser.add_argument("--gen-workers", type=int, default=2, help="processes for the generator")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--examples", type=int, default=4, help="failure examples per kind")
    parser.add_argument("--skip-generate", action="store_true", help="reuse DIR/packets and DIR/truth")
    parser.add_argument("--skip-process", action="store_true", help="reuse DIR/out")
    args = parser.parse_args(argv)

    work = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix=f"intakeiq-eval-{args.seed}-"))
    if work.resolve().is_relative_to(REPO):
        parser.error(f"--out {work} is inside the repository; pick a folder outside it")
    work.mkdir(parents=True, exist_ok=True)
    packets, truth, out = work / "packets", work / "truth", work / "out"
    if not args.skip_generate:
        for folder in (packets, truth):
            shutil.rmtree(folder, ignore_errors=True)
        generate(work, args.n, args.seed, args.gen_workers)
    elapsed = None
    if not args.skip_process:
        shutil.rmtree(out, ignore_errors=True)
        elapsed = process(packets, out, args.workers, args.device)
    scores = score_dirs(truth, out)
    (work / "scores.json").write_text(scores.model_dump_json(indent=2))

    print(format_scores(scores))
    print("\nWorst fields and document types (overall)")
    print(worst_metrics(scores, 12))
    print("\nFailure examples")
    print(failure_examples(scores, args.examples))
    pages = scores.overall.page_type.total
    if elapsed is not None:
        print(f"\nprocess: {scores.overall.packets} packets, {pages} pages in {elapsed:.0f} s "
              f"({60 * pages / elapsed:.1f} pages/min)")
    print(f"work folder: {work} (scores.json, out/, packets/, truth/)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
