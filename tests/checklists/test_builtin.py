"""Each built-in checklist (CONTRACT section 4) on complete and incomplete packets."""

from datetime import date

import pytest

from pipeline.identity import identity_problems
from pipeline.checklists import check_packet, load_checklists
from pipeline.model import Problem
from tests.checklists.builders import OTHER_PATIENT, PATIENT, Docs, field, imaging_docs, packet


@pytest.fixture(scope="module")
def registry():
    return load_checklists([])


def check(registry, docs: Docs, pk=None, workflow=None, identity=None):
    identity = identity_problems(docs.docs) if identity is None else identity
    return check_packet(registry, pk or packet(), docs.docs, identity, workflow)


# --------------------------------------------------------------------------- prior_auth_imaging


def test_imaging_complete(registry):
    result = check(registry, imaging_docs())
    assert (result.id, result.status, result.decided_by) == ("prior_auth_imaging", "complete", "inferred")
    assert result.version == "1.0"
    assert result.missing_documents == [] and result.problems == []
    assert result.reference_date == date(2026, 3, 10)


def test_imaging_signed_referral_order_is_an_alternative(registry):
    result = check(registry, imaging_docs(request_type="referral_order"))
    assert result.status == "complete"


def test_imaging_missing_clinical_note(registry):
    docs = imaging_docs()
    docs.docs.pop()
    result = check(registry, docs)
    assert result.status == "incomplete"
    assert result.missing_documents == ["clinical_note"]
    assert result.problems == []
    assert result.missing_details[0].reason == "not in the packet"


def test_imaging_clinical_note_too_old(registry):
    result = check(registry, imaging_docs(note_date="2025-12-01"))  # 99 days before 2026-03-10
    assert result.missing_documents == ["clinical_note"]
    [problem] = result.problems
    assert problem.pages == [4] and problem.field == "document_date"
    assert "99 days" in problem.reason and "within 60 days" in problem.reason


def test_imaging_note_exactly_sixty_days_counts(registry):
    assert check(registry, imaging_docs(note_date="2026-01-09")).status == "complete"   # 60 days
    assert check(registry, imaging_docs(note_date="2026-01-08")).status == "incomplete"  # 61 days


def test_imaging_unsigned_request_names_first_alternative(registry):
    result = check(registry, imaging_docs(request={"signature_present": False}))
    assert result.missing_documents == ["prior_auth_request"]
    [problem] = result.problems
    assert "not signed" in problem.reason and problem.pages == [2, 3]


def test_imaging_unsigned_referral_still_names_prior_auth_request(registry):
    result = check(registry, imaging_docs(request_type="referral_order", request={"signature_present": None}))
    assert result.missing_documents == ["prior_auth_request"]
    assert "Referral" in result.problems[0].reason and "not signed" in result.problems[0].reason


def test_imaging_note_of_another_patient(registry):
    docs = imaging_docs()
    docs.docs[-1].fields.update({k: field(v, page=4) for k, v in OTHER_PATIENT.items()})
    result = check(registry, docs)
    assert result.missing_documents == ["clinical_note"]
    reasons = " | ".join(p.reason for p in result.problems)
    assert "another patient" in reasons and "Robert Chen" in reasons
    assert any(p.requirement == "same patient" and p.pages == [4] for p in result.problems)


def test_imaging_ocr_noise_in_a_name_is_not_another_patient(registry):
    docs = imaging_docs()
    docs.docs[-1].fields["patient_name"] = field("Maria Lopes", page=4)
    assert check(registry, docs).status == "complete"


def test_imaging_invalid_npi_is_a_problem(registry):
    docs = imaging_docs(request={"ordering_provider_npi": field("1234567890", page=2, valid=False,
                                                                 reason="check digit is wrong")})
    result = check(registry, docs)
    assert result.status == "incomplete" and result.missing_documents == []
    [problem] = result.problems
    assert problem.requirement == "valid ordering_provider_npi"
    assert "1234567890" in problem.reason and "check digit" in problem.reason and problem.pages == [2]


def test_imaging_missing_codes_and_member_id(registry):
    result = check(registry, imaging_docs(request={"icd10_codes": None, "member_id": None}))
    assert result.status == "incomplete"
    requirements = {p.requirement for p in result.problems}
    assert requirements == {"icd10_codes", "member_id"}


def test_imaging_present_but_invalid_member_id_is_no_gap(registry):
    docs = imaging_docs(request={"member_id": field("XJH 12", page=2, valid=False, reason="too short")})
    assert check(registry, docs).status == "complete"  # presence is enough; review_flags raises the doubt


def test_imaging_note_dated_after_service_date_does_not_count(registry):
    result = check(registry, imaging_docs(note_date="2026-03-12"))
    assert result.missing_documents == ["clinical_note"] and "after 2026-03-10" in result.problems[0].reason


def test_imaging_other_patient_with_real_identity_stage(registry):
    from pipeline.identity import identity_problems

    docs = imaging_docs()
    docs.docs[-1].fields.update({k: field(v, page=4) for k, v in OTHER_PATIENT.items()})
    result = check(registry, docs, identity=identity_problems(docs.docs))
    assert result.missing_documents == ["clinical_note"]
    same_patient = [p for p in result.problems if p.requirement == "same patient"]
    assert len(same_patient) == 1 and same_patient[0].pages == [4]


def test_identity_problems_from_identity_stage_are_included(registry):
    given = Problem(requirement="identity", reason="patient_dob differs between page 2 and page 4", pages=[2, 4])
    result = check(registry, imaging_docs(), identity=[given])
    assert result.status == "incomplete"
    assert [p.reason for p in result.problems] == [given.reason]
    assert result.problems[0].requirement == "same patient"


# --------------------------------------------------------------------------- reference date


def test_manifest_service_date_beats_extracted_one(registry):
    docs = imaging_docs(note_date="2026-01-01")  # 68 days before the extracted 2026-03-10
    assert check(registry, docs).status == "incomplete"
    result = check(registry, docs, pk=packet(service_date=date(2026, 2, 15)))  # 45 days
    assert result.status == "complete"
    assert result.reference_date == date(2026, 2, 15)
    assert result.reference_date_source == "manifest service_date"


def test_received_date_when_no_service_date(registry):
    docs = imaging_docs(note_date="2025-12-20", request={"service_date": None})
    result = check(registry, docs, pk=packet(received=date(2026, 2, 1)))  # 43 days
    assert result.status == "complete" and result.reference_date == date(2026, 2, 1)
    result = check(registry, docs, pk=packet(received=date(2026, 3, 1)))  # 71 days
    assert result.missing_documents == ["clinical_note"]


# --------------------------------------------------------------------------- prior_auth_infusion


def infusion_docs(lab_date="2026-02-20", card=True) -> Docs:
    d = Docs()
    d.add("prior_auth_request", **PATIENT, member_id="W99887766", ordering_provider_npi="1234567893",
          cpt_codes=["J1745", "96413"], icd10_codes=["K50.90"], service_date="2026-03-10",
          signature_present=True)
    d.add("clinical_note", **PATIENT, document_date="2026-01-05")
    d.add("lab_result", **PATIENT, document_date=lab_date)
    d.add("medical_necessity_letter", **PATIENT, document_date="2026-02-25")
    if card:
        d.add("insurance_card", patient_name="MARIA LOPEZ", member_id="W99887766")
    return d


def test_infusion_complete(registry):
    result = check(registry, infusion_docs())
    assert (result.id, result.status) == ("prior_auth_infusion", "complete")


def test_infusion_old_lab_and_no_card(registry):
    result = check(registry, infusion_docs(lab_date="2026-01-20", card=False))  # lab 49 days old
    assert result.status == "incomplete"
    assert result.missing_documents == ["lab_result", "insurance_card"]
    assert len(result.problems) == 1 and "within 30 days" in result.problems[0].reason


# --------------------------------------------------------------------------- specialist_referral


def referral_docs(consent_signed=True) -> Docs:
    d = Docs()
    d.add("fax_cover_sheet", fax_from="5551234567", fax_to="5559876543")
    d.add("referral_order", **PATIENT, ordering_provider_npi="1234567893", signature_present=True)
    d.add("patient_registration", **PATIENT, member_id="ABC123")
    d.add("insurance_card", member_id="ABC123")
    d.add("consent_form", **PATIENT, signature_present=consent_signed)
    return d


def test_specialist_referral_complete(registry):
    result = check(registry, referral_docs())
    assert (result.id, result.status) == ("specialist_referral", "complete")


def test_specialist_referral_unsigned_consent(registry):
    result = check(registry, referral_docs(consent_signed=False))
    assert result.missing_documents == ["consent_form"]
    assert result.problems[0].pages == [5]


# --------------------------------------------------------------------------- appeal


def appeal_docs(determination="denied", auth="AUTH-5521") -> Docs:
    d = Docs()
    fields = {**PATIENT, "member_id": "M1234", "determination": determination, "document_date": "2026-02-01"}
    if auth:
        fields["auth_number"] = auth
    d.add("payer_determination", **fields)
    d.add("medical_necessity_letter", **PATIENT, document_date="2026-02-20")
    d.add("clinical_note", **PATIENT, document_date="2026-01-10")
    return d


def test_appeal_complete(registry):
    result = check(registry, appeal_docs())
    assert (result.id, result.status, result.decided_by) == ("appeal", "complete", "inferred")


def test_appeal_without_auth_number(registry):
    result = check(registry, appeal_docs(auth=None))
    assert result.missing_documents == ["payer_determination"]
    assert "auth_number" in result.problems[0].reason


def test_appeal_named_by_manifest_with_an_approval(registry):
    result = check(registry, appeal_docs(determination="approved"), pk=packet(workflow="appeal"))
    assert (result.id, result.decided_by) == ("appeal", "manifest")
    assert result.missing_documents == ["payer_determination"]
    assert "approved" in result.problems[0].reason


# --------------------------------------------------------------------------- payer_correspondence


def test_payer_correspondence_letter_complete(registry):
    d = Docs()
    d.add("fax_cover_sheet", fax_from="8005550000")
    d.add("payer_determination", **PATIENT, member_id="M1234", determination="more_info_requested",
          auth_number="REF-77")
    result = check(registry, d)
    assert (result.id, result.status) == ("payer_correspondence", "complete")


def test_payer_correspondence_eob_needs_no_determination(registry):
    d = Docs()
    d.add("remittance_eob", **PATIENT, member_id="M1234", auth_number="CLM-001")
    assert check(registry, d).status == "complete"


def test_payer_correspondence_letter_without_member_id(registry):
    d = Docs()
    d.add("payer_determination", **PATIENT, determination="approved", auth_number="REF-77")
    result = check(registry, d)
    assert result.missing_documents == ["payer_determination"] and "member_id" in result.problems[0].reason


def test_payer_correspondence_letter_without_reference(registry):
    d = Docs()
    d.add("payer_determination", **PATIENT, member_id="M1234", determination="approved")
    result = check(registry, d)
    assert result.missing_documents == ["payer_determination"]
    assert "auth_number" in result.problems[0].reason


def test_imaging_old_note_beside_a_fresh_one_is_history_not_a_gap(registry):
    docs = imaging_docs()
    docs.add("clinical_note", **PATIENT, document_date="2025-06-01")
    result = check(registry, docs)
    assert result.status == "complete" and result.problems == []


def test_two_notes_of_another_patient_do_not_outvote_the_request_and_card(registry):
    d = Docs()
    d.add("prior_auth_request", **PATIENT, member_id="M1", ordering_provider_npi="1234567893",
          cpt_codes=["70551"], icd10_codes=["G43.909"], service_date="2026-03-10", signature_present=True)
    d.add("clinical_note", **OTHER_PATIENT, document_date="2026-02-01")
    d.add("clinical_note", pages=2, **OTHER_PATIENT, document_date="2026-02-02")
    d.add("insurance_card", patient_name="Maria Lopez", member_id="M1")
    result = check(registry, d)
    assert result.missing_documents == ["clinical_note"]
    assert not any(p.requirement.startswith("valid") or p.requirement == "patient_dob" for p in result.problems)
