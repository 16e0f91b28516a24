"""The batch flow: every packet of a source (folder or s3:// prefix) into reports."""

from __future__ import annotations

from prefect import flow
from prefect.runtime import flow_run

from flows.artifacts import publish
from flows.runner import run_packets
from flows.tasks import list_packets, write_summary
from pipeline.batch import BatchSettings, Job, build_settings
from pipeline.process import ProcessOptions

def settings_for(source: str, out: str, workflow: str | None, store_url: str | None, s3_block: str | None = None,
                 ocr_workers: int | None = None, **batch) -> BatchSettings:
    """Built when the flow starts: the S3 block or AWS_* variables and the store URL are read now,
    not at import."""
    s3 = None
    if s3_block:
        from flows.blocks import IntakeS3

        s3 = IntakeS3.load(s3_block).settings()
    options = ProcessOptions(workflow=workflow, workers=ocr_workers, progress=False)
    return build_settings(source, out, options, store_url=store_url, s3=s3, run_id=flow_run.get_id() or None,
                          **batch)


def finish(jobs: list[Job], title: str) -> list[dict]:
    publish(jobs, title)
    errors = [job for job in jobs if job.state == "error"]
    if errors:
        raise RuntimeError(f"{len(errors)} of {len(jobs)} packets hit storage errors and were released for the "
                           f"next run: {', '.join(job.packet_id for job in errors)}")
    return [{"packet_id": job.packet_id, "state": job.state, "status": job.report.status if job.report else None,
             "report": job.report_uri} for job in jobs]


@flow(name="process-batch", persist_result=False)
def process_batch(source: str, out: str, workflow: str | None = None, dask_address: str | None = None,
                  store_url: str | None = None, s3_block: str | None = None, redo: bool = False,
                  local_workers: int = 2, ocr_workers: int | None = None) -> list[dict]:
    """Process every packet in ``source`` into ``out``; packets already done are skipped
    (``redo=True`` processes them again). ``local_workers``: packets at once without Dask;
    ``ocr_workers``: OCR processes per packet (default one per core)."""
    settings = settings_for(source, out, workflow, store_url, s3_block, ocr_workers, redo=redo)
    refs = list_packets(settings)
    jobs = run_packets(settings, refs, dask_address, local_workers)
    write_summary(settings, jobs)
    return finish(jobs, "process-batch")
