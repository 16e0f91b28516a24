"""Same patient: which documents name a patient other than the packet's, and the problems that says.

Documents are grouped by compatible identity (patient_name and patient_dob do not disagree);
the heaviest group is the packet's patient. The documents a case is about (request, order, card,
registration, payer letter) weigh double, so two stray notes of another patient do not outvote
the request and the card; ties go to the group of the earliest document. Names compare on given +
family name, order-insensitive, with a little tolerance for OCR noise; middle names and initials
are ignored. Names and dates of birth that failed validation, or were read with a confidence
below ``MIN_EVIDENCE_CONFIDENCE``, are not compared: a value the extractor itself rejected (an
address or a plan name read as the patient's name) or OCR garble ("OO Lar" at 0.14) is no
evidence of another patient (a low-confidence field goes to review on its own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from pipeline.model import Document, Problem

NAME_SIMILARITY = 0.85
GIVEN_NAME_SIMILARITY = 0.7  # only between documents with the same date of birth
MIN_EVIDENCE_CONFIDENCE = 0.5
REQUIREMENT = "same patient"
CASE_DOCUMENTS = ("prior_auth_request", "referral_order", "insurance_card", "patient_registration",
                  "payer_determination", "remittance_eob")


@dataclass
class Identity:
    name: str | None = None
    dob: str | None = None
    doc_ids: list[str] = field(default_factory=list)


def name_key(value: object) -> str | None:
    """Given + family name in lower case ("Jane A Doe" -> "jane doe"), or None."""
    if not isinstance(value, str):
        return None
    tokens = re.findall(r"[a-z]+", value.lower())
    tokens = [t for t in tokens if len(t) > 1] or tokens
    if not tokens:
        return None
    return f"{tokens[0]} {tokens[-1]}" if len(tokens) > 1 else tokens[0]


def same_name(a: str, b: str) -> bool:
    return a == b or sorted(a.split()) == sorted(b.split()) or SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def _similar(a: str, b: str, at_least: float) -> bool:
    return SequenceMatcher(None, a, b).ratio() >= at_least


def names_agree(a: str, b: str, same_dob: bool) -> bool:
    """Names of one person. With the same date of birth on both documents, OCR noise is the likely
    cause of a difference, so more of it is allowed: family names alike (0.85), given names
    fairly alike (0.7; "Josmathian" for "Jonathan"), either order. Twins share the date of birth
    and the family name but not a given name ("John" and "Jane": 0.5), so they stay apart."""
    if same_name(a, b):
        return True
    if not same_dob:
        return False
    ta, tb = a.split(), b.split()
    if len(ta) != 2 or len(tb) != 2:
        return False
    return any(_similar(ta[1], y[1], NAME_SIMILARITY) and _similar(ta[0], y[0], GIVEN_NAME_SIMILARITY)
               for y in (tb, tb[::-1]))


def doc_identity(doc: Document) -> tuple[str | None, str | None]:
    name = doc.fields.get("patient_name")
    dob = doc.fields.get("patient_dob")
    def usable(f) -> bool:
        return f is not None and f.valid and bool(f.value) and f.confidence >= MIN_EVIDENCE_CONFIDENCE

    return (name_key(name.value) if usable(name) else None), (str(dob.value) if usable(dob) else None)


def _compatible(group: Identity, name: str | None, dob: str | None) -> bool:
    same_dob = bool(dob and group.dob and dob == group.dob)
    if name and group.name and not names_agree(name, group.name, same_dob):
        return False
    return not (dob and group.dob and dob != group.dob)


def patient_groups(documents: list[Document]) -> list[Identity]:
    groups: list[Identity] = []
    for doc in documents:
        name, dob = doc_identity(doc)
        if name is None and dob is None:
            continue
        for group in groups:
            if _compatible(group, name, dob):
                group.name = group.name or name
                group.dob = group.dob or dob
                group.doc_ids.append(doc.doc_id)
                break
        else:
            groups.append(Identity(name=name, dob=dob, doc_ids=[doc.doc_id]))
    return groups


def _main_group(documents: list[Document], groups: list[Identity]) -> Identity:
    weight = {d.doc_id: 2 if d.type in CASE_DOCUMENTS else 1 for d in documents}
    return max(groups, key=lambda g: sum(weight[i] for i in g.doc_ids))  # max keeps the earliest on ties


def other_patient_docs(documents: list[Document]) -> set[str]:
    """Ids of documents that name a patient other than the packet's main patient."""
    groups = patient_groups(documents)
    if len(groups) < 2:
        return set()
    main = _main_group(documents, groups)
    return {doc_id for g in groups if g is not main for doc_id in g.doc_ids}


def identity_problems(documents: list[Document]) -> list[Problem]:
    """One problem per document whose patient name or date of birth disagrees with the packet's."""
    groups = patient_groups(documents)
    if len(groups) < 2:
        return []
    main = _main_group(documents, groups)
    problems = []
    for doc in documents:
        if any(doc.doc_id in g.doc_ids for g in groups if g is main) or not any(doc.doc_id in g.doc_ids for g in groups):
            continue
        name, dob = doc_identity(doc)
        same_dob = bool(dob and main.dob and dob == main.dob)
        fields = [f for f, mine, theirs in (("patient_name", name, main.name), ("patient_dob", dob, main.dob))
                  if mine and theirs and not (names_agree(mine, theirs, same_dob) if f == "patient_name" else mine == theirs)]
        fields = fields or ["patient_name"]
        what = " and ".join("patient name" if f == "patient_name" else "date of birth" for f in fields)
        problems.append(Problem(
            requirement=REQUIREMENT,
            reason=f"the {what} on this {doc.type.replace('_', ' ')} differ from the rest of the packet: "
                   f"it may belong to another patient",
            pages=list(doc.pages), doc_id=doc.doc_id, field=fields[0]))
    return problems
