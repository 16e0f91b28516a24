"""Layout families: turn a ``DocContent`` into one HTML string per page.

Form families (``kv``, ``boxed``, ``twocol``, ``prose``, ``grid``, ``ehr``) serve every form-like type;
letter families (``letterhead``, ``refbox``, ``memo``, ``plain``) serve letters. The layout id
written to the truth is ``"<doc_type>/<family>"``. Every family prints every labelled value,
section and table row of the document (the ground truth depends on it).
"""

from __future__ import annotations

import random

from samples.documents import KV, DocContent, Signature
from samples.layouts.families import FAMILIES, render_family

FORM_FAMILIES = ["kv", "boxed", "twocol", "prose", "grid", "ehr"]
LETTER_FAMILIES = ["letterhead", "refbox", "memo", "plain"]
CARD_FAMILIES = ["band", "stripe", "classic", "minimal"]


def families_for(doc: DocContent) -> list[str]:
    if doc.type == "insurance_card":
        return CARD_FAMILIES
    if doc.letter:
        return LETTER_FAMILIES
    if doc.type == "fax_cover_sheet":  # a cover in sentences reads oddly; a memo-style cover is common
        return ["kv", "boxed", "twocol", "grid", "memo", "ehr"]
    return FORM_FAMILIES


def pick_family(doc: DocContent, rng: random.Random) -> str:
    fam = rng.choice(families_for(doc))
    doc.layout = f"{doc.type}/{fam}"
    return fam


def render_pages(doc: DocContent, rng: random.Random, images: dict[str, bytes]) -> list[str]:
    """HTML for each page of a (non-card) document. ``images`` collects signature images by name."""
    family = doc.layout.split("/", 1)[1]
    return render_family(family, doc, rng, images)


__all__ = ["KV", "DocContent", "Signature", "FAMILIES", "families_for", "pick_family", "render_pages"]
