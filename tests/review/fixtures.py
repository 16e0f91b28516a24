"""A small world for the reviewer UI: a real PDF packet, reports built from Document/Field objects
and checked with the real checklist engine, a results store and a reports folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pymupdf

from pipeline import triage
from pipeline.checklists import check_packet, load_checklists
from pipeline.identity import identity_problems
from pipeline.load import load_packet
from pipeline.model import Document, Field, Packet, PageSummary, Report
from pipeline.process import report_source
from pipeline.store import open_store

GOOD_NPI = "1234567893"
BAD_NPI = "1234567890"  # fails the check digit
FONT_SIZE = 11


@dataclass
class Line:
    page: int
    text: str
    field: str | None = None
    value: object = None


def _write_pdf(path: Path, lines: list[Line], pages: int) -> dict[tuple[int, str], tuple[float, float, float, float]]:
    """A born-digital PDF; returns the box (points, top-left origin) of each line that carries a field."""
    boxes = {}
    doc = pymupdf.open()
    for _ in range(pages):
        doc.new_page(width=612, height=792)
    ys: dict[int, float] = {}
    for line in lines:
        page = doc[line.page - 1]
        y = ys.get(line.page, 90.0)
        size = FONT_SIZE + 5 if line.field is None and y == 90.0 else FONT_SIZE
        page.insert_text((72, y), line.text, fontsize=size, fontname="helv")
        width = pymupdf.get_text_length(line.text, fontname="helv", fontsize=size)
        if line.field:
            boxes[(line.page, line.field)] = (72.0, round(y - size * 0.8, 2), round(72 + width, 2), round(y + size * 0.25, 2))
        ys[line.page] = y + size * 2.2
    doc.save(path)
    doc.close()
    return boxes


def imaging_lines(npi: str, today: date) -> list[Line]:
    service = (today + timedelta(days=2)).isoformat()
    note_date = (today - timedelta(days=10)).isoformat()
    return [
        Line(1, "PRIOR AUTHORIZATION REQUEST - ADVANCED IMAGING"),
        Line(1, "Patient: Maria Lopez", "patient_name", "Maria Lopez"),
        Line(1, "Date of birth: 1961-03-14", "patient_dob", "1961-03-14"),
        Line(1, "Member ID: XJH123456789", "member_id", "XJH123456789"),
        Line(1, "Ordering provider: Anita Rao, MD", "ordering_provider_name", "Anita Rao"),
        Line(1, f"NPI: {npi}", "ordering_provider_npi", npi),
        Line(1, "CPT: 70551  MRI brain without contrast", "cpt_codes", ["70551"]),
        Line(1, "ICD-10: G43.909  Migraine", "icd10_codes", ["G43.909"]),
        Line(1, f"Requested date of service: {service}", "service_date", service),
        Line(1, "Signature: Anita Rao (signed)", "signature_present", True),
        Line(2, "CLINICAL NOTE - OFFICE VISIT"),
        Line(2, "Patient: Maria Lopez", "patient_name", "Maria Lopez"),
        Line(2, "DOB: 1961-03-14", "patient_dob", "1961-03-14"),
        Line(2, f"Visit date: {note_date}", "document_date", note_date),
        Line(2, "Provider: Anita Rao, MD", "ordering_provider_name", "Anita Rao"),
        Line(2, "Assessment: chronic migraine, worsening; MRI requested."),
    ]


def build_report(folder: Path, packet_id: str, lines: list[Line], doc_pages: list[tuple[str, list[int]]],
                 invalid: dict[str, str] | None = None, doc_confidence: float = 0.97) -> tuple[Report, Packet]:
    """A processed report whose checklist comes from the real engine on these documents."""
    invalid = invalid or {}
    pages = max(p for _, ps in doc_pages for p in ps)
    pdf = folder / f"{packet_id}.pdf"
    boxes = _write_pdf(pdf, lines, pages)
    packet = load_packet(pdf)
    assert packet.error is None, packet.error
    documents = []
    for n, (doc_type, page_numbers) in enumerate(doc_pages, start=1):
        fields = {}
        for line in lines:
            if line.field and line.page in page_numbers:
                fields[line.field] = Field(
                    value=line.value, confidence=0.93, page=line.page, bbox=boxes[(line.page, line.field)],
                    text=line.text, valid=line.field not in invalid, reason=invalid.get(line.field))
        documents.append(Document(doc_id=f"{packet_id}-d{n}", type=doc_type, confidence=doc_confidence,
                                  pages=page_numbers, fields=fields))
    checklist = check_packet(load_checklists([]), packet, documents, identity_problems(documents), None)
    types = {p: t for t, ps in doc_pages for p in ps}
    report = Report(packet_id=packet_id, status="processed", source=report_source(packet), page_count=pages,
                    pages=[PageSummary(page=p, method="text_layer", width=612, height=792, type=types[p],
                                       type_confidence=doc_confidence) for p in range(1, pages + 1)],
                    documents=documents, checklist=checklist)
    report.priority = triage.priority(report, packet)
    report.review = triage.review_flags(report)
    return report, packet


def store_report(store_url: str, report: Report) -> None:
    """Put a finished report into the results store the way a batch run does (claim, complete)."""
    store = open_store(store_url)
    claim = store.claim(identity=f"{report.source.uri}#{report.source.sha256}", source_uri=report.source.uri,
                        content_tag=report.source.sha256 or "", packet_id=report.packet_id, run_id="test-run",
                        lease_seconds=60)
    assert store.complete(claim, report, report_uri=None, sink_uri=None)


def write_report(out: Path, report: Report) -> None:
    (out / report.packet_id).mkdir(parents=True, exist_ok=True)
    (out / report.packet_id / "report.json").write_text(report.model_dump_json(indent=2))


def build_world(root: Path, today: date | None = None) -> dict[str, Report]:
    """Three packets: PA-URGENT (in the store; an invalid NPI is its only gap, service in 2 days),
    PA-DONE (complete, in the reports folder, no images: its source is gone) and PA-UNKNOWN
    (no checklist applies, in the reports folder)."""
    today = today or date.today()
    sources, out = root / "sources", root / "out"
    sources.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    store_url = f"sqlite:///{root / 'results.db'}"
    docs = [("prior_auth_request", [1]), ("clinical_note", [2])]
    urgent, _ = build_report(sources, "PA-URGENT", imaging_lines(BAD_NPI, today), docs,
                             invalid={"ordering_provider_npi": f"NPI {BAD_NPI} fails the check digit (Luhn with prefix 80840)"})
    store_report(store_url, urgent)
    done_lines = [Line(line.page, line.text, line.field, line.value) for line in imaging_lines(GOOD_NPI, today + timedelta(days=40))]
    done, _ = build_report(sources, "PA-DONE", done_lines, docs)
    (sources / "PA-DONE.pdf").unlink()  # the source is no longer reachable
    write_report(out, done)
    other, _ = build_report(sources, "PA-UNKNOWN", [Line(1, "MISCELLANEOUS"), Line(1, "Patient: Maria Lopez", "patient_name", "Maria Lopez")],
                            [("other", [1])], doc_confidence=0.41)
    write_report(out, other)
    return {"store": store_url, "out": str(out), "PA-URGENT": urgent, "PA-DONE": done, "PA-UNKNOWN": other}
