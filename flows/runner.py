"""Run the per-packet task chains on a task runner chosen when the flow starts.

With a Dask scheduler address the chains run on that cluster (``prefect-dask``); otherwise on a
local thread pool. The flow opens the runner itself and submits to it (``TaskRunner.submit``
is what ``Task.submit`` calls on the flow's own runner), so the runner can come from the flow's
parameters without a subflow: a subflow run would cost extra API round trips and its own
heartbeat teardown on every batch (see ``bench/flow.py``).
"""

from __future__ import annotations

import os

from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.tasks import analyze_packet, deliver_packet, release_claim, take_packet
from pipeline.batch import BatchSettings, Job
from pipeline.storage import PacketRef


def task_runner(dask_address: str | None, local_workers: int = 2) -> TaskRunner:
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address)
    return ThreadPoolTaskRunner(max_workers=local_workers)


def submit_chain(runner: TaskRunner, settings: BatchSettings, ref: PacketRef) -> list[PrefectFuture]:
    """take (claim, fetch) -> analyze -> deliver (write, complete, archive) for one packet."""
    taken = runner.submit(take_packet, {"settings": settings, "ref": ref})
    analyzed = runner.submit(analyze_packet, {"settings": settings, "job": taken})
    return [taken, analyzed, runner.submit(deliver_packet, {"settings": settings, "job": analyzed})]


def collect(settings: BatchSettings, ref: PacketRef, chain: list[PrefectFuture]) -> Job:
    """The packet's final job; when a step failed for good, release its claim and say why."""
    job = Job(ref=ref, state="claimed")
    for future in chain:
        future.wait()
        if not future.state.is_completed():
            message = (future.state.message or future.state.name or "failed")[:200]
            return release_claim(settings, job, f"{future.state.name}: {message}")
        job = future.result()
    return job


def run_packets(settings: BatchSettings, refs: list[PacketRef], dask_address: str | None,
                local_workers: int = 2) -> list[Job]:
    """The packets' chains on Dask (the given address, else INTAKEIQ_DASK_ADDRESS) or local threads
    (``local_workers`` packets at once), submitted from the calling flow run."""
    if not refs:
        return []
    with task_runner(dask_address or os.environ.get("INTAKEIQ_DASK_ADDRESS") or None, local_workers) as runner:
        chains = [submit_chain(runner, settings, ref) for ref in refs]
        return [collect(settings, ref, chain) for ref, chain in zip(refs, chains)]
