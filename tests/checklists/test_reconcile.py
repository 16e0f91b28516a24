"""Packet consensus: OCR-misread values take the value another document read with more confidence."""

from pipeline.reconcile import reconcile
from tests.checklists.builders import Docs, field

ALL_OCR = set(range(1, 20))


def _card_and_request(card_payer: str, card_confidence: float, request_payer: str = "BlueRiver Health") -> Docs:
    docs = Docs()
    docs.add("prior_auth_request", payer_name=field(request_payer, page=1, confidence=0.93))
    docs.add("insurance_card", payer_name=field(card_payer, page=2, confidence=card_confidence, text=card_payer))
    return docs


def test_a_misread_payer_takes_the_value_another_document_read_with_more_confidence():
    docs = _card_and_request("BiueRiver Health", 0.58)
    fixed, decisions = reconcile(docs.docs, ALL_OCR)
    card = fixed[1].fields["payer_name"]
    assert card.value == "BlueRiver Health" and card.page == 2 and card.text == "BiueRiver Health"
    assert card.confidence < 0.93 and card.valid
    assert fixed[0].fields["payer_name"] == docs.docs[0].fields["payer_name"]  # the better reading stays
    assert decisions == ["payer_name of PKT-d2 read as the value of 1 other document(s)"]
    assert docs.docs[1].fields["payer_name"].value == "BiueRiver Health"  # input untouched


def test_text_layers_and_more_confident_readings_are_left_alone():
    docs = _card_and_request("BiueRiver Health", 0.58)
    assert reconcile(docs.docs, {1})[0][1].fields["payer_name"].value == "BiueRiver Health"  # page 2 not OCR'd
    docs = _card_and_request("BiueRiver Health", 0.96)
    assert reconcile(docs.docs, ALL_OCR)[0][1].fields["payer_name"].value == "BiueRiver Health"


def test_other_people_and_other_plans_are_not_merged():
    # twins: same family name, another given name; a plan name with another word count
    docs = Docs()
    docs.add("clinical_note", patient_name=field("John Smith", page=1, confidence=0.95))
    docs.add("clinical_note", patient_name=field("Jane Smith", page=2, confidence=0.5))
    docs.add("insurance_card", payer_name=field("Summit Health", page=3, confidence=0.5))
    docs.add("prior_auth_request", payer_name=field("Summit Health Plan", page=4, confidence=0.95))
    fixed, decisions = reconcile(docs.docs, ALL_OCR)
    assert fixed[1].fields["patient_name"].value == "Jane Smith"
    assert fixed[2].fields["payer_name"].value == "Summit Health" and decisions == []


def test_ids_differing_by_two_characters_repair_three_do_not():
    docs = Docs()
    docs.add("prior_auth_request", member_id=field("NZ0273221701", page=1, confidence=0.9))
    docs.add("insurance_card", member_id=field("NZO273221707", page=2, confidence=0.6))
    docs.add("referral_order", member_id=field("NZO273221777", page=3, confidence=0.6))
    fixed, _ = reconcile(docs.docs, ALL_OCR)
    assert [d.fields["member_id"].value for d in fixed] == ["NZ0273221701", "NZ0273221701", "NZO273221777"]


def test_an_npi_is_repaired_only_when_it_fails_its_check_digit():
    docs = Docs()
    docs.add("prior_auth_request", ordering_provider_npi=field("2645952971", page=1, confidence=0.9))
    docs.add("clinical_note", ordering_provider_npi=field("2545952071", page=2, confidence=0.45, valid=False,
                                                          reason="NPI 2545952071 fails the check digit"))
    docs.add("referral_order", ordering_provider_npi=field("2645952917", page=3, confidence=0.5))
    fixed, _ = reconcile(docs.docs, ALL_OCR)
    assert fixed[1].fields["ordering_provider_npi"].value == "2645952971"
    assert fixed[1].fields["ordering_provider_npi"].valid and fixed[1].fields["ordering_provider_npi"].reason is None
    assert fixed[2].fields["ordering_provider_npi"].value == "2645952917"  # a valid NPI is another provider's
