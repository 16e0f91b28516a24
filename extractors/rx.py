"""Prescription: patient, prescriber and NPI, date, signature, diagnosis codes."""

from __future__ import annotations

from extractors import common
from extractors.common import put
from extractors.fields import Reader, read_signature
from extractors.registry import register
from extractors.view import DocView
from pipeline.model import Field


@register("prescription.v1", types=["prescription"])
def prescription(view: DocView) -> dict[str, Field]:
    r = Reader(view)
    out: dict[str, Field] = {}
    put(out, "patient_name", common.patient_name(r))
    put(out, "patient_dob", r.labelled("patient_dob"))
    put(out, "member_id", r.labelled("member_id"))
    put(out, "ordering_provider_name", common.ordering_provider(r))
    put(out, "ordering_provider_npi", common.ordering_npi(r))
    common.codes(r, out, cpt=False)
    put(out, "document_date", r.labelled("document_date"))
    put(out, "signature_present", read_signature(view))
    return out


@register("other.v1", types=["other"])
def other(view: DocView) -> dict[str, Field]:
    """Unknown documents: only the identity fields, so a stray page of another patient is noticed."""
    r = Reader(view)
    out: dict[str, Field] = {}
    put(out, "patient_name", common.patient_name(r))
    put(out, "patient_dob", r.labelled("patient_dob"))
    put(out, "document_date", r.labelled("document_date"))
    return out
