"""Same patient: which values take part in the comparison."""

from pipeline.identity import identity_problems, other_patient_docs
from tests.checklists.builders import PATIENT, Docs, field


def _packet(card_name):
    d = Docs()
    d.add("prior_auth_request", **PATIENT, signature_present=True)
    d.add("clinical_note", **PATIENT, document_date="2026-02-01")
    d.add("insurance_card", patient_name=card_name, patient_dob=PATIENT["patient_dob"], member_id="XJH123456789")
    return d.docs


def test_a_name_that_failed_validation_is_not_another_patient():
    """An address line read as the card holder's name, rejected by the extractor: no evidence."""
    docs = _packet(field("OK Amandatown", valid=False, reason="not a person's name"))
    assert identity_problems(docs) == [] and other_patient_docs(docs) == set()


def test_a_valid_different_name_is_still_another_patient():
    docs = _packet(field("Robert Chen"))
    problems = identity_problems(docs)
    assert [(p.doc_id, p.field) for p in problems] == [("PKT-d3", "patient_name")]
    assert other_patient_docs(docs) == {"PKT-d3"}


def test_ocr_noise_in_both_names_with_the_same_date_of_birth_is_one_patient():
    """A fax read "Jonathan S Williams" as "Josmathian S Willaims" on one letter (same DOB)."""
    d = Docs()
    d.add("payer_determination", patient_name="Jonathan Williams", patient_dob="1951-05-22", determination="denied")
    d.add("medical_necessity_letter", patient_name="Josmathian S Willaims", patient_dob="1951-05-22")
    d.add("clinical_note", patient_name="Jonathan S Williams", patient_dob="1951-05-22")
    assert identity_problems(d.docs) == [] and other_patient_docs(d.docs) == set()


def test_twins_share_a_date_of_birth_and_family_name_but_stay_apart():
    d = Docs()
    d.add("referral_order", patient_name="John Smith", patient_dob="2001-04-09", signature_present=True)
    d.add("insurance_card", patient_name="John Smith", patient_dob="2001-04-09")
    d.add("clinical_note", patient_name="Jane Smith", patient_dob="2001-04-09")
    assert other_patient_docs(d.docs) == {"PKT-d3"}
    # The same noise without a date of birth to back it is not forgiven.
    d = Docs()
    d.add("prior_auth_request", patient_name="Jonathan Williams", signature_present=True)
    d.add("medical_necessity_letter", patient_name="Josmathian Willaims")
    assert other_patient_docs(d.docs) == {"PKT-d2"}


def test_a_name_read_with_very_low_confidence_is_not_another_patient():
    """OCR garble on a faxed card ("OO Lar" at 0.14) is no evidence; the same name read clearly is."""
    docs = _packet(field("Oo Lar", confidence=0.14))
    assert identity_problems(docs) == [] and other_patient_docs(docs) == set()
    assert other_patient_docs(_packet(field("Oo Lar", confidence=0.9))) == {"PKT-d3"}
