"""The JSON Schema of report.json, generated from the ``Report`` model and committed.

``python -m pipeline.schema --write`` rewrites ``pipeline/report.schema.json``;
``python -m pipeline.schema --check`` exits 1 when the committed file is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.model import SCHEMA_VERSION, Report

SCHEMA_PATH = Path(__file__).parent / "report.schema.json"


def report_schema() -> dict:
    schema = Report.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://intakeiq.local/report.schema.{SCHEMA_VERSION}.json",
        **schema,
    }


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, sort_keys=True) + "\n"


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def is_stale() -> bool:
    return not SCHEMA_PATH.exists() or SCHEMA_PATH.read_text(encoding="utf-8") != schema_text()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.schema", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help=f"write {SCHEMA_PATH.name}")
    group.add_argument("--check", action="store_true", help="exit 1 when the committed schema is stale")
    args = parser.parse_args(argv)
    if args.write:
        SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
        print(f"wrote {SCHEMA_PATH}")
        return 0
    if is_stale():
        print(f"{SCHEMA_PATH} is stale: run `python -m pipeline.schema --write` (or `make schema`)",
              file=sys.stderr)
        return 1
    print(f"{SCHEMA_PATH} is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
