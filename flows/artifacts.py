"""Prefect artifacts for a run: a table of packets and a markdown note per incomplete packet.

Only ids, statuses, document types and requirement names: no field values (no PHI).
"""

from __future__ import annotations

import re

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from pipeline.batch import Job


def packet_rows(jobs: list[Job]) -> list[dict]:
    rows = []
    for job in jobs:
        report = job.report
        checklist = report.checklist if report else None
        rows.append({
            "packet_id": job.packet_id,
            "outcome": job.state if job.state != "skipped" else f"skipped ({job.skip_reason})",
            "status": report.status if report else "",
            "checklist": (checklist.id or "") if checklist else "",
            "checklist_status": checklist.status if checklist else "",
            "missing": ", ".join(checklist.missing_documents) if checklist else "",
            "priority": report.priority.score if report else "",
            "error": (report.error.code if report and report.error else "") or (job.error.code if job.error else ""),
            "report": job.report_uri or "",
        })
    return rows


def incomplete_markdown(job: Job) -> str:
    report = job.report
    assert report is not None and report.checklist is not None
    checklist = report.checklist
    lines = [f"# {job.packet_id}: {checklist.status}", "",
             f"- checklist: `{checklist.id}` (version {checklist.version or '?'})",
             f"- priority: {report.priority.score} ({'; '.join(report.priority.reasons) or 'no reasons'})",
             f"- report: {job.report_uri or 'not written'}", "", "## Missing documents", ""]
    lines += [f"- {doc}" for doc in checklist.missing_documents] or ["- none"]
    lines += ["", "## Problems", ""]
    lines += [f"- {p.requirement} (pages {', '.join(map(str, p.pages)) or '-'})"
              for p in checklist.problems] or ["- none"]
    return "\n".join(lines) + "\n"


def artifact_key(text: str) -> str:
    """Artifact keys allow lower-case letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:100] or "packet"


def publish(jobs: list[Job], title: str) -> None:
    create_table_artifact(table=packet_rows(jobs), key=artifact_key(title), description=f"{title}: packets")
    for job in jobs:
        checklist = job.report.checklist if job.report else None
        if job.state in ("completed", "archived") and checklist is not None and checklist.status == "incomplete":
            create_markdown_artifact(markdown=incomplete_markdown(job), key=artifact_key(f"packet-{job.packet_id}"),
                                     description=f"{job.packet_id}: what is missing")
