"""Names of document types as people say them (for reasons, report.html and the request letter)."""

from __future__ import annotations

DOC_LABELS = {
    "fax_cover_sheet": "Fax cover sheet",
    "referral_order": "Referral / order",
    "prior_auth_request": "Prior authorization request",
    "insurance_card": "Insurance card",
    "clinical_note": "Clinical note",
    "lab_result": "Lab result",
    "imaging_report": "Imaging report",
    "medical_necessity_letter": "Letter of medical necessity",
    "patient_registration": "Patient registration",
    "consent_form": "Consent form",
    "payer_determination": "Payer determination letter",
    "remittance_eob": "Remittance / EOB",
    "prescription": "Prescription",
    "discharge_summary": "Discharge summary",
    "other": "Other document",
}


def doc_label(doc_type: str | None) -> str:
    return DOC_LABELS.get(doc_type or "", doc_type or "unknown")
