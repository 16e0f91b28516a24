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
        [(50, "EXPIRATION: This authorization expires one year from the day signed")],
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


def test_card_payer_is_the_brand_not_the_caption_above_a_copied_card():
    from pipeline.model import Page, Word

    def words(x, y, text, h):
        out = []
        for w in text.split():
            out.append(Word(text=w, bbox=(x, y, x + len(w) * h * 0.55, y + h), confidence=0.9))
            x += len(w) * h * 0.55 + h * 0.3
        return out

    page = Page(page=1, width=612, height=792, method="ocr", is_photo=True, words=(
        words(50, 40, "Copy of insurance card", 12) + words(50, 60, "CARD (FRONT/BACK)", 10)
        + words(80, 100, "Evergreen Medicare Advantage", 18) + words(80, 130, "HEALTH INSURANCE", 12)
        + words(80, 150, "MEMBER ID: 4Z31SE4XE36", 9) + words(80, 170, "Member Services: 1-752-787-5947", 8)))
    fields = _values(extract_document(_doc("insurance_card"), [page]))
    assert fields["payer_name"] == "Evergreen Medicare Advantage"


def test_npi_with_a_split_or_ocr_broken_label():
    broken = page_from_rows([
        [(50, "PRIOR AUTHORIZATION REQUEST")],
        [(50, "Requesting Provider"), (250, "Darrell Stevens, MD")],
        [(50, "National Provider Identitier"), (250, "2454986805")],
    ], method="ocr")
    assert extract_document(_doc("prior_auth_request"), [broken])["ordering_provider_npi"].value == "2454986805"
    wrapped = page_from_rows([
        [(50, "Dear Reviewer,")],
        [(50, "Please contact my office if you need more. Jasmine Thomas, MD,"), (420, "NPI")],
        [(50, "1181597927.")],
        [(50, "Sincerely,")],
    ], method="ocr")
    assert extract_document(_doc("medical_necessity_letter"), [wrapped])["ordering_provider_npi"].value == "1181597927"
    bang = page_from_rows([[(50, "Seen by: Stevens, Darrell MD, NP! 2454986805.")]], method="ocr")
    assert extract_document(_doc("clinical_note"), [bang])["ordering_provider_npi"].value == "2454986805"
    not_npi = page_from_rows([[(50, "Referred to: Ann Lee, MD 2454986805")], [(50, "Account 1181597927")]])
    assert "ordering_provider_npi" not in extract_document(_doc("referral_order"), [not_npi])


def test_service_date_in_prose_and_after_a_wrapped_label():
    prose = page_from_rows([
        [(50, "Patient: Jane Doe")],
        [(50, "The service is planned for 11-20-2026 (anticipated dos). Please review.")],
    ], method="ocr")
    assert extract_document(_doc("prior_auth_request"), [prose])["service_date"].value == "2026-11-20"
    wrapped = page_from_rows([
        [(50, "PRACTICE: Rogers Neurology | PHONE: (576) 730-6880 | REQUESTED DATE OF")],
        [(50, "SERVICE: 12/17/2026 | DRUG: ferric carboxymaltose | DOSE / FREQUENCY: 750 mg IV")],
        [(50, "SITE OF CARE: Ambulatory infusion center | DATE: 11/20/2026")],
        [(50, "SERVICES REQUESTED")],
        [(50, "Office visit 01/05/2027")],
    ])
    fields = _values(extract_document(_doc("prior_auth_request"), [wrapped]))
    assert fields["service_date"] == "2026-12-17" and fields["document_date"] == "2026-11-20"


def test_fax_cover_ignores_the_transmit_header_and_reads_re_lines():
    from pipeline.model import Page, Word

    def row(y, cells, h=8.0):
        out = []
        for x, text in cells:
            for w in text.split():
                out.append(Word(text=w, bbox=(x, y, x + len(w) * h * 0.6, y + h), confidence=0.9))
                x += len(w) * h * 0.6 + 3
        return out

    words = (row(4, [(9, "11/25/2026 12:06 DAWSON ONCOLOGY 447 831 6823 PAGE 01/06")], 6)
             + row(60, [(50, "FAX TRANSMITTAL")])
             + row(80, [(50, "TO FAX: (922) 308-6955 | SENDER FAX: 447 831 6824")])
             + row(100, [(50, "PHONE: 1-732-448-1854 | DATE: 11-27-2026 | RE: Appeal of adverse determination")])
             + row(112, [(50, "for JAMES BROWN")])
             + row(130, [(50, "Number of pages: 4")]))
    page = Page(page=1, width=612, height=792, method="ocr", words=words)
    fields = _values(extract_document(_doc("fax_cover_sheet"), [page]))
    assert fields["page_count"] == 4
    assert fields["fax_from"] == "4478316824" and fields["fax_to"] == "9223086955"
    assert fields["patient_name"] == "James Brown" and fields["document_date"] == "2026-11-27"
    header_only = Page(page=1, width=612, height=792, method="ocr", words=row(4, [(9, "11/25/2026 12:06 PAGE 01/06")], 6)
                       + row(60, [(50, "FAX")]) + row(80, [(50, "Regarding: Jane Doe")]) + row(100, [(50, "Date: Nov 3, 2026")]))
    fields = _values(extract_document(_doc("fax_cover_sheet"), [header_only]))
    assert "page_count" not in fields and fields["patient_name"] == "Jane Doe" and fields["document_date"] == "2026-11-03"


def test_a_date_wrapped_onto_the_next_line_in_prose():
    page = page_from_rows([
        [(50, "This concerns the patient MICHELLE RICHMOND. Completed on 02-")],
        [(50, "Nov-2026. AUTHORIZATION: I authorize the practice to disclose my information.")],
    ])
    assert extract_document(_doc("consent_form"), [page])["document_date"].value == "2026-11-02"


def test_group_label_split_from_no_and_a_transmit_header_are_not_values():
    from pipeline.model import KeyValue, Page, TextSpan, Word

    header = [Word(text=w, bbox=(9 + i * 40, 4, 45 + i * 40, 10), confidence=0.9)
              for i, w in enumerate("11/03/2026 12:36 DAVIDFORT MEDICAL GROUP 927 666 2069 PAGE 06/06".split())]
    body = page_from_rows([
        [(50, "POLICY NUMBER: 1KX3-YA6-TE16 |"), (250, "GROUP"), (290, "NO.:"), (330, "406440-003")],
    ], method="ocr")
    key = TextSpan(text="| GROUP NO.", bbox=(245, 60, 320, 70))
    value = TextSpan(text="406440-003", bbox=(330, 60, 390, 70))
    page = Page(page=1, width=612, height=792, method="ocr", words=header + body.words,
                key_values=[KeyValue(key=key, value=value, confidence=0.9)])
    assert extract_document(_doc("prior_auth_request"), [page])["group_number"].value == "406440-003"


def test_a_prose_label_broken_across_two_lines_still_dates_the_report():
    page = page_from_rows([
        [(50, "Cumulative Lab Report")],
        [(50, "Patient name: Meadows, Alexandra. Born 2/9/54. Accession #: G22-317520. Completed")],
        [(50, "on 2026-11-23.")],
        [(50, "WBC 5.8 K/uL 4.0-11.0")],
    ])
    fields = extract_document(_doc("lab_result"), [page])
    assert fields["document_date"].value == "2026-11-23"
