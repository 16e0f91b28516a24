"""``intakeiq serve``: run the fax-inbox flow every ``interval`` seconds.

With a Prefect server (PREFECT_API_URL set) this is Prefect's ``serve``: a deployment with an
interval schedule, visible and controllable in the UI. Without one, Prefect falls back to a
temporary local API that runs no scheduler, so a served schedule would never fire; ``serve``
then polls by itself, running the same flow (each poll is still a recorded flow run).
"""

from __future__ import annotations

import logging
import time

from flows.inbox import fax_inbox

log = logging.getLogger("intakeiq.serve")


def deployment(inbox: str, out: str, interval: int = 60, settle_seconds: float = 10.0):
    """The served deployment: the fax-inbox flow on an interval schedule."""
    return fax_inbox.to_deployment(name="fax-inbox", interval=interval,
                                   parameters={"inbox": str(inbox), "out": str(out),
                                               "settle_seconds": settle_seconds})


def poll(inbox: str, out: str, interval: int = 60, settle_seconds: float = 10.0, polls: int | None = None) -> int:
    """Run the flow every ``interval`` seconds (``polls`` times, or until interrupted); a failed
    poll is logged and the next one retries. Returns the number of polls that failed."""
    failed = done = 0
    while polls is None or done < polls:
        started = time.monotonic()
        try:
            fax_inbox(str(inbox), str(out), settle_seconds=settle_seconds)
        except Exception as exc:  # storage down, say: the packets were released; try again next time
            failed += 1
            log.error("inbox poll failed (%s); retrying in %d s", type(exc).__name__, interval)
        done += 1
        if polls is None or done < polls:
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
    return failed


def serve(inbox: str, out: str, interval: int = 60, settle_seconds: float = 10.0) -> None:
    """Blocks: polls ``inbox`` on an interval until interrupted."""
    from prefect import serve as prefect_serve
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        prefect_serve(deployment(inbox, out, interval, settle_seconds))
        return
    log.warning("PREFECT_API_URL is not set: Prefect's temporary local API has no scheduler, so intakeiq "
                "polls %s itself every %d s (set PREFECT_API_URL to serve a scheduled deployment)", inbox, interval)
    poll(inbox, out, interval, settle_seconds)
