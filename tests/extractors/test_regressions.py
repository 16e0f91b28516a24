"""Regressions from the held-out end-to-end evaluation, each on hand-made pages."""

from extractors import extract_document
from pipeline.model import Document

from .pages import page_from_rows


def _doc(doc_type: str, pages=(1,)) -> Document:
    return Document(doc_id="T-d1", type=doc_type, confidence=1.0, pages=list(pages))


def _values(fields):
    return {k: f.value for k, f in fields.items()}


def test_ocr_repair_never_turns_words_into_icd_codes():
    page = page_from_rows([
        [(50, "PROGRESS NOTE")],
        [(50, "Assessment: breast cancer, stage IIA, stable.")],
        [(50, "Diagnosis: C5O.911, I1O")],
        [(50, "Anticipated DOS: 12/01/2026")],
        [(50, "Plan: MRI; reason: DOS confirmed")],
    ], method="ocr")
    fields = extract_document(_doc("clinical_note"), [page])
    assert fields["icd10_codes"].value == ["C50.911", "I10"]


def test_group_number_prefers_the_explicit_label_over_an_org_name_and_member_id_is_never_a_date():
    page = page_from_rows([
        [(50, "Jeffreyland Medical Group")],
        [(50, "0760 Cynthia Place Apt. 088, Victoriatown, RI 56441")],
        [(50, "PATIENT INFORMATION")],
        [(50, "Patient Name: Harold Pennington")],
        [(50, "Member ID"), (200, "09/26/1991")],
        [(50, "Insurance ID: 4Z31-SE4-XE36")],
        [(50, "Group No.: C7588D")],
    ])
    fields = _values(extract_document(_doc("patient_registration"), [page]))
    assert fields["group_number"] == "C7588D"
    assert fields["member_id"] == "4Z31SE4XE36" or fields["member_id"] == "4Z31-SE4-XE36"


def test_signed_in_consent_prose_is_not_a_signature():
    page = page_from_rows([
        [(50, "HIPAA Authorization for Use and Disclosure of Health Information")],
        [(50, "Patient: Michelle Richmond")],
        [(50, "EXPIRATION: This authorization expires one year from the date signed")],
        [(50, "unless revoked in writing. Date: 11/02/2026")],
        [(50, "Signature of Patient or Legal Representative")],
        [(50, "Date: ____________")],
    ], method="ocr")
    assert extract_document(_doc("consent_form"), [page])["signature_present"].value is False


def test_patient_signature_caption_with_a_name_is_signed():
    page = page_from_rows([
        [(50, "Consent to Treat")],
        [(50, "Patient Signature:"), (200, "Michelle Richmond")],
        [(50, "Date: 11/02/2026")],
    ])
    assert extract_document(_doc("consent_form"), [page])["signature_present"].value is True
