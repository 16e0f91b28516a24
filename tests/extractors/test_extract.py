"""Extraction from hand-built pages: label on the line, label above the value, prose, evidence."""

import re

from extractors import DEFAULT_FOR_TYPE, EXTRACTORS, extract_document
from pipeline.model import Document, SignatureMark

from .pages import page_from_rows


def _doc(doc_type: str, pages=(1,)) -> Document:
    return Document(doc_id="T-d1", type=doc_type, confidence=1.0, pages=list(pages))


def _values(fields):
    return {k: f.value for k, f in fields.items()}


def test_every_type_has_a_versioned_extractor():
    from pipeline.model import DOC_TYPES

    assert set(DOC_TYPES) <= set(DEFAULT_FOR_TYPE)
    assert all(re.fullmatch(r"[a-z_]+\.v\d+", name) and name in EXTRACTORS for name in DEFAULT_FOR_TYPE.values())


def test_prior_auth_label_on_line_with_roles():
    page = page_from_rows([
        [(50, "PRIOR AUTHORIZATION REQUEST")],
        [(50, "MEMBER INFORMATION")],
        [(50, "Name: DOE, JANE A"), (300, "DOB: 3/14/61")],
        [(50, "Member ID: XYZ 123 456789"), (300, "Group #: 12345")],
        [(50, "Health Plan: Summit Health Plan")],
        [(50, "Ordering Provider")],
        [(50, "Name: Dr. John Smith, MD"), (300, "NPI: 1234567893")],
        [(50, "Referred To: Ann Lee, MD"), (300, "NPI: 1245319599")],
        [(50, "CPT Code(s): 72148, 72158, 72148")],
        [(50, "Diagnosis (ICD-10): M54.50 M51.26 I10")],
        [(50, "Requested Date of Service: 04/02/2024")],
        [(50, "Electronically signed by John Smith, MD"), (300, "Date: 03/30/2024")],
    ])
    fields = extract_document(_doc("prior_auth_request"), [page])
    assert _values(fields) == {
        "patient_name": "Jane A Doe", "patient_dob": "1961-03-14", "member_id": "XYZ123456789",
        "group_number": "12345", "payer_name": "Summit Health Plan", "ordering_provider_name": "John Smith",
        "ordering_provider_npi": "1234567893", "cpt_codes": ["72148", "72158"],
        "icd10_codes": ["M54.50", "M51.26", "I10"], "service_date": "2024-04-02", "document_date": "2024-03-30",
        "signature_present": True,
    }
    for f in fields.values():
        x0, y0, x1, y1 = f.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
        assert 0 < f.confidence <= 1 and f.page == 1 and f.text and f.valid
    assert "DOB" in fields["patient_dob"].text and "3/14/61" in fields["patient_dob"].text


def test_label_above_value_boxes():
    page = page_from_rows([
        [(50, "PATIENT NAME"), (250, "DATE OF BIRTH"), (420, "MEMBER ID")],
        [(50, "Maria Lopez"), (250, "1975-07-04"), (420, "W123456789")],
        [(50, "ORDERING PHYSICIAN"), (250, "NPI")],
        [(50, "SMITH, JOHN MD"), (250, "1234567893")],
    ])
    fields = extract_document(_doc("referral_order"), [page])
    assert _values(fields) == {"patient_name": "Maria Lopez", "patient_dob": "1975-07-04", "member_id": "W123456789",
                               "ordering_provider_name": "John Smith", "ordering_provider_npi": "1234567893"}
    assert fields["patient_dob"].bbox[0] >= 249  # the value's box, under its label


def test_prose_letter_with_signature_block():
    page = page_from_rows([
        [(50, "Lakeside Family Practice")],
        [(50, "March 3, 2025")],
        [(50, "To: Summit Health Plan, Appeals Department")],
        [(50, "Re: Jane Doe")],
        [(50, "Date of Birth: 03/14/1961")],
        [(50, "I am writing on behalf of my patient, Jane Doe, to request coverage for MRI lumbar spine (CPT 72148).")],
        [(50, "The patient carries a diagnosis of low back pain (M54.50) and radiculopathy (M54.16).")],
        [(50, "Please contact my office with questions. Dr. Robert Chen, NPI 1234567893.")],
        [(50, "Sincerely,")],
        [(50, "Robert Chen, MD")],
    ])
    fields = extract_document(_doc("medical_necessity_letter"), [page])
    assert _values(fields) == {
        "patient_name": "Jane Doe", "patient_dob": "1961-03-14", "payer_name": "Summit Health Plan",
        "ordering_provider_name": "Robert Chen", "ordering_provider_npi": "1234567893", "cpt_codes": ["72148"],
        "icd10_codes": ["M54.50", "M54.16"], "document_date": "2025-03-03", "signature_present": True,
    }


def test_imaging_report_takes_orderer_not_radiologist():
    page = page_from_rows([
        [(50, "Radiology Report")],
        [(50, "Patient: Jane Doe"), (300, "DOB: 03/14/1961")],
        [(50, "Interpreting Radiologist: Maria Huang, MD")],
        [(50, "Referring Physician: Robert Chen, MD")],
        [(50, "Exam Date: 04/02/2024"), (300, "CPT: 72148")],
        [(50, "Electronically signed by Maria Huang, MD on 04/02/2024")],
    ])
    fields = extract_document(_doc("imaging_report"), [page])
    assert fields["ordering_provider_name"].value == "Robert Chen"
    assert fields["document_date"].value == "2024-04-02"
    assert fields["cpt_codes"].value == ["72148"]


def test_payer_determination_and_fax_cover():
    letter = page_from_rows([
        [(50, "Summit Health Plan")],
        [(50, "Date: 11/01/2026")],
        [(50, "Member: CHASE, GREGORY N")],
        [(50, "Member ID: PAW443921711"), (300, "Reference #: PA20261234567")],
        [(50, "Decision: DENIED")],
    ])
    fields = extract_document(_doc("payer_determination"), [letter])
    assert _values(fields) == {"determination": "denied", "auth_number": "PA20261234567", "member_id": "PAW443921711",
                               "patient_name": "Gregory N Chase", "document_date": "2026-11-01",
                               "payer_name": "Summit Health Plan"}
    cover = page_from_rows([
        [(50, "FAX COVER SHEET")],
        [(50, "To: Intake Department")],
        [(50, "Fax: (555) 234-5678")],
        [(50, "From: Front Desk, Oak Clinic")],
        [(50, "Fax: 1-555-876-5432")],
        [(50, "Date: 2026-11-01"), (300, "Pages (including cover): 4")],
    ])
    fields = extract_document(_doc("fax_cover_sheet"), [cover])
    assert _values(fields) == {"fax_to": "5552345678", "fax_from": "5558765432", "page_count": 4,
                               "document_date": "2026-11-01"}


def test_invalid_values_are_reported_with_reason():
    page = page_from_rows([
        [(50, "Patient Name: Jane Doe"), (300, "DOB: 31/12/2020")],
        [(50, "Ordering Provider: John Smith, MD"), (300, "NPI: 1234567890")],
    ])
    fields = extract_document(_doc("referral_order"), [page])
    assert not fields["ordering_provider_npi"].valid and "check digit" in fields["ordering_provider_npi"].reason
    assert not fields["patient_dob"].valid and "day-first" in fields["patient_dob"].reason
    assert fields["ordering_provider_npi"].confidence < fields["patient_name"].confidence


def test_ocr_page_repairs_codes_and_npi():
    page = page_from_rows([
        [(50, "Patient: Jane Doe")],
        [(50, "Ordering Provider: John Smith, MD"), (300, "NPI: I234567893")],
        [(50, "Dx codes: 110, M54.5O")],
        [(50, "CPT: J9O35")],
    ], method="ocr", confidence=0.8)
    fields = extract_document(_doc("prior_auth_request"), [page])
    assert fields["ordering_provider_npi"].value == "1234567893" and fields["ordering_provider_npi"].valid
    assert fields["icd10_codes"].value == ["I10", "M54.50"]
    assert fields["cpt_codes"].value == ["J9035"]
    assert fields["patient_name"].confidence <= 0.8


def test_signatures_blank_ink_and_layout_mark():
    blank = page_from_rows([
        [(50, "Patient Name: Jane Doe")],
        [(50, "Patient Signature")],
        [(50, "Date: ____________")],
    ])
    assert extract_document(_doc("consent_form"), [blank])["signature_present"].value is False
    mark = SignatureMark(bbox=(60, 100, 200, 130), kind="ink")
    inked = blank.model_copy(update={"signatures": [mark]})
    sig = extract_document(_doc("consent_form"), [inked])["signature_present"]
    assert sig.value is True and sig.bbox == (60, 100, 200, 130)


def test_multi_page_document_and_insurance_card():
    p1 = page_from_rows([[(50, "Progress Note")], [(50, "Patient: Jane Doe"), (300, "DOB: 03/14/1961")],
                         [(50, "Visit Date: 10/12/2026")]], number=3)
    p2 = page_from_rows([[(50, "Assessment: Essential hypertension (I10)")],
                         [(50, "Electronically signed by Robert Chen, MD on 10/12/2026")]], number=4)
    fields = extract_document(_doc("clinical_note", pages=(3, 4)), [p1, p2])
    assert fields["icd10_codes"].value == ["I10"] and fields["icd10_codes"].page == 4
    assert fields["ordering_provider_name"].value == "Robert Chen"
    assert fields["signature_present"].value is True and fields["document_date"].value == "2026-10-12"
    card = page_from_rows([
        [(50, "Summit Health Plan"), (300, "PPO")],
        [(50, "MEMBER")],
        [(50, "JANE A DOE")],
        [(50, "ID: XYZ123456789"), (300, "RxGRP: RX1515")],
        [(50, "Group No.: 73-5434")],
    ], method="ocr")
    fields = extract_document(_doc("insurance_card"), [card])
    assert _values(fields) == {"member_id": "XYZ123456789", "group_number": "73-5434",
                               "payer_name": "Summit Health Plan", "patient_name": "Jane A Doe"}
