"""Which documents belong to the packet's main patient (for "belonging to another patient").

Documents are grouped by compatible identity (patient_name and patient_dob do not disagree);
the heaviest group is the packet's patient. The documents a case is about (request, order, card,
registration, payer letter) weigh double, so two stray notes of another patient do not outvote
the request and the card; ties go to the group of the earliest document.
Names compare on given + family name with a little tolerance for OCR noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from pipeline.model import Document

NAME_SIMILARITY = 0.85
CASE_DOCUMENTS = ("prior_auth_request", "referral_order", "insurance_card", "patient_registration",
                  "payer_determination", "remittance_eob")


@dataclass
class Identity:
    name: str | None = None
    dob: str | None = None
    doc_ids: list[str] = field(default_factory=list)


def name_key(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    tokens = re.findall(r"[a-z]+", value.lower())
    tokens = [t for t in tokens if len(t) > 1] or tokens
    if not tokens:
        return None
    return f"{tokens[0]} {tokens[-1]}" if len(tokens) > 1 else tokens[0]


def doc_identity(doc: Document) -> tuple[str | None, str | None]:
    name = doc.fields.get("patient_name")
    dob = doc.fields.get("patient_dob")
    name_value = name_key(name.value) if name is not None else None
    dob_value = str(dob.value) if dob is not None and dob.valid and dob.value else None
    return name_value, dob_value


def same_name(a: str, b: str) -> bool:
    if a == b:
        return True
    if sorted(a.split()) == sorted(b.split()):
        return True
    return SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def _compatible(group: Identity, name: str | None, dob: str | None) -> bool:
    if name and group.name and not same_name(name, group.name):
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


def other_patient_docs(documents: list[Document]) -> set[str]:
    """Ids of documents that name a patient other than the packet's main patient."""
    groups = patient_groups(documents)
    if len(groups) < 2:
        return set()
    weight = {d.doc_id: 2 if d.type in CASE_DOCUMENTS else 1 for d in documents}
    main = max(groups, key=lambda g: sum(weight[i] for i in g.doc_ids))  # max keeps the earliest on ties
    return {doc_id for g in groups if g is not main for doc_id in g.doc_ids}
