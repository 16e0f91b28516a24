"""One packet end to end: load -> read -> classify -> split -> extract -> check -> report.

Pure orchestration over the stages; writing the outputs is the caller's edge (``outputs.py``).
A failure in any stage is recorded on the report as data; it never escapes to the batch.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from pathlib import Path

from pydantic import Field as PydField

from pipeline.errors import IntakeError
from pipeline.model import Audit, Failure, Model, Packet, Page, Report, ReportSource

log = logging.getLogger("intakeiq.process")


class ProcessOptions(Model):
    """Settings for a whole run; each stage keeps its own options object."""

    workflow: str | None = PydField(None, description="Checklist id when no manifest names one")
    device: str = PydField("auto", description="Classifier device: auto, cpu or cuda")
    workers: int | None = PydField(None, description="OCR worker processes; default one per core")
    checklist_dirs: list[str] = PydField([], description="Extra folders of checklist YAML files")
    progress: bool = False


class ProcessResult(Model):
    report: Report
    packet: Packet
    pages: list[Page] = []


def process_packet(path: Path, options: ProcessOptions, uri: str | None = None) -> ProcessResult:
    """Process one packet (a file or a folder). Never raises for bad input."""
    from pipeline import load, read

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    packet = load.load_packet(path, load.LoadOptions(), uri=uri)
    timings["load"] = round(time.perf_counter() - t0, 3)
    if packet.error is not None:
        log.warning("packet %s failed to load: %s", packet.packet_id, packet.error.code)
        return ProcessResult(report=failed_report(packet, packet.error, timings), packet=packet)
    try:
        t0 = time.perf_counter()
        pages = list(read.read_pages(packet, read.ReadOptions(workers=options.workers), progress=options.progress))
        timings["read"] = round(time.perf_counter() - t0, 3)
        from pipeline.analyze import analyze

        report = analyze(packet, pages, options, timings)
    except IntakeError as exc:
        log.warning("packet %s failed: %s", packet.packet_id, exc.code)
        return ProcessResult(report=failed_report(packet, exc.to_failure(), timings), packet=packet)
    log.info("packet %s processed: %d pages, %d documents", packet.packet_id, len(pages), len(report.documents))
    return ProcessResult(report=report, packet=packet, pages=pages)


def report_source(packet: Packet) -> ReportSource:
    return ReportSource(uri=packet.uri, sha256=packet.sha256 if packet.files else None,
                        files=[f.name for f in packet.files])


def failed_report(packet: Packet, failure: Failure, timings: dict[str, float]) -> Report:
    from pipeline import __version__, triage

    report = Report(
        packet_id=packet.packet_id,
        status="failed",
        error=failure,
        source=report_source(packet),
        audit=Audit(code_version=__version__, timings=timings,
                    decisions=[f"failed at {datetime.now(timezone.utc).isoformat()}: {failure.code}"]),
    )
    report.priority = triage.priority(report, packet)
    report.review = triage.review_flags(report)
    return report
