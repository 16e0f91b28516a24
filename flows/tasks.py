"""Prefect tasks: one ``pipeline.batch`` call each. Retries (with backoff) on I/O tasks only.

``analyze_packet`` runs the pipeline and is not retried: bad input is already a failed report,
and a crash is turned into one by ``batch.analyze``. Results are neither cached nor persisted:
the results store is the record of what was done.
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from pipeline import batch
from pipeline.batch import BatchSettings, Job
from pipeline.storage import PacketRef

IO = dict(retries=5, retry_delay_seconds=exponential_backoff(backoff_factor=1), retry_jitter_factor=0.3,
          cache_policy=NO_CACHE, persist_result=False)
COMPUTE = dict(cache_policy=NO_CACHE, persist_result=False)


@task(name="list-packets", **IO)
def list_packets(settings: BatchSettings) -> list[PacketRef]:
    return batch.discover(settings)


@task(name="take", task_run_name="take {ref.packet_id}", **IO)
def take_packet(settings: BatchSettings, ref: PacketRef) -> Job:
    """Claim the packet in the results store and fetch it."""
    return batch.take(settings, ref)


@task(name="analyze", task_run_name="analyze {job.ref.packet_id}", **COMPUTE)
def analyze_packet(settings: BatchSettings, job: Job) -> Job:
    """process_packet + render_outputs (never raises for bad input or a crashing stage)."""
    return batch.analyze(settings, job)


@task(name="deliver", task_run_name="deliver {job.ref.packet_id}", **IO)
def deliver_packet(settings: BatchSettings, job: Job) -> Job:
    """Write the outputs (verified), complete the claim, archive the source (inbox mode)."""
    return batch.deliver(settings, job)


@task(name="release", task_run_name="release {job.ref.packet_id}", **IO)
def release_claim(settings: BatchSettings, job: Job, error: str) -> Job:
    return batch.release(settings, job, error)


@task(name="write-summary", **IO)
def write_summary(settings: BatchSettings, jobs: list[Job]) -> str:
    return batch.summarize(settings, jobs)


