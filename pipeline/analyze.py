"""Everything after reading: classify -> split -> extract -> reconcile -> check -> triage -> Report.

Each call below is one stage with its own options; this module only wires them in order.
"""

from __future__ import annotations

import time

from pipeline.model import Audit, Packet, Page, PageSummary, Report


def analyze(packet: Packet, pages: list[Page], options, timings: dict[str, float]) -> Report:
    from extractors import extract_document, versions
    from models.classifier import ClassifierOptions, get_classifier
    from pipeline import __version__, checklists, triage
    from pipeline.identity import identity_problems
    from pipeline.process import report_source
    from pipeline.reconcile import reconcile
    from pipeline.split import SplitOptions, split_documents

    def timed(name, fn, *args):
        t0 = time.perf_counter()
        result = fn(*args)
        timings[name] = round(time.perf_counter() - t0, 3)
        return result

    classifier = get_classifier(ClassifierOptions(device=options.device))
    predictions = timed("classify", classifier.predict, pages)
    documents = timed("split", split_documents, packet.packet_id, pages, predictions, SplitOptions())
    timed("extract", lambda: [doc.fields.update(extract_document(doc, pages)) for doc in documents])
    documents, repairs = reconcile(documents, {p.page for p in pages if p.method == "ocr"})
    problems = identity_problems(documents)
    registry = checklists.load_checklists(options.checklist_dirs)
    result = timed("check", checklists.check_packet, registry, packet, documents, problems, options.workflow)
    summaries = [
        PageSummary(page=p.page, method=p.method, ocr_confidence=p.ocr_confidence, width=p.width,
                    height=p.height, type=pred.type, type_confidence=pred.confidence, error=p.error)
        for p, pred in zip(pages, predictions)
    ]
    report = Report(
        packet_id=packet.packet_id,
        status="processed",
        source=report_source(packet),
        case_id=packet.manifest.case_id,
        page_count=len(pages),
        pages=summaries,
        documents=documents,
        checklist=result,
        audit=Audit(code_version=__version__, model_version=classifier.version,
                    checklist_version=result.version, extractor_versions=versions(), timings=timings,
                    decisions=[*repairs, f"checklist {result.id} decided by {result.decided_by}"]),
    )
    report.priority = triage.priority(report, packet)
    report.review = triage.review_flags(report)
    return report
