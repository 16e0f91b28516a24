"""The page and document labels, exactly the document types of CONTRACT section 2.

The order is the classifier's output order; it is also stored with the weights, and loading
weights trained on another label list is an error.
"""

from __future__ import annotations

from pipeline.model import DOC_TYPES

LABELS: tuple[str, ...] = (
    "fax_cover_sheet",
    "referral_order",
    "prior_auth_request",
    "insurance_card",
    "clinical_note",
    "lab_result",
    "imaging_report",
    "medical_necessity_letter",
    "patient_registration",
    "consent_form",
    "payer_determination",
    "remittance_eob",
    "prescription",
    "discharge_summary",
    "other",
)

if set(LABELS) != set(DOC_TYPES):  # pragma: no cover - a programming error, caught at import
    raise RuntimeError(f"models.labels.LABELS {LABELS} differ from pipeline.model.DOC_TYPES {DOC_TYPES}")

LABEL_INDEX: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
