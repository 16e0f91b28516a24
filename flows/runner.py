"""Run the per-packet task chains on a task runner chosen when the flow starts.

With a Dask scheduler address the chains run on that cluster (``prefect-dask``); otherwise on a
local thread pool. The runner belongs to the ``process-packets`` subflow, so the parent flow can
pick it from its own parameters (a flow's task runner is otherwise fixed where it is defined).
"""

from __future__ import annotations

import os

from prefect import flow
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner

from flows.tasks import analyze_packet, deliver_packet, release_claim, take_packet
from pipeline.batch import BatchSettings, Job
from pipeline.storage import PacketRef


def task_runner(dask_address: str | None, local_workers: int = 2):
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address)
    return ThreadPoolTaskRunner(max_workers=local_workers)


@flow(name="process-packets", persist_result=False)
def process_packets(settings: BatchSettings, refs: list[PacketRef]) -> list[Job]:
    """Submit take (claim, fetch) -> analyze -> deliver (write, complete, archive) per packet."""
    chains = [submit_chain(settings, ref) for ref in refs]
    return [collect(settings, ref, chain) for ref, chain in zip(refs, chains)]


def submit_chain(settings: BatchSettings, ref: PacketRef) -> list[PrefectFuture]:
    taken = take_packet.submit(settings, ref)
    analyzed = analyze_packet.submit(settings, taken)
    return [taken, analyzed, deliver_packet.submit(settings, analyzed)]


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
    """The packets' chains on Dask (the given address, else INTAKEIQ_DASK_ADDRESS) or local threads."""
    if not refs:
        return []
    runner = task_runner(dask_address or os.environ.get("INTAKEIQ_DASK_ADDRESS") or None, local_workers)
    return process_packets.with_options(task_runner=runner)(settings, refs)
