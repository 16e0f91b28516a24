"""A batch of packets from a source to a sink, one ``Job`` per packet.

Each packet goes through the same steps, each a plain function ``step(settings, job) -> job``
that leaves a job it has nothing to do for unchanged:

    claim -> fetch -> analyze (process + render) -> write -> complete -> archive

``process_to`` (the ``intakeiq process`` command) runs the steps in a loop; the Prefect flows in
``flows/`` run one step per task, so retries apply to the I/O steps only. Live handles (S3
client, database engine) never travel between steps: steps receive ``BatchSettings`` (plain
data) and look their handles up in a per-process cache.

Guarantees:
- one failure never stops the batch: bad input becomes a failed report (``process_packet``),
  an unexpected crash inside the pipeline becomes a failed report too, and an infrastructure
  error on one packet releases its claim so the next run retries it;
- a packet is processed once per identity (URI + content tag), across retries, re-runs and
  concurrent runs (see ``pipeline.store``); ``redo`` re-processes what an earlier run did;
- a source is archived (inbox mode) only after its report was written and verified.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import Field as PydField

from pipeline import process
from pipeline.errors import IntakeError
from pipeline.model import Failure, Model, Packet, Report
from pipeline.process import ProcessOptions, ProcessResult
from pipeline.storage import Fetched, PacketRef, S3Settings, Sink, Source, open_sink, open_source
from pipeline.store import Claim, ResultsStore, default_store_url, open_store

log = logging.getLogger("intakeiq.batch")

REPORT_NAME = "report.json"
SUMMARY_NAME = "summary.csv"


class BatchSettings(Model):
    """Everything a step needs, as plain data (safe to send to another process)."""

    source: str = PydField(description="Input: a file, a folder of packets or s3://bucket/prefix")
    out: str = PydField(description="Output folder or s3://bucket/prefix for reports and summary.csv")
    store_url: str = PydField(description="Results store SQLAlchemy URL (sqlite:///... or postgresql+psycopg://...)")
    s3: S3Settings | None = PydField(None, description="S3 connection; None when no s3:// location is used")
    process: ProcessOptions = PydField(ProcessOptions(), description="Options for process_packet")
    archive: bool = PydField(False, description="Inbox mode: move each source to processed/ or failed/")
    redo: bool = PydField(True, description="Re-process packets an earlier run already did")
    lease_seconds: float = PydField(1800.0, description="How long a claim holds before another run may retry it")
    max_attempts: int = PydField(3, description="Claims of one packet before it is failed without processing")
    settle_seconds: float = PydField(0.0, description="Skip packets modified more recently (uploads in progress)")
    max_packet_bytes: int = PydField(1 << 30, description="Larger packets get a failed report instead of a fetch")
    run_id: str = PydField(description="This run; claims by the same run are never redone")


def build_settings(source: str | Path, out: str | Path, options: ProcessOptions | None = None, *,
                   store_url: str | None = None, s3: S3Settings | None = None, archive: bool = False,
                   redo: bool = True, settle_seconds: float = 0.0, lease_seconds: float = 1800.0,
                   run_id: str | None = None) -> BatchSettings:
    """Settings for one run, read from the environment now (never at import)."""
    import os

    source, out = str(source), str(out)
    if s3 is None and (source.startswith("s3://") or out.startswith("s3://")):
        s3 = S3Settings.from_env()
    return BatchSettings(source=source, out=out,
                         store_url=store_url or os.environ.get("INTAKEIQ_STORE_URL") or default_store_url(out),
                         s3=s3, process=options or ProcessOptions(), archive=archive, redo=redo,
                         settle_seconds=settle_seconds, lease_seconds=lease_seconds,
                         run_id=run_id or uuid.uuid4().hex)


@dataclass
class Context:
    source: Source
    sink: Sink
    store: ResultsStore


_contexts: dict[tuple, Context] = {}
_contexts_lock = threading.Lock()


def context(settings: BatchSettings) -> Context:
    """The live handles for these settings, opened once per process."""
    s3 = settings.s3
    key = (settings.source, settings.out, settings.store_url,
           s3.model_dump_json() if s3 else None,
           (s3.access_key.get_secret_value(), s3.secret_key.get_secret_value()) if s3 and s3.access_key
           and s3.secret_key else None)
    with _contexts_lock:
        ctx = _contexts.get(key)
        if ctx is None:
            ctx = _contexts[key] = Context(source=open_source(settings.source, s3), sink=open_sink(settings.out, s3),
                                           store=open_store(settings.store_url))
    return ctx


# --------------------------------------------------------------------------- the job


JobState = Literal["claimed", "skipped", "fetched", "analyzed", "written", "completed", "archived", "lost", "error"]


class Job(Model):
    """One packet's way through a run."""

    ref: PacketRef
    state: JobState
    claim: Claim | None = None
    skip_reason: str | None = PydField(None, description="done | busy | settling")
    fetched: Fetched | None = PydField(None, description="Dropped once analyzed")
    outputs: dict[str, bytes] = PydField({}, description="Rendered files (report.json, ...); dropped once written")
    report: Report | None = None
    report_uri: str | None = None
    archived_to: str | None = None
    error: Failure | None = PydField(None, description="An infrastructure error that stopped this job")

    @property
    def packet_id(self) -> str:
        return self.ref.packet_id


def discover(settings: BatchSettings) -> list[PacketRef]:
    """The packets in the source (inbox mode leaves out the processed/ and failed/ folders)."""
    refs = context(settings).source.list_packets(exclude_reserved=settings.archive)
    log.info("source listed: %d packets", len(refs))
    return refs


def claim(settings: BatchSettings, ref: PacketRef) -> Job:
    """Take the packet in the results store, or skip it (done before, busy, still arriving)."""
    if settings.settle_seconds > 0 and ref.modified_at is not None:
        age = datetime.now(timezone.utc).timestamp() - ref.modified_at.timestamp()
        if age < settings.settle_seconds:
            return Job(ref=ref, state="skipped", skip_reason="settling")
    taken = context(settings).store.claim(ref.identity, ref.uri, ref.content_tag, ref.packet_id, settings.run_id,
                                          settings.lease_seconds, redo=settings.redo)
    if isinstance(taken, Claim):
        return Job(ref=ref, state="claimed", claim=taken)
    report = Report.model_validate_json(taken.report_json) if taken.report_json else None
    log.info("packet %s skipped: %s", ref.packet_id, taken.reason)
    return Job(ref=ref, state="skipped", skip_reason=taken.reason, report=report)


def fetch(settings: BatchSettings, job: Job) -> Job:
    """Make the packet readable here (object bytes; local packets are read in place)."""
    if job.state != "claimed" or job.claim is None:
        return job
    size = sum(m.size for m in job.ref.members)
    failure = None
    if job.claim.attempt > settings.max_attempts:  # earlier tries died (crash, kill, out of memory)
        failure = Failure(code="E_REPEATED_CRASH", message=f"{job.ref.name}: processing stopped "
                          f"{job.claim.attempt - 1} times without finishing (a crash or a kill); the file is kept "
                          "for a person to look at", file=job.ref.name)
    elif size > settings.max_packet_bytes:  # never pull an oversized object into memory
        failure = Failure(code="E_TOO_LARGE", message=f"{job.ref.name}: {size:,} bytes is more than the "
                          f"{settings.max_packet_bytes:,} allowed; split the packet or raise max_packet_bytes",
                          file=job.ref.name)
    if failure is not None:
        result = ProcessResult(report=_failed_report(job.ref, failure), packet=_bare_packet(job.ref))
        return job.model_copy(update={"report": result.report, "outputs": _render(result), "state": "analyzed"})
    fetched = context(settings).source.fetch(job.ref)
    return job.model_copy(update={"fetched": fetched, "state": "fetched"})


def analyze(settings: BatchSettings, job: Job) -> Job:
    """``process_packet`` + ``render_outputs`` on the fetched packet, while its files are at hand
    (the HTML report crops evidence from the pages). Never raises: a crash becomes a failed report."""
    if job.state != "fetched" or job.fetched is None or job.claim is None:
        return job
    ctx = context(settings)
    if not ctx.store.renew(job.claim, settings.lease_seconds):
        return job.model_copy(update={"state": "lost", "fetched": None})
    report, outputs = _process(settings, job.fetched)
    return job.model_copy(update={"report": report, "outputs": outputs, "fetched": None, "state": "analyzed"})


def _process(settings: BatchSettings, fetched: Fetched) -> tuple[Report, dict[str, bytes]]:
    ref = fetched.ref
    with tempfile.TemporaryDirectory(prefix="intakeiq-") as workdir:
        try:
            path = fetched.materialize(Path(workdir))
            result = process.process_packet(path, settings.process, uri=ref.uri)
            return result.report, _render(result)
        except IntakeError as exc:
            failure = exc.to_failure()
        except Exception as exc:  # a bug in a stage must not stop the batch; the report says what broke
            log.error("packet %s: pipeline crashed with %s", ref.packet_id, type(exc).__name__)
            failure = Failure(code="E_INTERNAL", message=f"{ref.name}: processing crashed "
                              f"({type(exc).__name__}: {exc}); report this with the file", file=ref.name)
    result = ProcessResult(report=_failed_report(ref, failure), packet=_bare_packet(ref))
    return result.report, _render(result)


def _render(result: ProcessResult) -> dict[str, bytes]:
    from pipeline import outputs

    files = outputs.render_outputs(result)
    if REPORT_NAME not in files:
        raise IntakeError("E_NO_REPORT", f"render_outputs gave no {REPORT_NAME} for {result.report.packet_id}")
    return files


def _bare_packet(ref: PacketRef) -> Packet:
    return Packet(packet_id=ref.packet_id, uri=ref.uri, received_at=ref.modified_at)


def _failed_report(ref: PacketRef, failure: Failure) -> Report:
    report = process.failed_report(_bare_packet(ref), failure, {})
    report.source.sha256 = ref.content_tag if ref.kind == "file" and len(ref.content_tag) == 64 else None
    report.source.files = [m.name for m in ref.members]
    return report


def write(settings: BatchSettings, job: Job) -> Job:
    """Write the packet's rendered outputs; report.json last, each write verified."""
    if job.state != "analyzed" or not job.outputs:
        return job
    sink = context(settings).sink
    report_uri = None
    for name in sorted(job.outputs, key=lambda n: n == REPORT_NAME):
        uri = sink.write(f"{job.packet_id}/{name}", job.outputs[name])
        if name == REPORT_NAME:
            report_uri = uri
    return job.model_copy(update={"report_uri": report_uri, "outputs": {}, "state": "written"})


def complete(settings: BatchSettings, job: Job) -> Job:
    """Record the written report in the results store (fenced by the claim)."""
    if job.state != "written" or job.claim is None or job.report is None:
        return job
    done = context(settings).store.complete(job.claim, job.report, job.report_uri, settings.out)
    return job.model_copy(update={"state": "completed" if done else "lost"})


def archive(settings: BatchSettings, job: Job) -> Job:
    """Inbox mode: move the source to processed/ (or failed/) once its report is verified.

    Also archives a packet found done before (a duplicate drop, or a run that stopped between
    completing and archiving), when its report is in this run's sink.
    """
    done_before = job.state == "skipped" and job.skip_reason == "done"
    if not settings.archive or job.report is None or not (job.state == "completed" or done_before):
        return job
    ctx = context(settings)
    if not ctx.sink.exists(f"{job.packet_id}/{REPORT_NAME}"):
        log.warning("packet %s: report not found in the sink; source left in place", job.packet_id)
        return job
    target = "failed" if job.report.status == "failed" else "processed"
    moved_to = ctx.source.archive(job.ref, target)
    ctx.store.mark_archived(job.ref.identity, moved_to)
    return job.model_copy(update={"archived_to": moved_to, "state": "archived" if not done_before else job.state})


STEPS = (fetch, analyze, write, complete, archive)


def take(settings: BatchSettings, ref: PacketRef) -> Job:
    """claim + fetch: the I/O before processing (safe to repeat: a run's claim is re-entrant)."""
    return fetch(settings, claim(settings, ref))


def deliver(settings: BatchSettings, job: Job) -> Job:
    """write + complete + archive: the I/O after processing (each step safe to repeat)."""
    return archive(settings, complete(settings, write(settings, job)))


def release(settings: BatchSettings, job: Job, error: BaseException | str) -> Job:
    """After an infrastructure error: give the claim back (unless completed) and record why."""
    code = error if isinstance(error, str) else getattr(error, "code", None) or type(error).__name__
    if job.state not in ("completed", "archived", "lost", "skipped"):
        try:
            context(settings).store.release_run(job.ref.identity, settings.run_id, code)
        except Exception as exc:  # the lease expires on its own; say so and go on
            log.warning("packet %s: could not release claim (%s); it expires with its lease",
                        job.packet_id, type(exc).__name__)
    failure = Failure(code="E_INFRASTRUCTURE", message=f"{job.ref.name}: {code} while storing or archiving; "
                      "the source is kept and the next run retries it", file=job.ref.name)
    written = job.state == "completed" and job.report is not None  # only archiving failed
    report = job.report if written else _failed_report(job.ref, failure)
    return job.model_copy(update={"state": "error", "error": failure, "report": report,
                                  "fetched": None, "outputs": {}})


def run_job(settings: BatchSettings, ref: PacketRef) -> Job:
    """All steps for one packet, in this process; an infrastructure error ends only this job."""
    job = Job(ref=ref, state="claimed")
    try:
        job = claim(settings, ref)
        for step in STEPS:
            job = step(settings, job)
    except Exception as exc:  # recorded on the job and in the store; the batch goes on
        log.error("packet %s: %s at state %s", ref.packet_id, type(exc).__name__, job.state)
        job = release(settings, job, exc)
    return job


def summarize(settings: BatchSettings, jobs: list[Job]) -> str:
    """Write summary.csv: this run's packets, or (inbox mode) every packet done into this sink."""
    from pipeline.outputs import summary_csv

    ctx = context(settings)
    reports = ctx.store.reports(settings.out) if settings.archive else [j.report for j in jobs if j.report]
    return ctx.sink.write(SUMMARY_NAME, summary_csv(reports))


def process_to(input: str | Path, out: str | Path, options: ProcessOptions | None = None, *,
               store_url: str | None = None, archive: bool = False, redo: bool = True) -> list[Report]:
    """Process every packet in ``input`` (file, folder or s3:// prefix) into ``out``.

    Local folders are read in place and never moved; ``archive=True`` is inbox mode.
    Returns one report per packet (failed ones included), in name order.
    """
    from tqdm import tqdm

    options = options or ProcessOptions()
    settings = build_settings(input, out, options, store_url=store_url, archive=archive, redo=redo)
    refs = discover(settings)
    if len(refs) > 1 and options.progress:  # one bar over packets instead of one per packet
        settings = settings.model_copy(update={"process": options.model_copy(update={"progress": False})})
    started = time.perf_counter()
    jobs = [run_job(settings, ref) for ref in tqdm(refs, unit="packet", disable=not options.progress or len(refs) < 2)]
    summarize(settings, jobs)
    log.info("batch done: %d packets in %.1f s (%d skipped, %d errors)", len(jobs), time.perf_counter() - started,
             sum(j.state == "skipped" for j in jobs), sum(j.state == "error" for j in jobs))
    return [job.report for job in jobs if job.report is not None]
