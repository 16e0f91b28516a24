"""Packet consensus: a value OCR misread on one document is read as the value other documents agree on.

A packet names its patient, payer, member id and ordering provider on several documents. When OCR
misreads one of them ("BiueRiver Health", "Dylan C Kelier", "2545952071" for a valid NPI) and another
document of the packet read a value that differs only by such noise with more confidence, the
misread value is replaced by that one. Its evidence (page, box, source text) stays the page it was read
from, so a reviewer sees what the page printed.

Only values read by OCR are repaired (a text layer is exact), and only where the difference is
OCR-sized: names with the same number of words and ``NAME_SIMILARITY`` alike (the identity check's
own threshold, so a repair never hides another patient); ids of the same length with at most
``MAX_ID_SUBSTITUTIONS`` characters changed; an NPI only when the one read fails its check digit.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from pipeline.identity import NAME_SIMILARITY
from pipeline.model import Document, Field

NAME_FIELDS = ("patient_name", "payer_name", "ordering_provider_name")
ID_FIELDS = ("member_id", "group_number", "ordering_provider_npi")
MAX_ID_SUBSTITUTIONS = 2
REPAIRED_WEIGHT = 0.85  # a repaired value is trusted a little less than the values that repaired it


def _key(value: object) -> str:
    return " ".join(str(value).lower().split())


def _ocr_sized(name: str, read: str, other: str) -> bool:
    """Whether ``read`` and ``other`` differ only as OCR noise does, for field ``name``."""
    if name in NAME_FIELDS:
        return len(read.split()) == len(other.split()) and SequenceMatcher(None, read, other).ratio() >= NAME_SIMILARITY
    return len(read) == len(other) and sum(a != b for a, b in zip(read, other)) <= MAX_ID_SUBSTITUTIONS


def reconcile(documents: list[Document], ocr_pages: set[int]) -> tuple[list[Document], list[str]]:
    """``documents`` with OCR-misread values replaced by the packet's consensus (see the module doc),
    and one audit line per repair (field and document ids, never values)."""
    decisions: list[str] = []
    repaired: list[Document] = []
    for doc in documents:
        fields = dict(doc.fields)
        for name in NAME_FIELDS + ID_FIELDS:
            field = fields.get(name)
            if field is None or field.page not in ocr_pages or not isinstance(field.value, str):
                continue
            if name == "ordering_provider_npi" and field.valid:
                continue
            support: dict[str, list[Field]] = {}
            for other in documents:
                theirs = other.fields.get(name)
                if other is not doc and theirs is not None and theirs.valid and isinstance(theirs.value, str):
                    support.setdefault(_key(theirs.value), []).append(theirs)
            read = _key(field.value)
            candidates = [(max(f.confidence for f in found), key, found) for key, found in support.items()
                          if key != read and _ocr_sized(name, read, key)]
            if not candidates:
                continue
            confidence, _, found = max(candidates, key=lambda c: (c[0], c[1]))
            if confidence <= (field.confidence if field.valid else 0.0):
                continue
            best = max(found, key=lambda f: f.confidence)
            fields[name] = field.model_copy(update={
                "value": best.value, "valid": True, "reason": None,
                "confidence": round(min(1.0, best.confidence * REPAIRED_WEIGHT), 3)})
            decisions.append(f"{name} of {doc.doc_id} read as the value of {len(found)} other document(s)")
        repaired.append(doc.model_copy(update={"fields": fields}))
    return repaired, decisions
