"""Fax OCR (204x98 dpi): label words with misread letters and ICD-10-CM codes split at the dot.

Labels are guessed from misread words only in OCR'd text, only where a guess cannot be a word of a
value (a cell of labels, or a label before ':'), and only when one label word is near; born-digital
text is read exactly as before. Split codes are read inside parentheses or on an ICD / diagnosis
row, never from phone numbers, addresses or doses."""

import pytest

from extractors import extract_document
from extractors.patterns import fuzzy_label_join, fuzzy_label_run, fuzzy_label_word, labels_in
from pipeline.model import Document

from .pages import page_from_rows


def _keys(text: str, ocr: bool = True) -> list[str]:
    return [h.label.key for h in labels_in(text, ocr)]


def _doc(doc_type: str) -> Document:
    return Document(doc_id="T-d1", type=doc_type, confidence=1.0, pages=[1])


def _values(fields):
    return {k: f.value for k, f in fields.items()}


# ----------------------------------------------------------------------------- label words


@pytest.mark.parametrize("read, word", [
    ("naml", "name"),  # E read as L
    ("dail", "date"),  # T as I, E as L
    ("subscaiber", "subscriber"),  # one other letter in a long word
    ("subschibe", "subscriber"),  # R as H and the last letter lost
    ("phovide", "provider"),
    ("narne", "name"),  # "rn" for "m"
    ("datel", "date"),  # a box rule read as a letter after the word
    ("colllctid", "collected"),
])
def test_misread_label_words_are_read_back(read, word):
    assert fuzzy_label_word(read) == word


@pytest.mark.parametrize("read", [
    "name", "date", "member",  # label words are read as they are
    "hid", "dob", "ol",  # too short to guess
    "provided", "data", "gate", "late",  # English words a letter away from a label word
    "kate", "rate", "same", "care", "pale",  # a letter that is no look-alike, in a four-letter word
    "nome",  # "name" and "home" are equally near: no guess
    "vernon", "osborne", "rheumatology",
])
def test_words_that_are_not_misread_label_words_stay_as_they_are(read):
    assert fuzzy_label_word(read) is None


def test_two_misread_words_read_as_one_label_word_or_a_two_word_label():
    assert fuzzy_label_join("het", "urn") == "return"  # "RETURN" split at a wide letter gap, R as H
    assert fuzzy_label_join("organiza", "lion") == "organization"
    assert fuzzy_label_run("subschibe", "hid") == ("subscriber", "id")  # the space misplaced
    assert fuzzy_label_run("chou", "number") == ("group", "number")
    assert fuzzy_label_join("patient", "name") is None  # two label words are read as they are
    assert fuzzy_label_run("vernon", "wong") is None


# ----------------------------------------------------------------------------- label cells


@pytest.mark.parametrize("text, key", [
    ("NAML.", "name"), ("DAIL", "document_date"), ("DATEL", "document_date"),
    ("SUBSCHIBE HID", "member_id"), ("SUBSCAIBER ID", "member_id"), ("CHOU NUMBER", "group_number"),
    ("HET URN FAX", "fax_from"), ("PATIENT NAMI", "patient_name"),
    ("PHOVIDE ft", "ordering_provider_name"),  # a speck after the label is part of the cell
    ("NAML.: Jessica Osborne", "name"),  # a ':' makes it a label inline too
])
def test_ocr_label_cells_with_misread_letters_are_labels(text, key):
    keys = _keys(text)
    assert keys[-1] == key
    hit = labels_in(text, True)[-1]
    assert hit.guessed and hit.start <= text.index(text.split()[-1])


@pytest.mark.parametrize("text", ["NAML.", "DAIL", "SUBSCHIBE HID", "CHOU NUMBER", "PATIENT NAMI"])
def test_text_layer_labels_are_read_exactly_as_before(text):
    assert not any(h.guessed for h in labels_in(text))
    assert _keys(text, ocr=False) in ([], ["patient_name"])  # "PATIENT NAMI": "Patient" alone, as before
    assert _keys("HET URN FAX", ocr=False) == ["fax"]


@pytest.mark.parametrize("text", [
    "Dale Smith",  # a name that looks like "DATE": not a cell of labels, no ':'
    "NAML. Osborne, Jessica",  # a guessed label followed by a value without ':' is not trusted
    "DATA REVIEWED",
    "Services Provided: MRI of the knee",  # "provided" is a word
    "Kate Nome",
])
def test_look_alike_words_in_values_and_prose_are_not_labels(text):
    assert not any(h.guessed for h in labels_in(text, True))


# ----------------------------------------------------------------------------- whole documents

_EOB_ROWS = [
    [(40, "Pacific Crest Health"), (300, "EXPLANATION OF BENEFITS")],
    [(40, "NAML."), (220, "SUBSCHIBE HID"), (400, "CHOU NUMBER")],
    [(40, "Osborne, Jessica N"), (220, "VK5444075003"), (400, "698292")],
    [(40, "PHOVIDE ft"), (300, "DAIL")],
    [(40, "Hill Rheumatology Center"), (300, "2026-11-29")],
]


def test_a_boxed_fax_form_with_misread_labels_yields_its_fields():
    page = page_from_rows(_EOB_ROWS, method="ocr", confidence=0.8)
    fields = _values(extract_document(_doc("remittance_eob"), [page]))
    assert fields["patient_name"] == "Jessica N Osborne"
    assert fields["member_id"] == "VK5444075003"
    assert fields["group_number"] == "698292"
    assert fields["document_date"] == "2026-11-29"
    assert "ordering_provider_name" not in fields  # the provider's cell holds a clinic, not a person


def test_the_same_words_in_a_text_layer_are_not_guessed_as_labels():
    fields = _values(extract_document(_doc("remittance_eob"), [page_from_rows(_EOB_ROWS)]))
    assert "member_id" not in fields and "group_number" not in fields


def test_a_misread_label_cell_to_the_right_is_not_the_value_of_the_label_before_it():
    page = page_from_rows([
        [(40, "CUMULATIVE LAB REPORT")],
        [(40, "PATIENT NAMI"), (250, "HMR TEE DATE"), (420, "SEX")],  # "BIRTH DATE" misread
        [(40, "VERNON WONG"), (250, "May 16, 1943"), (420, "M")],
    ], method="ocr", confidence=0.8)
    assert _values(extract_document(_doc("lab_result"), [page]))["patient_name"] == "Vernon Wong"


# ----------------------------------------------------------------------------- ICD-10-CM split by OCR


def _icd(rows, method="ocr"):
    page = page_from_rows(rows, method=method, confidence=0.8)
    return _values(extract_document(_doc("clinical_note"), [page])).get("icd10_codes")


def test_icd_codes_split_at_the_dot_inside_parentheses_are_read_whole():
    assert _icd([
        [(40, "ASSESSMENT")],
        [(40, "Rheumatoid arthritis of multiple sites (M05. 79); Diarrhea, unspecified (R19. 7)")],
        [(40, "Multiple myeloma not having achieved remission (C90 00)")],
        [(40, "Pain in right shoulder (M25.51 1)")],
    ]) == ["M05.79", "R19.7", "C90.00", "M25.511"]


def test_icd_code_split_by_a_space_on_a_diagnosis_code_row_is_read_whole():
    assert _icd([
        [(40, "Codes and details: ICD 10 C90 00 Multiple myeloma not having achieved remission")],
    ]) == ["C90.00"]


@pytest.mark.parametrize("line", [
    "Diagnosis codes reviewed. Phone: (S04) 555 0971",  # an area code OCR read with a letter
    "Diagnosis codes: see below. Vitamin B12 100 mg daily",  # a dose
    "Diagnosis codes mailed to Suite A12 34 Main St",  # an address
    "Diagnosis codes: none. Call 555 201 4455 or fax 555 201 4456",
])
def test_phone_address_and_dose_numbers_are_not_read_as_split_codes(line):
    codes = _icd([[(40, line)]]) or []
    assert not any("." in c for c in codes)  # never a number joined into a dotted code
    assert "S04" not in codes  # the area code


def test_codes_ocr_began_with_a_digit_or_split_after_the_letter_are_repaired_in_a_diagnosis_list():
    # "I" read as "1", "6" as "G", the letter set apart: seen on 200x100 faxed notes
    assert _icd([
        [(40, "Discharge Diagnoses")],
        [(40, "Unspecified atrial fibrillation (148.91); Essential (primary) hypertension (110)")],
        [(40, "Rheumatoid arthritis, unspecified (MOG. 9); malignant neoplasm of colon (C 18.9)")],
    ]) == ["I48.91", "I10", "M06.9", "C18.9"]


def test_numbers_in_parentheses_away_from_a_diagnosis_are_not_codes():
    assert _icd([[(40, "Blood pressure (110) and glucose (148.91) recorded")]]) is None
    assert _icd([[(40, "Sodium 138 (110)")]]) is None


def test_a_split_code_past_the_icd_rules_is_not_read():
    # outside parentheses and off a code row: "C90 00" may be anything
    assert _icd([[(40, "Room C90 00 on the third floor")]]) is None
    # a suffix longer than four characters
    assert not any("." in c for c in _icd([[(40, "Assessment: myeloma (C90 00000)")]]) or [])


def test_split_codes_in_a_text_layer_are_left_as_they_were():
    codes = _icd([[(40, "ASSESSMENT")], [(40, "Rheumatoid arthritis (M05. 79)")]], method="text_layer") or []
    assert "M05.79" not in codes


def test_an_e_read_as_a_pound_sign_starts_a_dotted_code_only():
    assert _icd([[(40, "ICD-10"), (200, "\u00a305.90 | Thyrotoxicosis, unspecified")]]) == ["E05.90"]
    assert _icd([[(40, "DIAGNOSIS:"), (200, "E\u00a378.5")]]) == ["E78.5"]
    assert _icd([[(40, "Diagnosis codes: none. Copay \u00a350 due")]]) is None  # money, not a code
    assert _icd([[(40, "ICD-10"), (200, "\u00a305.90")]], method="text_layer") is None


# ----------------------------------------------------------------------------- cover sheet, "TO" misread


def _cover(first_header: str):
    page = page_from_rows([
        [(40, "Pacific Crest Health FAX COVER")],
        [(40, first_header), (300, "ORGANIZATION")],
        [(40, "Archer, Bonnie NP"), (300, "Harris Family Practice")],
        [(40, "FAX"), (300, "FROM")],
        [(40, "840 905 6362"), (300, "Prior Authorization Dept.")],
        [(40, "FROM FAX"), (300, "PHONE")],
        [(40, "(650) 771-6318"), (300, "202.485.0177")],
    ], method="ocr", confidence=0.8)
    return _values(extract_document(_doc("fax_cover_sheet"), [page]))


def test_recipient_fax_is_read_when_its_to_label_was_misread():
    for header in ("TO", "10"):  # "TO" read as "10": the FAX below it belongs to no section
        values = _cover(header)
        assert (values.get("fax_to"), values.get("fax_from")) == ("8409056362", "6507716318"), header
