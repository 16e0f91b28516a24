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


@task(name="claim", task_run_name="claim {ref.packet_id}", **IO)
def claim_packet(settings: BatchSettings, ref: PacketRef) -> Job:
    return batch.claim(settings, ref)


@task(name="fetch", task_run_name="fetch {job.ref.packet_id}", **IO)
def fetch_packet(settings: BatchSettings, job: Job) -> Job:
    return batch.fetch(settings, job)


@task(name="analyze", task_run_name="analyze {job.ref.packet_id}", **COMPUTE)
def analyze_packet(settings: BatchSettings, job: Job) -> Job:
    return batch.analyze(settings, job)


@task(name="write", task_run_name="write {job.ref.packet_id}", **IO)
def write_outputs(settings: BatchSettings, job: Job) -> Job:
    return batch.write(settings, job)


@task(name="complete", task_run_name="complete {job.ref.packet_id}", **IO)
def complete_packet(settings: BatchSettings, job: Job) -> Job:
    return batch.complete(settings, job)


@task(name="archive", task_run_name="archive {job.ref.packet_id}", **IO)
def archive_source(settings: BatchSettings, job: Job) -> Job:
    return batch.archive(settings, job)


@task(name="release", task_run_name="release {job.ref.packet_id}", **IO)
def release_claim(settings: BatchSettings, job: Job, error: str) -> Job:
    return batch.release(settings, job, error)


@task(name="write-summary", **IO)
def write_summary(settings: BatchSettings, jobs: list[Job]) -> str:
    return batch.summarize(settings, jobs)


PACKET_STEPS = (fetch_packet, analyze_packet, write_outputs, complete_packet, archive_source)
