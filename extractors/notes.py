"""Clinical documents: clinical note, discharge summary, imaging report, lab result."""

from __future__ import annotations

from extractors import common
from extractors.common import put
from extractors.fields import Reader, read_signature
from extractors.registry import register
from extractors.view import DocView
from pipeline.model import Field


def _identity(r: Reader, out: dict[str, Field]) -> None:
    put(out, "patient_name", common.patient_name(r))
    put(out, "patient_dob", r.labelled("patient_dob"))
    put(out, "member_id", r.labelled("member_id"))


@register("clinical_note.v1", types=["clinical_note"])
def clinical_note(view: DocView) -> dict[str, Field]:
    """The author (provider / seen by / signer) is the ordering provider of a note."""
    r = Reader(view)
    out: dict[str, Field] = {}
    _identity(r, out)
    put(out, "ordering_provider_name", r.labelled("ordering_provider_name")
        or r.labelled("ordering_provider_name", keys=("note_author",)) or common.provider_from_signature(r))
    put(out, "ordering_provider_npi", common.ordering_npi(r, author_orders=True))
    common.codes(r, out)
    put(out, "document_date", r.labelled("document_date") or common.first_date_line(r))
    put(out, "signature_present", read_signature(view))
    return out


@register("discharge_summary.v1", types=["discharge_summary"])
def discharge_summary(view: DocView) -> dict[str, Field]:
    """Written by the attending, who is not an ordering provider (CONTRACT section 3)."""
    r = Reader(view)
    out: dict[str, Field] = {}
    _identity(r, out)
    common.codes(r, out, cpt=False)
    put(out, "document_date", r.labelled("document_date"))
    put(out, "signature_present", read_signature(view))
    return out


@register("imaging_report.v1", types=["imaging_report"])
def imaging_report(view: DocView) -> dict[str, Field]:
    """The ordering/referring physician, never the reading radiologist; the exam date dates the report."""
    r = Reader(view)
    out: dict[str, Field] = {}
    _identity(r, out)
    put(out, "ordering_provider_name", r.labelled("ordering_provider_name"))
    put(out, "ordering_provider_npi", r.labelled("ordering_provider_npi"))
    common.codes(r, out)
    put(out, "document_date", r.labelled("document_date") or r.labelled("document_date", keys=("service_date",)))
    put(out, "signature_present", read_signature(view))
    return out


@register("lab_result.v1", types=["lab_result"])
def lab_result(view: DocView) -> dict[str, Field]:
    """The report date (not the collection date) dates a lab result."""
    r = Reader(view)
    out: dict[str, Field] = {}
    _identity(r, out)
    put(out, "ordering_provider_name", r.labelled("ordering_provider_name"))
    put(out, "ordering_provider_npi", common.ordering_npi(r))
    common.codes(r, out, cpt=False)
    put(out, "document_date", r.labelled("document_date"))
    return out
