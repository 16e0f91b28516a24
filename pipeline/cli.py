"""The `intakeiq` command. Each subcommand is a thin edge over one library call."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path


def _env_defaults() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def cmd_read(args: argparse.Namespace) -> int:
    from pipeline.read import read_file_json

    sys.stdout.write(read_file_json(Path(args.file), workers=args.workers, progress=not args.quiet))
    sys.stdout.write("\n")
    return 0


def cmd_process(args: argparse.Namespace) -> int:
    from pipeline.batch import process_to
    from pipeline.checklists import load_checklists
    from pipeline.process import ProcessOptions

    load_checklists(args.checklists or [])  # a malformed checklist stops the run here, not per packet

    options = ProcessOptions(workflow=args.workflow, device=args.device, workers=args.workers,
                             checklist_dirs=args.checklists or [], progress=not args.quiet)
    reports = process_to(args.input, args.out, options, store_url=args.store)
    failed = sum(r.status == "failed" for r in reports)
    print(f"{len(reports)} packets, {failed} failed; reports in {args.out}", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from samples.score import score_dirs, format_scores

    scores = score_dirs(Path(args.truth), Path(args.pred))
    print(scores.model_dump_json(indent=2) if args.json else format_scores(scores, args.examples))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from flows.serve import serve

    serve(inbox=args.inbox, out=args.out, interval=args.interval)
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from review.app import run

    run(store=args.store, reports=args.reports, host=args.host, port=args.port)
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from review.users import create_user_cli

    return create_user_cli(store=args.store, username=args.username, role=args.role)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="intakeiq", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log at debug level")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("read", help="print the page model of one file as JSON (CONTRACT section 6)")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="JSON output (the only format)")
    p.add_argument("--workers", type=int, default=None, help="OCR processes (default: one per core)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_read)

    p = sub.add_parser("process", help="process packets into reports (CONTRACT section 5)")
    p.add_argument("input", help="a file, a folder of packets, or s3://bucket/prefix")
    p.add_argument("--out", required=True, help="output folder or s3://bucket/prefix")
    p.add_argument("--workflow", default=None, help="checklist id when no manifest names one")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--checklists", action="append", help="extra folder of checklist YAML files")
    p.add_argument("--store", default=None,
                   help="results store URL (default: INTAKEIQ_STORE_URL, else sqlite OUT/results.db)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_process)

    p = sub.add_parser("eval", help="score reports against ground truth")
    p.add_argument("--truth", required=True)
    p.add_argument("--pred", required=True)
    p.add_argument("--json", action="store_true", help="print every count and mismatch as JSON")
    p.add_argument("--examples", type=int, default=0, help="also list the first N mismatches")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="poll a fax inbox on a schedule (Prefect flow.serve)")
    p.add_argument("--inbox", required=True, help="folder or s3://bucket/prefix")
    p.add_argument("--out", required=True)
    p.add_argument("--interval", type=int, default=60, help="seconds between polls")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("review", help="run the reviewer web UI")
    p.add_argument("--store", default="sqlite:///out/results.db", help="results store URL")
    p.add_argument("--reports", default="out", help="folder the reports were written to")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("create-user", help="create a reviewer or admin (asks for the password)")
    p.add_argument("username")
    p.add_argument("--role", choices=["reviewer", "admin"], default="reviewer")
    p.add_argument("--store", default="sqlite:///out/results.db")
    p.set_defaults(func=cmd_create_user)
    return parser


def main(argv: list[str] | None = None) -> int:
    _env_defaults()
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr)
    from pipeline.errors import IntakeError

    try:
        return args.func(args)
    except IntakeError as exc:
        print(f"intakeiq: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
