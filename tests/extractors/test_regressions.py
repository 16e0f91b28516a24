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
