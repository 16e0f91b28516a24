"""Applying a checklist to a packet: choose the checklist, then test each requirement.

Choice (CONTRACT section 4): the manifest's workflow, else the caller's, else inferred from the
documents by the checklists' ``applies_when`` rules in ``infer_order``. Fax cover sheets never
take part in the choice. Requirements are tested against the reference date: the manifest's
service_date, else an extracted service_date, else the day the packet was received.
"""

from __future__ import annotations

from datetime import date

from pipeline.checklists.labels import doc_label
from pipeline.checklists.loader import ChecklistRegistry
from pipeline.identity import other_patient_docs
from pipeline.checklists.rules import Checklist, Condition, DocumentRequirement, DocumentSpec, FieldRequirement
from pipeline.model import ChecklistResult, Document, Field, MissingDocument, Packet, Problem

IGNORED_FOR_CHOICE = ("fax_cover_sheet",)
SERVICE_DATE_SOURCES = ("prior_auth_request", "referral_order")


# --------------------------------------------------------------------------- entry point


def check_packet(registry: ChecklistRegistry, packet: Packet, documents: list[Document],
                 identity_problems: list[Problem], workflow: str | None) -> ChecklistResult:
    """The checklist result for one packet; never raises for what the packet holds."""
    checklist, decided_by, choice_problem = choose_checklist(registry, packet, documents, workflow)
    ref_date, ref_source = reference_date(packet, documents)
    if checklist is None:
        problems = [choice_problem] if choice_problem else []
        return ChecklistResult(id=None, status="needs_review", problems=problems + _identity(identity_problems),
                               decided_by=decided_by, reference_date=ref_date, reference_date_source=ref_source)
    others: set[str] = set()
    if checklist.same_patient:  # documents of another patient never satisfy a requirement
        others = other_patient_docs(documents)
    missing: list[MissingDocument] = []
    problems: list[Problem] = []
    for requirement in checklist.requires:
        found_missing, found_problems = check_requirement(requirement, documents, ref_date, others)
        if found_missing and found_missing.type not in [m.type for m in missing]:
            missing.append(found_missing)
        problems.extend(found_problems)
    main_docs = [d for d in documents if d.doc_id not in others]
    for field_req in checklist.fields:
        problems.extend(check_field(field_req, main_docs))
    if checklist.same_patient:
        problems.extend(_identity(identity_problems))
    status = "complete" if not missing and not problems else "incomplete"
    return ChecklistResult(id=checklist.id, version=checklist.version, status=status,
                           missing_documents=[m.type for m in missing], missing_details=missing,
                           problems=problems, decided_by=decided_by,
                           reference_date=ref_date, reference_date_source=ref_source)


# --------------------------------------------------------------------------- which checklist


def choose_checklist(registry: ChecklistRegistry, packet: Packet, documents: list[Document],
                     workflow: str | None) -> tuple[Checklist | None, str, Problem | None]:
    """(checklist or None, decided_by, problem explaining a None)."""
    for source, wanted in (("manifest", packet.manifest.workflow), ("caller", workflow)):
        if not wanted:
            continue
        checklist = registry.get(wanted)
        if checklist is None:
            where = "manifest.json 'workflow'" if source == "manifest" else "the --workflow option"
            return None, source, Problem(
                requirement="known checklist",
                reason=f"Unknown workflow '{wanted}' in {where}; known checklists: {', '.join(registry.ids())}")
        return checklist, source, None
    for checklist in registry.inference_order():
        if all(condition_holds(c, documents) for c in checklist.applies_when):
            return checklist, "inferred", None
    kinds = sorted({d.type for d in documents if d.type not in IGNORED_FOR_CHOICE})
    found = ", ".join(doc_label(k) for k in kinds) if kinds else "no documents besides a fax cover sheet"
    return None, "none", Problem(
        requirement="applicable checklist",
        reason=f"No checklist applies to this packet (found: {found}); a person must choose one, "
               "or name it in manifest.json 'workflow' or with --workflow",
        pages=sorted({p for d in documents for p in d.pages}))


def condition_holds(condition: Condition, documents: list[Document]) -> bool:
    docs = [d for d in documents if d.type not in IGNORED_FOR_CHOICE]
    if condition.any_code_in is not None:
        ranges = condition.code_ranges()
        return any(r.contains(code) for code in packet_codes(docs) for r in ranges)
    if condition.has_document is not None:
        spec = condition.has_document
        spec = DocumentSpec(type=spec) if isinstance(spec, str) else spec
        return any(d.type == spec.type and not field_failures(spec, d) for d in docs)
    if condition.no_document is not None:
        return not any(d.type == condition.no_document for d in docs)
    if condition.only_documents is not None:
        return bool(docs) and all(d.type in condition.only_documents for d in docs)
    return False


def packet_codes(documents: list[Document]) -> list[str]:
    codes: list[str] = []
    for doc in documents:
        item = doc.fields.get("cpt_codes")
        if item is not None and isinstance(item.value, list):
            codes.extend(str(c) for c in item.value)
    return codes


# --------------------------------------------------------------------------- reference date


def reference_date(packet: Packet, documents: list[Document]) -> tuple[date, str]:
    """The date "within N days" counts back from, and where it came from."""
    if packet.manifest.service_date:
        return packet.manifest.service_date, "manifest service_date"
    ordered = sorted(documents, key=lambda d: d.type not in SERVICE_DATE_SOURCES)
    for doc in ordered:
        value = field_date(doc.fields.get("service_date"))
        if value is not None:
            return value, f"service_date on page {doc.fields['service_date'].page}"
    if packet.manifest.received_at:
        return packet.manifest.received_at.date(), "manifest received_at"
    if packet.received_at:
        return packet.received_at.date(), "day the packet was received"
    modified = [f.modified_at for f in packet.files if f.modified_at]
    if modified:
        return max(modified).date(), "file modification date"
    return date.today(), "today (no service or received date known)"


def field_date(item: Field | None) -> date | None:
    if item is None or not item.valid or not isinstance(item.value, str):
        return None
    try:
        return date.fromisoformat(item.value)
    except ValueError:
        return None


# --------------------------------------------------------------------------- requirements


def check_requirement(requirement: DocumentRequirement, documents: list[Document], ref_date: date,
                      others: set[str]) -> tuple[MissingDocument | None, list[Problem]]:
    """(what to list as missing or None, problems for documents that were there but fail)."""
    specs = requirement.alternatives()
    failing: list[tuple[Document, list[tuple[str, str | None]]]] = []
    satisfied = False
    for doc in documents:
        outcomes = [spec_failures(spec, doc, ref_date) for spec in specs if spec.type == doc.type]
        if not outcomes:
            continue
        reasons = next((r for r in outcomes if not r), outcomes[0])
        if doc.doc_id in others:
            reasons = [*reasons, ("belongs to another patient" + _identity_text(doc), "patient_name")]
        if reasons:
            failing.append((doc, reasons))
        else:
            satisfied = True
    if satisfied:  # an older note beside a fresh one is history, not a gap (samples/README.md agrees)
        return None, []
    problems = [
        Problem(requirement=requirement.name(),
                reason=f"{doc_label(doc.type)} ({_pages_text(doc.pages)}) " + "; ".join(r for r, _ in reasons),
                pages=doc.pages, doc_id=doc.doc_id, field=reasons[0][1])
        for doc, reasons in failing
    ]
    if problems:
        why = "present but not acceptable: " + "; ".join(p.reason for p in problems)
    else:
        why = "not in the packet"
    missing = MissingDocument(type=specs[0].type, requirement=requirement.name(), reason=why,
                              pages=sorted({p for problem in problems for p in problem.pages}))
    return missing, problems


def spec_failures(spec: DocumentSpec, doc: Document, ref_date: date) -> list[tuple[str, str | None]]:
    """Why ``doc`` does not meet ``spec``: (reason, field the evidence is in)."""
    reasons: list[tuple[str, str | None]] = []
    if spec.signed:
        signature = doc.fields.get("signature_present")
        if signature is None or signature.value is not True:
            reasons.append(("is not signed", "signature_present"))
    if spec.within_days is not None:
        doc_date = field_date(doc.fields.get("document_date"))
        if doc_date is None:
            reasons.append((f"has no readable date, so it cannot be shown to be within {spec.within_days} "
                            f"days of {ref_date.isoformat()}", "document_date"))
        elif doc_date > ref_date:
            reasons.append((f"is dated {doc_date.isoformat()}, after {ref_date.isoformat()} (must be dated "
                            f"within the {spec.within_days} days before it)", "document_date"))
        elif (ref_date - doc_date).days > spec.within_days:
            reasons.append((f"is dated {doc_date.isoformat()}, {(ref_date - doc_date).days} days before "
                            f"{ref_date.isoformat()} (must be within {spec.within_days} days)", "document_date"))
    reasons.extend(field_failures(spec, doc))
    return reasons


def field_failures(spec: DocumentSpec, doc: Document) -> list[tuple[str, str | None]]:
    reasons: list[tuple[str, str | None]] = []
    for name, expected in spec.fields_equal.items():
        item = doc.fields.get(name)
        if item is None or item.value in (None, ""):
            reasons.append((f"has no {name} (must be {expected})", name))
        elif str(item.value).strip().lower() != expected.strip().lower():
            reasons.append((f"has {name} '{item.value}' (must be {expected})", name))
    for name in spec.fields_present:
        if name in spec.fields_equal:
            continue
        if not has_value(doc.fields.get(name)):
            reasons.append((f"has no {name}", name))
    return reasons


def check_field(requirement: FieldRequirement, documents: list[Document]) -> list[Problem]:
    name = requirement.field
    label = f"{'valid ' if requirement.valid else ''}{name}"
    occurrences = [(d, d.fields[name]) for d in documents
                   if name in d.fields and has_value(d.fields[name])
                   and (requirement.in_documents is None or d.type in requirement.in_documents)]
    good = [(d, f) for d, f in occurrences if (f.valid or not requirement.valid)
            and _count(f.value) >= requirement.min_items]
    if good:
        return []
    if not occurrences:
        where = f" on a {' or '.join(requirement.in_documents)}" if requirement.in_documents else ""
        return [Problem(requirement=label, reason=f"no {name} found{where} in the packet")]
    problems = []
    for doc, item in occurrences:
        if not item.valid and requirement.valid:
            why = f": {item.reason}" if item.reason else ""
            reason = f"{name} '{_value_text(item.value)}' on page {item.page} is not valid{why}"
        else:
            reason = f"{name} on page {item.page} has {_count(item.value)} value(s), " \
                     f"at least {requirement.min_items} needed"
        problems.append(Problem(requirement=label, reason=reason, pages=[item.page],
                                doc_id=doc.doc_id, field=name))
    return problems


# --------------------------------------------------------------------------- same patient


def _identity(problems: list[Problem]) -> list[Problem]:
    """Identity problems from ``pipeline.identity``, filed under this checklist's same-patient rule."""
    return [p.model_copy(update={"requirement": "same patient"}) for p in problems]


# --------------------------------------------------------------------------- small helpers


def has_value(item: Field | None) -> bool:
    return item is not None and item.value is not None and item.value != "" and item.value != []


def _count(value: object) -> int:
    return len(value) if isinstance(value, list) else 1


def _value_text(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _pages_text(pages: list[int]) -> str:
    if not pages:
        return "no page"
    if len(pages) == 1:
        return f"page {pages[0]}"
    return f"pages {pages[0]}-{pages[-1]}" if pages == list(range(pages[0], pages[-1] + 1)) \
        else "pages " + ", ".join(map(str, pages))


def _identity_text(doc: Document) -> str:
    parts = [str(doc.fields[k].value) for k in ("patient_name", "patient_dob") if has_value(doc.fields.get(k))]
    return f" ({', '.join(parts)})" if parts else ""


