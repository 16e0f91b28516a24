"""Corrections people make to a report, re-validated, re-checked and recorded.

Each action takes a report and returns a corrected copy (pure). ``apply`` then re-runs the
checklist (``pipeline.checklists.check_packet``) and triage on the corrected documents, saves the
report and appends a ``Correction`` row (who, when, before, after). ``export_jsonl`` turns the
corrections into training data: one JSON object per line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine

from pipeline.errors import IntakeError
from pipeline.model import DOC_TYPES, FIELD_NAMES, Document, Field, Packet, Report, Review
from review.db import Correction, aware, now
from review.reports import ReportBook, caller_workflow

LIST_FIELDS = ("cpt_codes", "icd10_codes")
ENTERED_TEXT_NOTE = "entered by reviewer"


@dataclass
class Change:
    """What one action did, for the audit trail."""

    action: str
    doc_id: str | None
    field: str | None
    before: object
    after: object


# --------------------------------------------------------------------------- re-validation


def parse_value(name: str, text: str) -> tuple[object, bool, str | None]:
    """(value in its CONTRACT form, valid, reason) for what a person typed, using the extractors'
    parsers and validators. A value that fails validation is kept, marked invalid with the reason."""
    from extractors import normalize, validate
    from extractors.fields import FIELD_PARSERS

    text = text.strip()
    if not text:
        raise IntakeError("E_EMPTY_VALUE", f"no value given for {name}; type the value as printed on the page")
    if name in LIST_FIELDS:
        check = validate.check_cpt if name == "cpt_codes" else validate.check_icd10
        verdicts = [check(part) for part in re.split(r"[\s,;]+", text) if part]
        values = normalize.dedupe([v.value for v in verdicts if v.value])
        bad = [v.reason for v in verdicts if not v.valid and v.reason]
        return values, not bad, "; ".join(bad) or None
    if name == "signature_present":
        lowered = text.lower()
        if lowered in ("yes", "y", "true", "signed", "1"):
            return True, True, None
        if lowered in ("no", "n", "false", "unsigned", "0"):
            return False, True, None
        raise IntakeError("E_BAD_VALUE", f"signature_present must be yes or no, not {text!r}")
    parser = FIELD_PARSERS.get(name)
    if parser is None:
        return text, True, None
    found = parser(text, False)
    if found is None:
        return text, False, f"{text!r} is not recognised as a {name.replace('_', ' ')}"
    leftover = (text[: found.start] + text[found.end:]).strip(" ,.;:")
    if leftover and name not in ("patient_name", "ordering_provider_name", "determination", "payer_name"):
        return text, False, f"{text!r} holds more than a {name.replace('_', ' ')} (extra: {leftover!r})"
    return found.value, found.valid, found.reason


# --------------------------------------------------------------------------- actions (pure)


def _doc(report: Report, doc_id: str) -> Document:
    for doc in report.documents:
        if doc.doc_id == doc_id:
            return doc
    raise IntakeError("E_NO_DOCUMENT", f"packet {report.packet_id} has no document {doc_id!r}")


def _field_dump(item: Field | None) -> dict | None:
    return item.model_dump(mode="json") if item is not None else None


def set_type(report: Report, doc_id: str, new_type: str) -> tuple[Report, Change]:
    if new_type not in DOC_TYPES:
        raise IntakeError("E_BAD_TYPE", f"{new_type!r} is not a document type; use one of: {', '.join(DOC_TYPES)}")
    report = report.model_copy(deep=True)
    doc = _doc(report, doc_id)
    before = {"type": doc.type, "confidence": doc.confidence}
    doc.type, doc.confidence = new_type, 1.0
    for page in report.pages:
        if page.page in doc.pages:
            page.type, page.type_confidence = new_type, 1.0
    return report, Change("set_type", doc_id, None, before, {"type": new_type, "confidence": 1.0})


def set_field(report: Report, doc_id: str, name: str, text: str) -> tuple[Report, Change]:
    if name not in FIELD_NAMES:
        raise IntakeError("E_BAD_FIELD", f"{name!r} is not a field; use one of: {', '.join(FIELD_NAMES)}")
    value, valid, reason = parse_value(name, text)
    report = report.model_copy(deep=True)
    doc = _doc(report, doc_id)
    old = doc.fields.get(name)
    if old is not None:
        new = old.model_copy(update={"value": value, "valid": valid, "reason": reason, "confidence": 1.0})
    else:  # added by a person: no box on the page
        new = Field(value=value, confidence=1.0, page=doc.pages[0] if doc.pages else 1, bbox=(0.0, 0.0, 0.0, 0.0),
                    text=ENTERED_TEXT_NOTE, valid=valid, reason=reason)
    doc.fields[name] = new
    return report, Change("set_field", doc_id, name, _field_dump(old), _field_dump(new))


def confirm_field(report: Report, doc_id: str, name: str) -> tuple[Report, Change]:
    report = report.model_copy(deep=True)
    doc = _doc(report, doc_id)
    old = doc.fields.get(name)
    if old is None:
        raise IntakeError("E_NO_FIELD", f"document {doc_id} has no field {name!r} to confirm")
    new = old.model_copy(update={"confidence": 1.0})
    doc.fields[name] = new
    return report, Change("confirm_field", doc_id, name, _field_dump(old), _field_dump(new))


def move_boundary(report: Report, doc_id: str, first_page: int) -> tuple[Report, Change]:
    """Make ``first_page`` the first page of ``doc_id``: pages between it and the document before move
    across, and the fields read on those pages move with them (a field the receiving document already
    has is kept, and the moving one dropped; the audit row lists both sides)."""
    report = report.model_copy(deep=True)
    index = next((i for i, d in enumerate(report.documents) if d.doc_id == doc_id), None)
    if index is None:
        raise IntakeError("E_NO_DOCUMENT", f"packet {report.packet_id} has no document {doc_id!r}")
    if index == 0:
        raise IntakeError("E_BAD_BOUNDARY", f"{doc_id} is the first document; there is no boundary before it")
    before_doc, doc = report.documents[index - 1], report.documents[index]
    pages = sorted(before_doc.pages + doc.pages)
    if first_page not in pages or first_page == pages[0]:
        raise IntakeError("E_BAD_BOUNDARY", f"page {first_page} cannot start {doc_id}: pick one of "
                          f"{', '.join(map(str, pages[1:]))} so both documents keep at least one page")
    snapshot = lambda: {d.doc_id: {"pages": d.pages, "fields": sorted(d.fields)} for d in (before_doc, doc)}  # noqa: E731
    before = snapshot()
    before_doc.pages = [p for p in pages if p < first_page]
    doc.pages = [p for p in pages if p >= first_page]
    for source, target in ((before_doc, doc), (doc, before_doc)):
        for name, item in list(source.fields.items()):
            if item.page in target.pages:
                del source.fields[name]
                target.fields.setdefault(name, item)
    for page in report.pages:
        owner = before_doc if page.page in before_doc.pages else doc if page.page in doc.pages else None
        if owner is not None:
            page.type = owner.type
    return report, Change("move_boundary", doc_id, None, before, snapshot())


def mark_reviewed(report: Report, username: str, when: str) -> tuple[Report, Change]:
    report = report.model_copy(deep=True)
    before = report.review.model_dump(mode="json")
    report.review = Review(required=False, reasons=[f"reviewed by {username} at {when}"])
    return report, Change("mark_reviewed", None, None, before, report.review.model_dump(mode="json"))


# --------------------------------------------------------------------------- re-check, save, record


AUTOMATIC = "automatic"


def recheck(report: Report, packet: Packet, reviewed_note: str | None, workflow: str | None = None) -> Report:
    """The checklist and triage again, on the corrected documents. ``workflow``: a checklist a person
    chose (``AUTOMATIC``: none, let the manifest or inference decide); else the one the run was given."""
    from pipeline import checklists, triage
    from pipeline.identity import identity_problems

    report = report.model_copy(deep=True)
    registry = checklists.load_checklists([])
    chosen = caller_workflow(report) if workflow is None else (None if workflow == AUTOMATIC else workflow)
    report.checklist = checklists.check_packet(registry, packet, report.documents,
                                               identity_problems(report.documents), chosen)
    report.priority = triage.priority(report, packet)
    report.review = Review(required=False, reasons=[reviewed_note]) if reviewed_note else triage.review_flags(report)
    if report.audit is not None:
        report.audit.checklist_version = report.checklist.version
    return report


def apply(book: ReportBook, packet_id: str, revision: int, username: str, action: str,
          form: dict[str, str]) -> Change:
    """Make one correction, re-check, save, and record it. Raises IntakeError for bad input or a conflict."""
    entry = book.get(packet_id)
    if entry is None:
        raise IntakeError("E_NO_PACKET", f"no report for packet {packet_id!r}")
    report = entry.report
    if report.status != "processed":
        raise IntakeError("E_FAILED_PACKET", f"packet {packet_id} failed to process; there is nothing to correct")
    when = now()
    stamp = when.strftime("%Y-%m-%d %H:%M UTC")
    doc_id, name = form.get("doc_id", ""), form.get("field", "")
    if action == "set_type":
        corrected, change = set_type(report, doc_id, form.get("type", ""))
    elif action == "set_field":
        corrected, change = set_field(report, doc_id, name, form.get("value", ""))
    elif action == "confirm_field":
        corrected, change = confirm_field(report, doc_id, name)
    elif action == "move_boundary":
        try:
            first_page = int(form.get("first_page", ""))
        except ValueError:
            raise IntakeError("E_BAD_BOUNDARY", "choose the page the document starts on") from None
        corrected, change = move_boundary(report, doc_id, first_page)
    elif action == "mark_reviewed":
        corrected, change = mark_reviewed(report, username, stamp)
    elif action == "set_checklist":
        from pipeline.checklists import load_checklists

        workflow = form.get("checklist", "")
        if workflow != AUTOMATIC and load_checklists([]).get(workflow) is None:
            raise IntakeError("E_BAD_CHECKLIST", f"{workflow!r} is not a checklist; use one of: "
                              f"{', '.join(load_checklists([]).ids())}")
        before = {"checklist": report.checklist.id if report.checklist else None,
                  "decided_by": report.checklist.decided_by if report.checklist else None}
        corrected, change = report, Change("set_checklist", None, None, before, {})
    else:
        raise IntakeError("E_BAD_ACTION", f"unknown correction {action!r}")
    reviewed_by = username if action == "mark_reviewed" else entry.reviewed_by
    reviewed_at = when if action == "mark_reviewed" else entry.reviewed_at
    note = None
    if reviewed_by:
        note = f"reviewed by {reviewed_by} at {aware(reviewed_at).strftime('%Y-%m-%d %H:%M UTC')}" \
            if reviewed_at else f"reviewed by {reviewed_by}"
    packet = book.packet_for(report)
    corrected = recheck(corrected, packet, note, form.get("checklist") if action == "set_checklist" else None)
    if action == "set_checklist" and corrected.checklist is not None:
        change.after = {"checklist": corrected.checklist.id, "decided_by": corrected.checklist.decided_by}
    if corrected.audit is not None:
        corrected.audit.decisions.append(f"{stamp}: {username} {action} {doc_id or ''} {name or ''}".rstrip())
    audit = dict(packet_id=packet_id, doc_id=change.doc_id, field=change.field, action=change.action,
                 before_json=json.dumps(change.before, sort_keys=True),
                 after_json=json.dumps(change.after, sort_keys=True),
                 checklist_before=report.checklist.status if report.checklist else None,
                 checklist_after=corrected.checklist.status if corrected.checklist else None,
                 packet_sha256=report.source.sha256, username=username, created_at=when)
    book.save(corrected, revision, packet, reviewed_by=username if action == "mark_reviewed" else None,
              reviewed_at=when if action == "mark_reviewed" else None, audit=audit)
    return change


def corrections(engine: Engine, packet_id: str | None = None) -> list[Correction]:
    query = select(Correction).order_by(Correction.id)
    if packet_id is not None:
        query = query.where(Correction.packet_id == packet_id)
    with engine.connect() as conn:
        return [Correction(**row._mapping) for row in conn.execute(query)]


def export_jsonl(engine: Engine) -> Iterator[str]:
    """One line per correction: the training example (before -> after) with who and when."""
    for c in corrections(engine):
        yield json.dumps({
            "id": c.id, "packet_id": c.packet_id, "doc_id": c.doc_id, "field": c.field, "action": c.action,
            "before": json.loads(c.before_json), "after": json.loads(c.after_json),
            "checklist_before": c.checklist_before, "checklist_after": c.checklist_after,
            "packet_sha256": c.packet_sha256, "user": c.username, "at": aware(c.created_at).isoformat(),
        }, sort_keys=True) + "\n"
