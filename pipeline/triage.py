"""Who looks first: a 0-100 priority with its reasons, and whether a person must review.

Priority grows with how soon the service date is, how many gaps the packet has, and how close
an appeal deadline is (a denial letter's date + 60 and + 180 days: the usual Medicare Advantage
and ACA internal-appeal windows). Review is required when the machine is unsure or the packet
is inconsistent. Both only read the report; they never change it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from pydantic import Field as PydField

from pipeline.model import Document, Model, Packet, Priority, Report, Review


class TriageOptions(Model):
    """Thresholds for priority and review flags."""

    appeal_windows_days: list[int] = PydField([60, 180], description="Appeal deadlines after a denial's date")
    low_classification_confidence: float = PydField(0.6, description="Document type confidence below this is flagged")
    low_field_confidence: float = PydField(0.5, description="Field confidence below this is flagged")
    low_ocr_confidence: float = PydField(
        0.4, description="An OCR'd page whose mean word confidence is below this is flagged: its type and fields "
        "may be wrong (11 of 478 OCR'd pages of five held-out synthetic sets; thin faxed print at 204x98 reads 0.24-0.29)")
    points_per_gap: int = PydField(10, description="Priority points per missing document or problem")
    max_gap_points: int = PydField(30, description="Cap on the points from gaps")


def priority(report: Report, packet: Packet | None = None, today: date | None = None,
             options: TriageOptions = TriageOptions()) -> Priority:
    """Score 0-100 (higher: handle sooner) with one reason per contribution."""
    today = today or datetime.now(timezone.utc).date()
    if report.status == "failed":
        return Priority(score=60, reasons=["the packet could not be processed; a person must look at the file"])
    score = 0
    reasons: list[str] = []

    service = _service_date(report, packet)
    if service is not None:
        days = (service - today).days
        points = _service_points(days)
        if points:
            score += points
            when = f"in {days} days" if days > 0 else ("today" if days == 0 else f"{-days} days ago")
            reasons.append(f"service date {service.isoformat()} is {when} (+{points})")

    checklist = report.checklist
    if checklist is not None:
        gaps = len(checklist.missing_documents) + len(checklist.problems)
        if gaps and checklist.status == "incomplete":
            points = min(options.max_gap_points, options.points_per_gap * gaps)
            score += points
            reasons.append(f"{len(checklist.missing_documents)} missing document(s) and "
                           f"{len(checklist.problems)} problem(s) (+{points})")
        if checklist.status == "needs_review":
            score += 10
            reasons.append("no checklist could be applied; a person must decide (+10)")

    deadline = _appeal_deadline(report.documents, today, options.appeal_windows_days)
    if deadline is not None:
        denial_date, due = deadline
        if due is None:
            score += 30
            reasons.append(f"denial dated {denial_date.isoformat()}: every appeal window "
                           f"({'/'.join(map(str, options.appeal_windows_days))} days) has passed (+30)")
        else:
            left = (due - today).days
            points = 40 if left <= 7 else 25 if left <= 30 else 10
            score += points
            reasons.append(f"appeal deadline {due.isoformat()} ({left} days left, denial dated "
                           f"{denial_date.isoformat()}) (+{points})")
    return Priority(score=max(0, min(100, score)), reasons=reasons)


def review_flags(report: Report, options: TriageOptions = TriageOptions()) -> Review:
    """Whether a person must review the machine's reading, and why."""
    reasons: list[str] = []
    if report.status == "failed":
        code = report.error.code if report.error else "unknown"
        reasons.append(f"processing failed ({code})")
    for page in report.pages:
        if page.error is not None:
            reasons.append(f"page {page.page} could not be read ({page.error.code})")
        elif page.method == "ocr" and page.ocr_confidence is not None and page.ocr_confidence < options.low_ocr_confidence:
            reasons.append(f"page {page.page} was read with low OCR confidence ({page.ocr_confidence:.2f}): "
                           "check its type and fields by eye")
    for doc in report.documents:
        if doc.confidence < options.low_classification_confidence:
            reasons.append(f"{doc.type} on {_pages(doc.pages)} classified with low confidence ({doc.confidence:.2f})")
        for name, item in doc.fields.items():
            if not item.valid:
                why = f": {item.reason}" if item.reason else ""
                reasons.append(f"{name} on page {item.page} is not valid{why}")
            elif item.confidence < options.low_field_confidence:
                reasons.append(f"{name} on page {item.page} read with low confidence ({item.confidence:.2f})")
    checklist = report.checklist
    if checklist is not None:
        for problem in checklist.problems:
            if problem.requirement == "known checklist":
                reasons.append(problem.reason)
            elif problem.requirement == "same patient":
                reasons.append(f"identity mismatch: {problem.reason}")
            elif _unread_field(report, problem.doc_id, problem.field):
                reasons.append(f"{problem.field} could not be read on {_pages(problem.pages)}, so a checklist "
                               "rule failed: check the page by eye")
        if checklist.status == "needs_review" and checklist.decided_by == "none":
            reasons.append("no checklist applies to this packet")
    reasons = list(dict.fromkeys(reasons))
    return Review(required=bool(reasons), reasons=reasons)


# --------------------------------------------------------------------------- helpers


def _service_points(days: int) -> int:
    if days < 0:
        return 20
    if days <= 3:
        return 40
    if days <= 7:
        return 30
    if days <= 14:
        return 15
    return 0


def _service_date(report: Report, packet: Packet | None) -> date | None:
    if packet is not None and packet.manifest.service_date:
        return packet.manifest.service_date
    checklist = report.checklist
    if checklist is not None and checklist.reference_date and \
            (checklist.reference_date_source or "").startswith(("manifest service_date", "service_date")):
        return checklist.reference_date
    for doc in report.documents:
        value = _date(doc.fields["service_date"].value) if "service_date" in doc.fields else None
        if value is not None:
            return value
    return None


def _appeal_deadline(documents: list[Document], today: date,
                     windows: list[int]) -> tuple[date, date | None] | None:
    """(denial date, next deadline or None when all have passed) for the latest denial letter."""
    denials = []
    for doc in documents:
        if doc.type != "payer_determination":
            continue
        determination = doc.fields.get("determination")
        dated = _date(doc.fields["document_date"].value) if "document_date" in doc.fields else None
        if determination is not None and determination.value == "denied" and dated is not None:
            denials.append(dated)
    if not denials:
        return None
    denial = max(denials)

    upcoming = [denial + timedelta(days=w) for w in sorted(windows) if denial + timedelta(days=w) >= today]
    return denial, (upcoming[0] if upcoming else None)


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _unread_field(report: Report, doc_id: str | None, field: str | None) -> bool:
    """The problem rests on a field the reader did not find on a document that is there."""
    doc = next((d for d in report.documents if d.doc_id == doc_id), None) if doc_id else None
    return doc is not None and field is not None and field != "patient_name" and field not in doc.fields


def _pages(pages: list[int]) -> str:
    return f"page {pages[0]}" if len(pages) == 1 else "pages " + ", ".join(map(str, pages))
