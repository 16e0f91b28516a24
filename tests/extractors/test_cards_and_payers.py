"""Insurance cards and payer fields as the held-out evaluation's scans, faxes and photos print
them: labels too small to read, values stacked, names wrapped, labels broken across lines."""

from extractors import extract_document
from extractors.validate import repair_id
from extractors.view import DocView
from pipeline.model import Document, Page, Word

from .pages import page_from_rows


def _doc(doc_type: str, pages=(1,)) -> Document:
    return Document(doc_id="T-d1", type=doc_type, confidence=1.0, pages=list(pages))


def _values(fields):
    return {k: f.value for k, f in fields.items()}


def _page(lines: list[tuple[float, float, float, str]], char_w: float = 5.5, space: float = 3.0) -> Page:
    """OCR page from (x, y, height, text) lines; words ``space`` points apart."""
    words = []
    for x, y, h, text in lines:
        for w in text.split():
            words.append(Word(text=w, bbox=(x, y, x + len(w) * char_w * h / 10, y + h), confidence=0.9))
            x += len(w) * char_w * h / 10 + space
    return Page(page=1, width=612, height=792, method="ocr", words=words)


def test_card_with_unreadable_labels_reads_stacked_name_id_and_group_but_never_rx_numbers():
    card = _page([
        (180, 130, 14, "Lakeshore Community Health Plan"),
        (180, 160, 10, "SUSAN ARMSTRONG"),
        (400, 160, 7, "RxBIN 606189"),
        (180, 175, 10, "47552022523 a"),  # the label above was a speck; OCR read one beside the id
        (400, 175, 7, "RxGRP RX7550"),
        (180, 190, 10, "749081"),
        (180, 300, 7, "Member Services: 1-716-699-5060"),
        (180, 315, 7, "RxBIN: 606189 RxPCN: 9999 RxGRP: RX7550"),
    ])
    fields = _values(extract_document(_doc("insurance_card"), [card]))
    assert fields["member_id"] == "47552022523"
    assert fields["group_number"] == "749081"
    assert fields["patient_name"] == "Susan Armstrong"
    assert fields["payer_name"] == "Lakeshore Community Health Plan"


def test_card_garbled_id_label_and_a_birth_date_standing_alone():
    card = _page([
        (70, 100, 16, "Heartland Benefit Trust"),
        (70, 140, 8, "Member Robert Harrison"),
        (70, 155, 8, "Member if 15341763939"),  # "ID" read as "if"
        (70, 170, 8, "HOt GRP90612"),  # "GRP" read as "HOt"
        (70, 185, 8, "Jul 17, 1977"),
        (70, 200, 8, "Effective 2026-01-01"),
    ])
    fields = _values(extract_document(_doc("insurance_card"), [card]))
    assert fields["member_id"] == "15341763939"
    assert fields["group_number"] == "GRP90612"
    assert fields["patient_dob"] == "1977-07-17"


def test_card_member_label_split_from_id_and_column_rx_numbers_on_the_same_line():
    card = _page([
        (90, 100, 12, "Granite State Health Partners"),
        (90, 140, 6, "MEMBER"),
        (90, 150, 10, "Jo Vasquez"), (360, 150, 8, "RXBIN 610936"),
        (90, 165, 6, "MEMBER"), (150, 165, 6, "ID#"), (360, 165, 8, "RxPCN MEDDPRIME"),
        (90, 175, 10, "WKF869658527"), (360, 175, 8, "RxGRP RX3157"),
    ])
    fields = _values(extract_document(_doc("insurance_card"), [card]))
    assert fields["member_id"] == "WKF869658527"
    assert fields.get("group_number") != "RX3157"


def test_card_payer_is_the_full_name_starting_with_the_brand_not_the_plan_type_subtitle():
    card = _page([
        (185, 130, 10, "Evergreen MA"),
        (185, 142, 5, "Medicare Advantage HMO"),
        (170, 156, 7, "Member: PAMELA DILLON"),
        (170, 168, 5, "Member ID#: 4P91-X66-HG62"),
        (175, 480, 5, "Evergreen Medicare Advantage"),
    ])
    fields = _values(extract_document(_doc("insurance_card"), [card]))
    assert fields["payer_name"] == "Evergreen Medicare Advantage"
    assert fields["member_id"] == "4P91-X66-HG62"


def test_card_payer_printed_cleanly_wins_over_the_same_name_with_ocr_specks_glued_on():
    card = _page([
        (90, 100, 12, "Granite State Health Partnersgver HMo"),
        (90, 130, 8, "Member ID: W123456789"),
        (90, 580, 12, "Granite State Health Partners"),
    ])
    assert extract_document(_doc("insurance_card"), [card])["payer_name"].value == "Granite State Health Partners"


def test_alphanumeric_ids_keep_their_letters_but_digit_ids_are_still_repaired():
    assert repair_id("4Z31-SE4-XE36", ocr=True).value == "4Z31-SE4-XE36"
    assert repair_id("W44546341S", ocr=True).value == "W44546341S"
    assert repair_id("W4454O3415", ocr=True).value == "W445403415"


def test_payer_wrapped_in_its_cell_or_read_word_by_word_or_wrapped_in_prose():
    cell = page_from_rows([
        [(50, "Patient"), (180, "Harrison, Robert"), (310, "Date of Birth"), (436, "28-May-1995")],
        [(50, "Payer"), (180, "Lakeshore Community"), (310, "Insurance ID"), (436, "\u201c15341763939")],
        [(180, "Health Plan")],
        [(50, "Requesting Provider"), (180, "Jake Myers, MD")],
    ], method="ocr")
    fields = _values(extract_document(_doc("prior_auth_request"), [cell]))
    assert fields["payer_name"] == "Lakeshore Community Health Plan"
    assert fields["member_id"] == "15341763939"
    words = page_from_rows([[(40, "INSURANCE"), (100, "CARRIER:"), (160, "Lakeshore"), (220, "Community"),
                             (280, "Health"), (330, "Plan"), (370, "|")]], method="ocr")
    words.words = [w.model_copy(update={"bbox": (w.bbox[0], w.bbox[1], w.bbox[0] + 8 * len(w.text) * 0.7, w.bbox[3])})
                   for w in words.words]
    assert extract_document(_doc("prior_auth_request"), [words])["payer_name"].value == \
        "Lakeshore Community Health Plan"
    prose = page_from_rows([
        [(40, "Patient name: Dillon, Pamela. Primary Insurance: Evergreen Medicare")],
        [(40, "Advantage. Coverage is under member ID 4P91-X66-HG62.")],
    ])
    assert extract_document(_doc("prior_auth_request"), [prose])["payer_name"].value == "Evergreen Medicare Advantage"


def test_capitalised_primary_insurance_mid_sentence_is_a_label_and_the_sentence_after_is_not_the_name():
    page = page_from_rows([
        [(34, "Born 1993-04-02. Primary Insurance"), (260, "Heartland Benefit Trust The Insurance")],
        [(34, "ID on file is W935241173.")],
        [(34, "Her primary insurance denied a prior request last year.")],
    ], method="ocr")
    assert extract_document(_doc("prior_auth_request"), [page])["payer_name"].value == "Heartland Benefit Trust"


def test_a_label_broken_across_two_lines_of_a_run_on_form():
    page = page_from_rows([
        [(40, "MEMBER NAME: Julia Ramirez | PATIENT DOB: 03-08-1966 | PLAN NAME: Heartland Benefit Trust | SUBSCRIBER")],
        [(40, "ID: W578569973 | ORDERING PROVIDER: Virginia Powell, PA-C | NPI NO.: 2796622282 |")],
    ])
    assert extract_document(_doc("prior_auth_request"), [page])["member_id"].value == "W578569973"
    page = page_from_rows([
        [(40, "PT. NAME: SMITH, CHRISTINE W | PAYER: Lakeshore Community Health Plan | ID")],
        [(40, "#: 27884287551 | GROUP NO.: GRP81605 | PRESCRIBING PROVIDER: Jorge Beck, MD |")],
    ])
    fields = _values(extract_document(_doc("prior_auth_request"), [page]))
    assert fields["member_id"] == "27884287551" and fields["group_number"] == "GRP81605"


def test_fax_small_print_spaced_wide_is_read_as_one_line_so_two_word_labels_hold():
    cover = _page([
        (40, 90, 8, "FAX TRANSMITTAL"),
        (40, 110, 6, "TO: Joann Carter, MD | TO FAX: (922) 308-6955 | FROM: Office Manager"),
        (40, 120, 6, "SENDER FAX: 447 831 6823 | DATE: 11/25/2026 | PAGES: 6"),
    ], space=7.0)
    fields = _values(extract_document(_doc("fax_cover_sheet"), [cover]))
    assert fields["fax_to"] == "9223086955" and fields["fax_from"] == "4478316823"


def test_a_salutation_is_not_a_section_and_the_signers_npi_still_counts():
    page = page_from_rows([
        [(50, "LETTER OF MEDICAL NECESSITY")],
        [(50, "Re: Patricia Roman"), (300, "Member ID: SJG510788878")],
        [(50, "Dear Appeals Reviewer:")],
        [(50, "I am writing on behalf of my patient to request coverage of CT chest.")],
        [(50, "Please contact my office with any questions. Debbie Garcia, NP, NPI 1125554182.")],
        [(50, "Sincerely,")],
        [(50, "Debbie Garcia, NP")],
    ])
    assert extract_document(_doc("medical_necessity_letter"), [page])["ordering_provider_npi"].value == "1125554182"


def test_a_label_ocr_split_into_two_cells_is_read_whole():
    form = page_from_rows([
        [(40, "LAST"), (80, "NAME:"), (130, "Burns"), (200, "FIRST"), (240, "NAME:"), (290, "Michael"),
         (360, "MEMBER"), (410, "ID#"), (450, "W123456789 PPO")],
    ], method="ocr")
    view = DocView(_doc("patient_registration"), [form])
    assert [s.text for s in view.rows[0]] == ["LAST NAME:", "Burns", "FIRST NAME:", "Michael", "MEMBER ID#",
                                                "W123456789 PPO"]
    fields = _values(extract_document(_doc("patient_registration"), [form]))
    assert fields["patient_name"] == "Michael Burns" and fields["member_id"] == "W123456789"


def test_a_member_id_printed_in_groups_is_read_whole_and_phone_numbers_are_not_ids():
    # a faxed card: "CR1 9405 43603" with its label lost, the group below; the second card's label read as "TB)"
    card = _page([
        (180, 130, 14, "Pacific Crest Health"),
        (180, 160, 10, "Elizabeth S. Torres"),
        (180, 175, 10, "CR1 9405 43603"),
        (180, 190, 10, "636457"),
        (180, 300, 7, "720 642 5014"),
    ])
    got = _values(extract_document(_doc("insurance_card"), [card]))
    assert (got["member_id"], got["group_number"]) == ("CR1940543603", "636457")
    labelled = _page([(180, 130, 14, "SUMMIT HEALTH PLAN"), (180, 160, 10, "Member CLAIRE BARRERA"),
                      (180, 175, 10, "TB) LMV 6085 16620"), (180, 190, 10, "Group 186063")])
    assert _values(extract_document(_doc("insurance_card"), [labelled]))["member_id"] == "LMV608516620"
