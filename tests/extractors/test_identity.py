"""identity_problems flags the document of another patient, with its pages."""

from pipeline.identity import identity_problems
from pipeline.model import Document, Field


def _doc(n: int, name: str | None, dob: str | None, pages: list[int], valid_dob: bool = True) -> Document:
    fields = {}
    if name:
        fields["patient_name"] = Field(value=name, confidence=0.9, page=pages[0], bbox=(0, 0, 1, 1), text=name)
    if dob:
        fields["patient_dob"] = Field(value=dob, confidence=0.9, page=pages[0], bbox=(0, 0, 1, 1), text=dob,
                                      valid=valid_dob)
    return Document(doc_id=f"P-d{n}", type="clinical_note", confidence=1.0, pages=pages, fields=fields)


def test_flags_document_of_another_patient():
    docs = [_doc(1, "Jane A Doe", "1961-03-14", [1]), _doc(2, "Jane Doe", "1961-03-14", [2, 3]),
            _doc(3, "Robert Miles", "1970-01-02", [4, 5]), _doc(4, None, None, [6])]
    problems = identity_problems(docs)
    assert [(p.doc_id, p.pages) for p in problems] == [("P-d3", [4, 5])]
    assert "patient name and date of birth" in problems[0].reason


def test_tolerates_ocr_noise_and_name_order():
    docs = [_doc(1, "Jane Doe", "1961-03-14", [1]), _doc(2, "Jane Dae", None, [2]), _doc(3, "Doe Jane", None, [3])]
    assert identity_problems(docs) == []


def test_dob_disagreement_alone_is_flagged_and_invalid_dates_ignored():
    docs = [_doc(1, "Jane Doe", "1961-03-14", [1]), _doc(2, "Jane Doe", "1961-03-14", [2]),
            _doc(3, "Jane Doe", "1962-03-14", [3]), _doc(4, "Jane Doe", "2020-12-31", [4], valid_dob=False)]
    problems = identity_problems(docs)
    assert [(p.doc_id, p.field) for p in problems] == [("P-d3", "patient_dob")]


def test_single_document_or_none_gives_no_problem():
    assert identity_problems([]) == []
    assert identity_problems([_doc(1, "Jane Doe", "1961-03-14", [1])]) == []
