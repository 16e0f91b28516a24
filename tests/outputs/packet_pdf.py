"""Writes a real PDF whose text sits exactly where the test documents' field boxes say."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from pipeline.model import Document, PageSource
from pipeline.report_html import doc_label


def write_packet_pdf(documents: list[Document], path: Path) -> list[PageSource]:
    """One page per document page; each field printed as 'name: text' and its bbox set to it."""
    page_count = max(p for d in documents for p in d.pages)
    pdf = pymupdf.open()
    for _ in range(page_count):
        pdf.new_page(width=612, height=792)
    pages = [pdf[n] for n in range(page_count)]
    rows = {n: 0 for n in range(1, page_count + 1)}
    for doc in documents:
        for number in doc.pages:
            pages[number - 1].insert_text((72, 60), doc_label(doc.type).upper(), fontsize=16)
        for name, item in doc.fields.items():
            page = pages[item.page - 1]
            y = 110 + 24 * rows[item.page]
            rows[item.page] += 1
            label = f"{name.replace('_', ' ').title()}: "
            page.insert_text((72, y), label, fontsize=11)
            x = 72 + pymupdf.get_text_length(label, fontsize=11)
            page.insert_text((x, y), item.text, fontsize=11)
            width = pymupdf.get_text_length(item.text, fontsize=11)
            item.bbox = (round(x, 2), round(y - 10, 2), round(x + width, 2), round(y + 3, 2))
    pdf.save(path)
    pdf.close()
    return [PageSource(page=n, file=str(path), kind="pdf", index=n - 1, origin=path.name)
            for n in range(1, page_count + 1)]


def process_result(docs: list[Document], folder: Path, packet=None, workflow: str | None = None,
                   today=None):
    """A ProcessResult as analyze() would give it, over a real PDF written to ``folder``."""
    from datetime import date

    from pipeline import triage
    from pipeline.checklists import check_packet, load_checklists
    from pipeline.model import Audit, PageSummary, Report, ReportSource
    from pipeline.process import ProcessResult
    from tests.checklists.builders import packet as make_packet

    pk = packet or make_packet(case_id="CASE-4411")
    pk.page_sources = write_packet_pdf(docs, folder / f"{pk.packet_id}.pdf")
    result = check_packet(load_checklists([]), pk, docs, [], workflow)
    report = Report(
        packet_id=pk.packet_id, status="processed",
        source=ReportSource(uri=pk.uri, sha256="ab" * 32, files=[f"{pk.packet_id}.pdf"]),
        case_id=pk.manifest.case_id, page_count=len(pk.page_sources),
        pages=[PageSummary(page=s.page, method="text_layer", width=612, height=792) for s in pk.page_sources],
        documents=docs, checklist=result,
        audit=Audit(code_version="0.1.0", model_version="test-model", checklist_version=result.version,
                    timings={"read": 1.25, "classify": 0.5}, decisions=[f"checklist {result.id} decided by {result.decided_by}"]),
    )
    report.priority = triage.priority(report, pk, today=today or date(2026, 3, 5))
    report.review = triage.review_flags(report)
    return ProcessResult(report=report, packet=pk)
