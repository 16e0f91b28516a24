"""Validators and normalisers on real edge cases."""

from datetime import date

import pytest

from extractors import normalize, validate


@pytest.mark.parametrize("npi,ok", [("1234567893", True), ("1234567890", False), ("123456789", False),
                                    ("12345678930", False), ("1245319599", True)])
def test_npi_check_digit(npi, ok):
    assert validate.check_npi(npi).valid is ok


def test_bad_npi_reports_reason_with_value():
    v = validate.check_npi("1234567890")
    assert not v.valid and "1234567890" in v.reason and "check digit" in v.reason


def test_npi_ocr_repair_letters_and_single_substitution():
    assert validate.check_npi("12345678g3", ocr=True) == validate.Verdict("1234567893", True, None, True)
    assert validate.check_npi("I234567893", ocr=True).value == "1234567893"
    # Without OCR nothing is repaired.
    assert not validate.check_npi("I234567893").valid
    # 1234567898: the only OCR-plausible single substitution that passes is 8 -> 3 in the last place.
    fixed = validate.check_npi("1234567898", ocr=True)
    assert fixed.valid == (fixed.value == "1234567893")


@pytest.mark.parametrize("raw,want", [("I10", "I10"), ("m54.50", "M54.50"), ("M5450", "M54.50"), ("G35", "G35"),
                                      ("S72.001A", "S72.001A"), ("U07.1", "U07.1"), ("E11.9", "E11.9")])
def test_icd10_valid_forms(raw, want):
    v = validate.check_icd10(raw)
    assert v.valid and v.value == want


@pytest.mark.parametrize("raw", ["110", "M5", "ABC", "M54.50123"])
def test_icd10_malformed_without_ocr(raw):
    assert not validate.check_icd10(raw).valid


def test_icd10_ocr_repairs_one_ten():
    assert validate.check_icd10("110", ocr=True).value == "I10"
    assert validate.check_icd10("M5O.9", ocr=True).value == "M50.9"


@pytest.mark.parametrize("raw,ok", [("72148", True), ("J9035", True), ("0075T", True), ("7214", False),
                                    ("J90355", False), ("W1234", False)])
def test_cpt_hcpcs(raw, ok):
    assert validate.check_cpt(raw).valid is ok


def test_cpt_ocr_repair():
    assert validate.check_cpt("J9O35", ocr=True).value == "J9035"
    assert validate.check_cpt("7Z148", ocr=True).value == "72148"
    assert not validate.check_cpt("J9O35").valid


def test_id_repair_only_inside_digit_runs():
    assert validate.repair_id("XYZ12O45678", ocr=True).value == "XYZ12045678"
    assert validate.repair_id("XYZ12O45678").value == "XYZ12O45678"
    assert validate.repair_id("BOB123", ocr=True).value == "BOB123"


@pytest.mark.parametrize("text,want", [
    ("03/14/1961", "1961-03-14"), ("3/14/61", "1961-03-14"), ("March 14, 1961", "1961-03-14"),
    ("14-Mar-1961", "1961-03-14"), ("1961-03-14", "1961-03-14"), ("Mar 14, 1961", "1961-03-14"),
    ("03-14-1961", "1961-03-14"), ("Sept. 3, 2024", "2024-09-03"), ("DOB: 3/14/61 (age 63)", "1961-03-14"),
])
def test_dates_to_iso(text, want):
    assert normalize.parse_date(text, "dob", today=date(2026, 1, 1)).value.isoformat() == want


def test_two_digit_year_century_rule():
    today = date(2026, 6, 1)
    assert normalize.parse_date("1/2/25", "dob", today).value.year == 2025
    assert normalize.parse_date("1/2/27", "dob", today).value.year == 1927
    assert normalize.parse_date("1/2/27", "any", today).value.year == 2027


def test_impossible_dates_are_not_dates():
    assert normalize.parse_date("02/30/2020") is None
    assert normalize.parse_date("13/13/2020") is None


def test_european_looking_date_is_flagged():
    parsed = normalize.parse_date("31/12/2020")
    assert parsed.day_first
    verdict = validate.check_date(parsed)
    assert not verdict.valid and "31/12/2020" in verdict.reason and verdict.value == "2020-12-31"


def test_future_dob_is_invalid():
    parsed = normalize.parse_date("01/01/2030", "dob", today=date(2026, 1, 1))
    verdict = validate.check_date(parsed, "dob", today=date(2026, 1, 1))
    assert not verdict.valid and "future" in verdict.reason


@pytest.mark.parametrize("raw,want", [
    ("DOE, JANE A", "Jane A Doe"), ("Dr. John Smith, MD, FACP", "John Smith"), ("JANE A. DOE", "Jane A Doe"),
    ("Smith, John MD", "John Smith"), ("Ann Lee, PA-C", "Ann Lee"), ("Mrs. Mary O'BRIEN", "Mary O'BRIEN"),
    ("BLACK, REGINALD B NP", "Reginald B Black"), ("O'BRIEN, MARY-ANN", "Mary-Ann O'Brien"),
    # credentials OCR glued on or split; names that merely end like one keep their letters
    ("Davidmd Frank", "David Frank"), ("MatthewNP Stephens", "Matthew Stephens"),
    ("Philip B Pa- C Thomas", "Philip B Thomas"), ("Orlando Ruiz", "Orlando Ruiz"), ("Alpa Shah, MD", "Alpa Shah"),
    ("Spencer, - Scott", "Scott Spencer"),
    ("FRANK, DAVIDMD", "David Frank"), ("ALFREDO ORLANDO", "Alfredo Orlando"),
])
def test_person_names(raw, want):
    assert normalize.person_name(raw) == want


def test_ids_phones_counts_lists_determinations():
    assert normalize.member_id("XYZ 1234 56789") == "XYZ123456789"
    assert normalize.phone_digits("1-(555) 123-4567") == "5551234567"
    assert normalize.phone_digits("555.123.4567") == "5551234567"
    assert not validate.check_phone("123-4567").valid
    assert normalize.dedupe(["M54.50", "I10", "M54.50"]) == ["M54.50", "I10"]
    assert normalize.page_count("Page 1 of 5") == 5
    assert normalize.determination("The request has been DENIED") == "denied"
    assert normalize.determination("not approved") == "denied"
    assert normalize.determination("PENDED - UNDER REVIEW") == "pended"
    assert normalize.determination("ADDITIONAL INFORMATION REQUIRED") == "more_info_requested"
    assert normalize.determination("APPROVED") == "approved"


@pytest.mark.parametrize("text", ["Springfield, IL", "USE AND", "Choice PPO", "Evergreen HMO", "Identification No",
                                  "CONFIDENTIALITY NOTICE: This facsimile contains"])
def test_address_lines_headings_and_plan_names_are_not_person_names(text):
    from extractors.fields import parse_name

    assert parse_name(text) is None


@pytest.mark.parametrize("text, name", [("DOE, JANE A", "Jane A Doe"), ("Il Sung Park", "Il Sung Park"),
                                        ("Hill, Al", "Al Hill")])
def test_real_names_still_parse(text, name):
    from extractors.fields import parse_name

    assert parse_name(text).value == name


@pytest.mark.parametrize("raw", ["\u201cSummit Health Plan", "Summit Health Plan\u201d", "'Summit Health Plan'"])
def test_payer_name_loses_the_quotes_ocr_read_into_specks(raw):
    from extractors.fields import parse_payer

    assert parse_payer(raw, True).value == "Summit Health Plan"


@pytest.mark.parametrize("raw,want", [("29: Mar-2002", "2002-03-29"), ("Jun; 12, 1961", "1961-06-12"),
                                      ("01/30:2002", "2002-01-30"), ("01;30/2002", "2002-01-30")])
def test_dates_with_a_colon_ocr_read_from_a_speck(raw, want):
    from extractors.fields import date_parser

    assert date_parser("dob")(raw, True).value == want
    assert date_parser("dob")(raw, False) is None  # a text layer prints what it means


def test_a_time_is_not_a_date_for_the_speck_repair():
    from extractors.fields import date_parser

    assert date_parser("any")("10:34 AM", True) is None


@pytest.mark.parametrize("title", ["OUTPATIENT PRIOR AUTHORIZATION REQUEST", "Patient Registration Form",
                                   "Laboratory Report", "Notice of Adverse Determination"])
def test_a_document_title_is_not_a_payer_name(title):
    from extractors.fields import parse_payer

    assert parse_payer(title, True) is None


@pytest.mark.parametrize("raw,want", [("VALDEZ, WILLIAM 8 MD", "William B Valdez"), ("William 8. Valdez", "William B Valdez"),
                                      ("John Smith 2 pages", "John Smith")])
def test_a_middle_initial_ocr_read_as_a_digit_is_a_letter_again(raw, want):
    from extractors.fields import parse_name

    assert parse_name(raw, True).value == want
    assert parse_name("VALDEZ, WILLIAM 8 MD", False).value == "William Valdez"  # a text layer's digit stays a digit


@pytest.mark.parametrize("raw", ["1 287:.546-1967", "287-546;1967", "(287) 546-1967"])
def test_fax_numbers_with_specks_between_their_groups(raw):
    from extractors.fields import parse_phone

    assert parse_phone(raw, True).value == "2875461967"


def test_specked_numbers_in_a_text_layer_and_dates_are_not_phone_numbers():
    from extractors.fields import parse_phone

    assert parse_phone("287:.546-1967", False) is None
    assert parse_phone("12/03/2026 1234", True) is None


@pytest.mark.parametrize("raw,want", [("30C3-K98-MA57", "3DC3-K98-MA57"), ("7N58-WWO-CK77", "7N58-WW0-CK77"),
                                      ("3DC3-K98-MA57", "3DC3-K98-MA57"), ("1EG4TE5MK73", "1EG4TE5MK73")])
def test_an_mbi_is_mended_position_by_position(raw, want):
    assert validate.repair_id(raw, True).value == want


@pytest.mark.parametrize("raw", ["12345678901", "XPC92872200", "7N58-WW0O-CK77"])
def test_ids_that_are_not_mbis_are_not_made_into_one(raw):
    assert validate.repair_id(raw, True).value == normalize.member_id(raw)
