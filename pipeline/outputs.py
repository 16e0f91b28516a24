"""What a run writes for people and integrations: report.json, report.html, missing_request.pdf,
and summary.csv for the run. Pure: bytes out; the caller decides where they go.
"""

from __future__ import annotations

import csv
import io
import logging

from pipeline.model import Report

log = logging.getLogger("intakeiq.outputs")

SUMMARY_COLUMNS = ("packet_id", "status", "checklist_id", "checklist_status", "missing", "priority",
                   "review_required", "pages", "documents", "error")


def render_outputs(result) -> dict[str, bytes]:
    """``{"report.json", "report.html"}`` plus ``"missing_request.pdf"`` when the packet is incomplete.

    ``result`` is a ``pipeline.process.ProcessResult`` (report, packet, pages).
    """
    from pipeline.report_html import render_html
    from pipeline.request_letter import request_letter_pdf

    report: Report = result.report
    outputs = {
        "report.json": report_json(report),
        "report.html": render_html(report, result.packet.page_sources).encode("utf-8"),
    }
    if report.checklist is not None and report.checklist.status == "incomplete":
        outputs["missing_request.pdf"] = request_letter_pdf(report)
    log.info("outputs for %s: %s", report.packet_id, ", ".join(sorted(outputs)))
    return outputs


def report_json(report: Report) -> bytes:
    return (report.model_dump_json(indent=2) + "\n").encode("utf-8")


def summary_row(report: Report) -> dict[str, str]:
    checklist = report.checklist
    return {
        "packet_id": report.packet_id,
        "status": report.status,
        "checklist_id": (checklist.id or "") if checklist else "",
        "checklist_status": checklist.status if checklist else "",
        "missing": ";".join(checklist.missing_documents) if checklist else "",
        "priority": str(report.priority.score),
        "review_required": "true" if report.review.required else "false",
        "pages": str(report.page_count),
        "documents": str(len(report.documents)),
        "error": f"{report.error.code}: {report.error.message}" if report.error else "",
    }


def summary_csv(reports: list[Report]) -> bytes:
    """One row per packet, in the order given (a header row first)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for report in reports:
        writer.writerow(summary_row(report))
    return buffer.getvalue().encode("utf-8")
