"""One fax-inbox flow run in a process of its own, for the concurrent-runs test.

    python -m tests.flows.inbox_run INBOX OUT STORE_URL BARRIER_DIR RESULT_JSON

Connection settings come from the environment (PREFECT_API_URL, AWS_*). After the imports, the
process waits at a file barrier until every run in BARRIER_DIR is ready (the expected count is
INTAKEIQ_TEST_RUNS, default 2), so the flow runs start together instead of one finishing while
the other still imports. It writes its flow run id, its wall-clock start and end and the flow's
rows to RESULT_JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def wait_at_barrier(barrier: Path, runs: int, timeout: float = 240.0) -> None:
    barrier.mkdir(parents=True, exist_ok=True)
    (barrier / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + timeout
    while len(list(barrier.glob("ready-*"))) < runs:
        if time.monotonic() > deadline:
            raise SystemExit(f"barrier: the other runs were not ready after {timeout:.0f} s")
        time.sleep(0.05)


def main(argv: list[str]) -> int:
    inbox, out, store_url, barrier, result_path = argv
    from flows.inbox import fax_inbox

    wait_at_barrier(Path(barrier), int(os.environ.get("INTAKEIQ_TEST_RUNS", "2")))
    started = time.time()
    state = fax_inbox(inbox, out, store_url=store_url, settle_seconds=0, local_workers=2, ocr_workers=1,
                      return_state=True)
    ended = time.time()
    rows = state.result() if state.is_completed() else None
    Path(result_path).write_text(json.dumps({
        "pid": os.getpid(), "flow_run_id": str(state.state_details.flow_run_id), "state": state.name,
        "started": started, "ended": ended, "rows": rows}))
    return 0 if state.is_completed() else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
