"""The fax-inbox flow: poll an inbox prefix, process new packets, archive them.

Each run lists the inbox (leaving out its processed/ and failed/ folders), skips packets still
being uploaded (newer than ``settle_seconds``) and packets done before (a duplicate drop is
archived without being processed again), processes the rest and moves each source to
processed/ or failed/ once its report is written and verified. summary.csv in ``out`` covers
every packet done into ``out`` so far.
"""

from __future__ import annotations

from prefect import flow

from flows.batch import finish, settings_for
from flows.runner import run_packets
from flows.tasks import list_packets, write_summary


@flow(name="fax-inbox", persist_result=False)
def fax_inbox(inbox: str, out: str, workflow: str | None = None, dask_address: str | None = None,
              store_url: str | None = None, s3_block: str | None = None, settle_seconds: float = 10.0,
              local_workers: int = 2, ocr_workers: int | None = None) -> list[dict]:
    """One poll of the inbox (see the module doc)."""
    settings = settings_for(inbox, out, workflow, store_url, s3_block, ocr_workers, archive=True, redo=False,
                            settle_seconds=settle_seconds)
    refs = list_packets(settings)
    jobs = run_packets(settings, refs, dask_address, local_workers)
    if any(job.state in ("completed", "archived") for job in jobs):
        write_summary(settings, jobs)
    return finish(jobs, "fax-inbox")
