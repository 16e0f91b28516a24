"""Splitting pages into documents: page types plus boundary cues."""

from pipeline.model import Line, Page, PagePrediction, Word
from pipeline.split import SplitOptions, page_cues, split_documents


def page(n: int, *lines: str) -> Page:
    """A text-layer page whose lines are printed at 10 pt (about 5.5 pt per character)."""
    return Page(page=n, width=612, height=792, method="text_layer",
                lines=[Line(text=t, bbox=(72.0, 72.0 + 14 * i, 72.0 + 5.5 * len(t), 84.0 + 14 * i))
                       for i, t in enumerate(lines)])


def pred(doc_type: str, confidence: float = 0.95) -> PagePrediction:
    return PagePrediction(type=doc_type, confidence=confidence)


def spans(docs) -> list[tuple[str, list[int]]]:
    return [(d.type, d.pages) for d in docs]


def test_multi_page_note_stays_one_document():
    pages = [
        page(1, "RIVERSIDE FAMILY MEDICINE", "PROGRESS NOTE", "Patient: Maria Lopez   DOB: 04/12/1971",
             "Date of Service: 03/02/2025", "Chief complaint: low back pain for six weeks"),
        page(2, "Assessment and plan", "Lumbar radiculopathy, order MRI lumbar spine without contrast",
             "Electronically signed by Alan Wu, MD"),
    ]
    docs = split_documents("PKT-1", pages, [pred("clinical_note"), pred("clinical_note", 0.85)])
    assert spans(docs) == [("clinical_note", [1, 2])]
    assert docs[0].doc_id == "PKT-1-d1"
    assert docs[0].confidence == 0.9


def test_two_notes_with_different_dates_split():
    note = ["PROGRESS NOTE", "Patient: Maria Lopez   DOB: 04/12/1971"]
    pages = [
        page(1, *note, "Date of Service: 01/10/2025", "Follow-up of hypertension."),
        page(2, *note, "Date of Service: 02/14/2025", "Back pain worse, numbness in left leg."),
    ]
    docs = split_documents("P", pages, [pred("clinical_note"), pred("clinical_note")])
    assert spans(docs) == [("clinical_note", [1]), ("clinical_note", [2])]
    assert [d.doc_id for d in docs] == ["P-d1", "P-d2"]


def test_page_of_cues_join_and_split():
    pages = [
        page(1, "LABORATORY REPORT", "Patient: Tom Reed", "Page 1 of 2", "Glucose 98 mg/dL"),
        page(2, "Hemoglobin A1c 5.4 %", "Page 2 of 2"),
        page(3, "LABORATORY REPORT", "Patient: Tom Reed", "Page 1 of 1", "TSH 2.1 mIU/L"),
    ]
    # page 2 is misread as another type: its "Page 2 of 2" still keeps it in the report
    docs = split_documents("P", pages, [pred("lab_result"), pred("other", 0.4), pred("lab_result")])
    assert spans(docs) == [("lab_result", [1, 2]), ("lab_result", [3])]
    assert docs[0].confidence == round((0.95 + 0.4) / 2, 4)
    assert split_documents("P", pages, [pred("lab_result"), pred("other", 0.4), pred("lab_result")],
                           SplitOptions(confidence="min"))[0].confidence == 0.4


def test_cover_sheet_is_its_own_document_and_fax_header_is_not_a_page_cue():
    header = "03/04/2025 10:12 FROM: (555) 123-4567 TO: 555-987-6543 P.{}/3"
    pages = [
        page(1, header.format(1), "FAX COVER SHEET", "To: Imaging Center", "Pages: 3"),
        page(2, header.format(2), "IMAGING ORDER", "Patient: Ann Cole DOB: 01/02/1960", "MRI brain"),
        page(3, header.format(3), "Diagnosis: G43.909", "Ordering physician signature"),
    ]
    cues = page_cues(pages[1])
    assert cues.fax_page == (2, 3) and cues.page_of is None
    docs = split_documents("F", pages, [pred("fax_cover_sheet"), pred("referral_order"), pred("referral_order")])
    assert spans(docs) == [("fax_cover_sheet", [1]), ("referral_order", [2, 3])]


def test_another_patient_starts_a_new_document():
    pages = [
        page(1, "CONSENT TO TREAT", "Patient Name: Maria Lopez", "I consent to treatment."),
        page(2, "CONSENT TO TREAT", "Patient Name: Robert Chen", "I consent to treatment."),
    ]
    docs = split_documents("P", pages, [pred("consent_form"), pred("consent_form")])
    assert spans(docs) == [("consent_form", [1]), ("consent_form", [2])]
    docs = split_documents("P", pages, [pred("consent_form"), pred("consent_form")],
                           SplitOptions(use_identity=False, use_titles=False))
    assert spans(docs) == [("consent_form", [1, 2])]


def test_type_change_splits_and_empty_packet():
    pages = [page(1, "Some text"), page(2, "Other text")]
    docs = split_documents("P", pages, [pred("prescription"), pred("insurance_card")])
    assert spans(docs) == [("prescription", [1]), ("insurance_card", [2])]
    assert split_documents("P", [], []) == []


def test_grid_labels_read_from_the_next_line():
    pages = [
        page(1, "PROGRESS NOTE", "Patient", "Tammy Cox", "Date of Visit", "2026-11-22", "Plan: CT chest"),
        page(2, "Consultation Note", "Pt. Name: COX, TAMMY", "DOB: 04/13/1949", "Note Date: 09-08-2026"),
    ]
    first, second = page_cues(pages[0]), page_cues(pages[1])
    assert first.patient == second.patient == "cox tammy"
    assert (first.doc_date, second.doc_date, second.dob) == ("2026-11-22", "2026-09-08", "1949-04-13")
    docs = split_documents("P", pages, [pred("clinical_note"), pred("clinical_note")])
    assert spans(docs) == [("clinical_note", [1]), ("clinical_note", [2])]


def test_packet_wide_page_numbers_are_not_document_numbers():
    # an OCR'd fax header counting the whole packet: "P. 2/3" must not glue a cover sheet to an order
    pages = [
        page(1, "NOV 18 2026 10:12 P. 1/3", "FAX COVER SHEET"),
        page(2, "NOV 18 2026 10:12 P. 2/3", "IMAGING ORDER", "Patient: Ann Cole"),
        page(3, "NOV 18 2026 10:13 P. 3/3", "PROGRESS NOTE", "Patient: Ann Cole"),
    ]
    docs = split_documents("F", pages, [pred("fax_cover_sheet"), pred("referral_order"), pred("clinical_note", 0.5)])
    assert spans(docs) == [("fax_cover_sheet", [1]), ("referral_order", [2]), ("clinical_note", [3])]


def test_a_last_page_closes_its_document():
    # same type, same patient, no dates: "Page 2 of 2" still says the next page starts another note
    pages = [
        page(1, "OFFICE VISIT", "Patient: Sarah Hendricks", "Page 1 of 2"),
        page(2, "Office Visit (continued)", "Plan: physical therapy", "Page 2 of 2"),
        page(3, "OFFICE VISIT", "Patient: Sarah Hendricks", "Knee pain improved."),
    ]
    docs = split_documents("P", pages, [pred("clinical_note")] * 3)
    assert spans(docs) == [("clinical_note", [1, 2]), ("clinical_note", [3])]


def grid_page(n: int, rows: list[list[tuple[float, str]]]) -> Page:
    """A text-layer page of cells (left edge in points, text), one row every 14 pt, as words."""
    words, lines = [], []
    for i, row in enumerate(rows):
        y0 = 72.0 + 14 * i
        for x, text in row:
            for word in text.split():
                words.append(Word(text=word, bbox=(x, y0, x + 5.5 * len(word), y0 + 10), confidence=1.0))
                x += 5.5 * (len(word) + 1)
        lines.append(Line(text="   ".join(t for _, t in row), bbox=(row[0][0], y0, 540.0, y0 + 10)))
    return Page(page=n, width=612, height=792, method="text_layer", words=words, lines=lines)


def test_a_date_under_a_column_header_row_splits_back_to_back_notes():
    # "DATE  AUTHOR" over "13-Nov-2026  Kevin J. Brown, NP": the extractors' label engine reads the column
    def note(n: int, date: str) -> Page:
        return grid_page(n, [[(72, "Allen Orthopedic Associates")], [(72, "HISTORY AND PHYSICAL")],
                             [(72, "MEMBER NAME"), (250, "DATE OF BIRTH"), (400, "MRN")],
                             [(72, "Brock, Madison"), (250, "5/23/92"), (400, "9567974")],
                             [(72, "DATE"), (250, "AUTHOR")],
                             [(72, date), (250, "Kevin J. Brown, NP")],
                             [(72, "Chief complaint: knee pain")]])

    first, second = note(1, "13-Nov-2026"), note(2, "01-Sep-2026")
    assert page_cues(first).doc_date == "2026-11-13"
    assert (page_cues(first).patient, page_cues(first).dob) == ("brock madison", "1992-05-23")
    docs = split_documents("P", [first, second], [pred("clinical_note"), pred("clinical_note")])
    assert spans(docs) == [("clinical_note", [1]), ("clinical_note", [2])]


def test_ocr_slips_in_page_numbers_and_continued_keep_a_document_together():
    pages = [
        page(1, "DISCHARGE SUMMARY", "Member Name: WILLIAMS, JENNIFER", "Hospital course: improved", "Page 1 of 2"),
        page(2, "St. Anne Ragional Mospital . Discharge Summary (cantinued)", "DISCHARGE ME DIGATIONS",
             "Continue home medications.", "Pago 2 of 2"),
    ]
    assert page_cues(pages[1]).page_of == (2, 2) and page_cues(pages[1]).continued
    docs = split_documents("P", pages, [pred("discharge_summary")] * 2)
    assert spans(docs) == [("discharge_summary", [1, 2])]
