"""Same-patient check: documents whose patient_name or patient_dob disagree with the packet.

For each of the two fields, the packet's value is the one most documents agree on (ties go to
the value seen first). A document that prints a different value is a problem, with its pages.
Names compare on given + family name, order-insensitive, with a little tolerance for OCR
noise; middle names/initials are ignored. Dates that failed validation are not compared.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from pipeline.model import Document, Problem

NAME_SIMILARITY = 0.85
REQUIREMENT = "same patient"


def _name_key(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    tokens = [t for t in re.findall(r"[a-z]+", value.lower())]
    long_tokens = [t for t in tokens if len(t) > 1] or tokens
    if not long_tokens:
        return None
    return f"{long_tokens[0]} {long_tokens[-1]}" if len(long_tokens) > 1 else long_tokens[0]


def _same_name(a: str, b: str) -> bool:
    return a == b or sorted(a.split()) == sorted(b.split()) or SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def _values(documents: list[Document], name: str) -> list[tuple[Document, str]]:
    out = []
    for doc in documents:
        f = doc.fields.get(name)
        if f is None or f.value in (None, "") or (name == "patient_dob" and not f.valid):
            continue
        key = _name_key(f.value) if name == "patient_name" else str(f.value)
        if key:
            out.append((doc, key))
    return out


def _majority(values: list[str], same) -> str | None:
    clusters: list[list[str]] = []
    for v in values:
        for c in clusters:
            if same(c[0], v):
                c.append(v)
                break
        else:
            clusters.append([v])
    if not clusters:
        return None
    return max(clusters, key=len)[0]  # max keeps the first cluster on ties


def identity_problems(documents: list[Document]) -> list[Problem]:
    """One problem per document whose patient name or date of birth disagrees with the packet's."""
    flagged: dict[str, list[str]] = {}
    for field, same in (("patient_name", _same_name), ("patient_dob", str.__eq__)):
        values = _values(documents, field)
        main = _majority([v for _, v in values], same)
        if main is None:
            continue
        for doc, v in values:
            if not same(main, v):
                flagged.setdefault(doc.doc_id, []).append(field)
    problems = []
    for doc in documents:
        if doc.doc_id not in flagged:
            continue
        fields = flagged[doc.doc_id]
        what = " and ".join("patient name" if f == "patient_name" else "date of birth" for f in fields)
        problems.append(Problem(
            requirement=REQUIREMENT,
            reason=f"the {what} on this {doc.type.replace('_', ' ')} differ from the rest of the packet: "
                   f"it may belong to another patient",
            pages=list(doc.pages), doc_id=doc.doc_id, field=fields[0]))
    return problems
