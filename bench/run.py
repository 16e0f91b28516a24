"""Run the benchmark sections and print their tables: ``python -m bench.run [section ...] [--options]``.

Each section is a module with ``TITLE: str`` and ``run(args: list[str]) -> str`` returning a
printable table. Add a section by appending its module name to ``SECTIONS``.
"""

from __future__ import annotations

import importlib
import os
import sys
import time

SECTIONS: list[str] = [
    "bench.read",
    "bench.classify",
    "bench.flow",
]


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    argv = sys.argv[1:] if argv is None else argv
    first_flag = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    chosen, extra = argv[:first_flag], argv[first_flag:]  # section names, then options for the sections
    failures = 0
    for name in SECTIONS:
        short = name.rsplit(".", 1)[-1]
        if chosen and short not in chosen and name not in chosen:
            continue
        module = importlib.import_module(name)
        print(f"\n== {getattr(module, 'TITLE', name)} ==", flush=True)
        started = time.perf_counter()
        try:
            print(module.run(extra), flush=True)
        except Exception as exc:  # one broken section must not hide the others' numbers
            failures += 1
            print(f"section {name} failed: {type(exc).__name__}: {exc}", flush=True)
        print(f"({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
