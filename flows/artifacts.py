"""Prefect artifacts for a run: a table of packets and one markdown note on the incomplete ones.

Two API calls per run whatever its size (a note per packet would cost a synchronous round trip
per incomplete packet: about a second per 15 packets on the test server). Only ids, statuses,
document types and requirement names: no field values (no PHI).
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


def incomplete(jobs: list[Job]) -> list[Job]:
    """Packets this run completed whose checklist is incomplete."""
    return [job for job in jobs if job.state in ("completed", "archived") and job.report is not None
            and job.report.checklist is not None and job.report.checklist.status == "incomplete"]


def packet_markdown(job: Job) -> list[str]:
    report = job.report
    checklist = report.checklist if report else None
    if report is None or checklist is None:
        raise ValueError(f"{job.packet_id}: no checklist result to describe")
    lines = [f"## {job.packet_id}: {checklist.status}", "",
             f"- checklist: `{checklist.id}` (version {checklist.version or '?'})",
             f"- priority: {report.priority.score} ({'; '.join(report.priority.reasons) or 'no reasons'})",
             f"- report: {job.report_uri or 'not written'}", "", "Missing documents:", ""]
    lines += [f"- {doc}" for doc in checklist.missing_documents] or ["- none"]
    lines += ["", "Problems:", ""]
    lines += [f"- {p.requirement} (pages {', '.join(map(str, p.pages)) or '-'})"
              for p in checklist.problems] or ["- none"]
    return lines + [""]


def incomplete_markdown(jobs: list[Job], title: str) -> str:
    lines = [f"# {title}: {len(jobs)} incomplete packet(s)", ""]
    for job in jobs:
        lines += packet_markdown(job)
    return "\n".join(lines)


def artifact_key(text: str) -> str:
    """Artifact keys allow lower-case letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:100] or "packet"


def publish(jobs: list[Job], title: str) -> None:
    """The packet table, and a note on the incomplete packets when there are any."""
    create_table_artifact(table=packet_rows(jobs), key=artifact_key(title), description=f"{title}: packets")
    missing = incomplete(jobs)
    if missing:
        create_markdown_artifact(markdown=incomplete_markdown(missing, title), key=artifact_key(f"{title}-incomplete"),
                                 description=f"{title}: what the incomplete packets miss")
