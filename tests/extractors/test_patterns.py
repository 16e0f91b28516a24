"""spaCy token patterns: label vocabularies with real-world spellings and OCR noise, value shapes
in context, and what the extractors make of them."""

import pytest

from extractors import extract_document, versions
from extractors.patterns import PATTERNS_VERSION, entities, label_at, label_before, labels_in, nlp, role_cue, whole_label
from extractors.validate import npi_check_digit_ok
from pipeline.model import Document, Page, Word

from .pages import page_from_rows


def _key(text: str) -> str | None:
    hit = label_at(text)
    return hit.label.key if hit is not None else None


@pytest.mark.parametrize("text, key", [
    # member id: payer cards, CMS-1500 box 1a, OCR reading "ID" as "1D" and "#" as "&"
    ("Member ID#: W123456789", "member_id"), ("Member #: W123456789", "member_id"), ("Mbr ID: W1", "member_id"),
    ("Subscriber ID W1", "member_id"), ("ID No.: 55555", "member_id"), ("Insured's I.D. Number 1234", "member_id"),
    ("Member 1D: 4455", "member_id"), ("MEMBER &: BTF671788202", "member_id"), ("Policy Number: RBS78", "member_id"),
    ("Subscrlber ID: W1", "member_id"),  # one letter misread in a long label word
    ("Member  ID:  W1", "member_id"),  # OCR spacing
    # group: the medical group, never the pharmacy's RxGroup
    ("Grp #: 12345", "group_number"), ("Group No. 1234", "group_number"), ("GRP#12345", "group_number"),
    ("Insured's Policy Group or FECA Number 77", "group_number"), ("Rx Group: RX1", "other_id"), ("RxGRP: RX1", "other_id"),
    # birth date with the dots OCR spaces out or drops
    ("Date of Birth: 1/2/1980", "patient_dob"), ("D.O.B.: 01/02/1980", "patient_dob"), ("D. O. B. 1/2/80", "patient_dob"),
    ("DOB:01/02/80", "patient_dob"), ("Patient's Birth Date 01 02 1980", "patient_dob"),
    # providers and codes
    ("Ordering/Referring Physician: Dr. Ann Lee", "ordering_provider_name"),
    ("Name of Referring Provider or Other Source Ann Lee", "ordering_provider_name"),
    ("NPI #: 1234567893", "npi"), ("NP1: 1234567893", "npi"), ("National Provider Identilier 1234567893", "npi"),
    ("Referring NPI 1234567893", "ordering_provider_npi"),
    ("DOS: 11/12/26", "service_date"), ("Date(s) of Service: 11/12/26", "service_date"),
    ("ICD-10-CM Codes: M54.50", "icd10_codes"), ("CPT/HCPCS: 72148", "cpt_codes"),
    ("Auth #: CE758", "auth_number"), ("Ref#: 2026-1", "auth_number"),
    # a longer label wins over the one it starts with
    ("Patient ID: 3345", "other_id"), ("Payer ID: 87726", "other_id"),
])
def test_label_variants(text, key):
    assert _key(text) == key


def test_label_spans_cover_the_label_and_its_colon():
    text = "PATIENT NAME (LAST, FIRST): DOE, JANE"
    hit = label_at(text)
    assert hit is not None and hit.label.key == "patient_name" and hit.has_colon
    assert text[hit.end:].strip() == "DOE, JANE"
    # "Group No.1234": the dot is split off the number, the value starts at the digits
    hit = label_at("Group No.1234")
    assert hit is not None and "Group No.1234"[hit.label_end:].lstrip(". ") == "1234"


def test_values_glued_to_letters_are_not_labels_and_prose_words_are_not_labels():
    assert labels_in("GRP64540") == ()
    assert whole_label("Member ID") is not None and whole_label("Member ID").key == "member_id"
    assert whole_label("Member ID 12345") is None
    assert role_cue("Ordering Provider") == "ordering"
    assert role_cue("Sent from") is None  # "from" sets the sender role only as a heading's first word
    assert role_cue("From") == "sender"
    # "Referring Physician NPI": the name's label sets the role the generic "NPI" label takes
    assert [h.label.key for h in labels_in("Referring Physician NPI: 1234567893")] == ["ordering_provider_name", "npi"]
    assert label_before("Zip: 30301", 5).label.key == "other_id"
    assert label_before("Zip 30301 and 72148", 14) is None


def test_ten_digit_numbers_take_their_meaning_from_the_label_before_them():
    found = {e.text: (e.kind, e.labelled) for e in entities("Phone 2125550105  NPI 1234567893  Fax: (212) 555-0199")}
    assert npi_check_digit_ok("2125550105")  # a phone number that would pass the NPI check digit
    assert found["2125550105"] == ("PHONE", True)
    assert found["1234567893"] == ("NPI", True)
    assert found["(212) 555-0199"] == ("PHONE", True)
    # unlabelled: 10 digits starting with 1 or 2 may be an NPI; a formatted number is a phone
    unlabelled = {e.text: e.kind for e in entities("Dr. Ann Lee MD 1234567893 212-555-0105")}
    assert unlabelled == {"1234567893": "NPI", "212-555-0105": "PHONE"}


def test_five_digit_numbers_after_another_values_label_are_not_procedure_codes():
    page = page_from_rows([
        [(40, "Prior Authorization Request")],
        [(40, "CPT/HCPCS Codes: 72148, J1885")],
        [(40, "Member # 55512"), (300, "Zip 30301")],
        [(40, "Suite 10021")],
        [(40, "Procedure code 99213")],
    ])
    assert _values(extract_document(_doc("prior_auth_request"), [page]))["cpt_codes"] == ["72148", "J1885", "99213"]


def test_one_pipeline_per_process_and_a_versioned_pattern_set():
    assert nlp() is nlp()
    assert "intakeiq_ocr_norm_v1" in nlp().pipe_names and "entity_ruler" in nlp().pipe_names
    assert PATTERNS_VERSION == "patterns.v2"
    assert versions()["patterns"] == PATTERNS_VERSION
    assert versions()["insurance_card"] == "insurance_card.v2"


def _doc(doc_type: str) -> Document:
    return Document(doc_id="T-d1", type=doc_type, confidence=1.0, pages=[1])


def _values(fields):
    return {k: f.value for k, f in fields.items()}


def test_a_phone_number_on_the_providers_row_is_not_taken_as_the_npi():
    page = page_from_rows([
        [(40, "Outpatient Referral")],
        [(40, "Patient Name: Jane Doe"), (300, "DOB: 01/02/80")],
        [(40, "Ordering Physician: Ann Lee, MD"), (300, "Phone: 2125550105")],
        [(40, "Diagnosis: I10")],
    ])
    fields = _values(extract_document(_doc("referral_order"), [page]))
    assert "ordering_provider_npi" not in fields
    assert fields["patient_dob"] == "1980-01-02"  # a two-digit birth year is in the past century
    assert fields["icd10_codes"] == ["I10"]  # a 3-character code
    page = page_from_rows([
        [(40, "Outpatient Referral")],
        [(40, "Ordering Physician: Ann Lee, MD"), (300, "2125550105")],
    ])
    assert _values(extract_document(_doc("referral_order"), [page]))["ordering_provider_npi"] == "2125550105"


def test_npi_after_a_label_in_running_text():
    page = page_from_rows([
        [(40, "Letter of Medical Necessity")],
        [(40, "I am writing for my patient Jane Doe. My National Provider Identifier is 1234567893 and")],
        [(40, "my office phone is 2125550105.")],
    ])
    assert _values(extract_document(_doc("medical_necessity_letter"), [page]))["ordering_provider_npi"] == "1234567893"


def _card(lines: list[tuple[float, float, float, str]]) -> Page:
    words = []
    for x, y, h, text in lines:
        for w in text.split():
            words.append(Word(text=w, bbox=(x, y, x + len(w) * 5.5 * h / 10, y + h), confidence=0.9))
            x += len(w) * 5.5 * h / 10 + 3
    return Page(page=1, width=612, height=792, method="ocr", words=words)


@pytest.mark.parametrize("group_first", [False, True])
def test_card_ids_without_readable_labels_do_not_depend_on_print_order(group_first):
    member, group = (180, 10, "W445463415"), (180, 10, "373322")
    top, bottom = (group, member) if group_first else (member, group)
    card = _card([
        (180, 130, 14, "Keystone Mutual Insurance"),
        (180, 160, 10, "SUSAN ARMSTRONG"),
        (top[0], 175, top[1], top[2]),
        (bottom[0], 190, bottom[1], bottom[2]),
        (400, 175, 7, "RxBIN 606189"),
        (180, 300, 7, "Member Services: 1-716-699-5060"),
    ])
    fields = _values(extract_document(_doc("insurance_card"), [card]))
    assert fields["member_id"] == "W445463415"
    assert fields["group_number"] == "373322"


def test_card_group_beside_a_labelled_member_id_and_a_bare_id_label():
    card = _card([
        (180, 130, 14, "Granite State Health Partners"),
        (180, 160, 8, "ID 27884287551"),
        (330, 160, 8, "GRP81605"),
        (180, 250, 7, "RxBIN: 610014 RxPCN: ADV"),
    ])
    fields = _values(extract_document(_doc("insurance_card"), [card]))
    assert fields["member_id"] == "27884287551"
    assert fields["group_number"] == "GRP81605"


def test_a_value_ocr_split_into_cells_is_read_whole_after_an_ocr_garbled_label():
    page = page_from_rows([
        [(40, "PATIENT REGISTRATION FORM")],
        [(40, "FULL NAME:"), (120, "SUSAN"), (170, "ARMSTRONG"), (280, "D.O,B.:"), (330, "January"),
         (380, "22,"), (405, "2001"), (480, "GROUP @;"), (530, "749081")],
    ], method="ocr")
    fields = _values(extract_document(_doc("patient_registration"), [page]))
    assert fields["patient_dob"] == "2001-01-22"
    assert fields["patient_name"] == "Susan Armstrong"
    assert fields["group_number"] == "749081"


def test_run_on_form_lines_wrap_values_to_the_next_line():
    page = page_from_rows([
        [(40, "RADIOLOGY ORDER")],
        [(40, "PT. NAME: TERRY HAAS | BIRTH DATE: Feb 28, 1945 | PLAN NAME: Granite State Health")],
        [(40, "Partners | MEMBER NUMBER: RBS781677667 | GROUP NO.: 238528 | ORDERING PHYSICIAN:")],
        [(40, "Shaw,"), (75, "Katherine"), (130, "PA-C")],
    ])
    fields = _values(extract_document(_doc("referral_order"), [page]))
    assert fields["payer_name"] == "Granite State Health Partners"
    assert fields["ordering_provider_name"] == "Katherine Shaw"
    assert fields["group_number"] == "238528"
    assert fields["patient_dob"] == "1945-02-28"


def test_an_organisations_name_ending_in_group_is_not_a_group_number_label():
    page = page_from_rows([
        [(40, "Roberson Medical Group")],
        [(40, "592 Smith Lights, Jamesfurt, ID 21100")],
        [(40, "Referral for: Jane Doe"), (300, "Member ID: W123456789")],
    ])
    fields = _values(extract_document(_doc("referral_order"), [page]))
    assert fields["member_id"] == "W123456789"
    assert "group_number" not in fields
