"""``intakeiq serve``: run the fax-inbox flow every ``interval`` seconds (Prefect ``serve``).

Uses the Prefect API named by PREFECT_API_URL, or Prefect's ephemeral local API when unset.
"""

from __future__ import annotations

from flows.inbox import fax_inbox


def deployment(inbox: str, out: str, interval: int = 60, settle_seconds: float = 10.0):
    """The served deployment: the fax-inbox flow on an interval schedule."""
    return fax_inbox.to_deployment(name="fax-inbox", interval=interval,
                                   parameters={"inbox": str(inbox), "out": str(out),
                                               "settle_seconds": settle_seconds})


def serve(inbox: str, out: str, interval: int = 60, settle_seconds: float = 10.0) -> None:
    """Blocks: polls ``inbox`` on an interval until interrupted."""
    from prefect import serve as prefect_serve

    prefect_serve(deployment(inbox, out, interval, settle_seconds))
