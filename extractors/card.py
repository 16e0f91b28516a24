"""Insurance card (front or back): member id, group, payer, member name."""

from __future__ import annotations

import re

from extractors import common
from extractors.common import put
from extractors.fields import Reader, Value, id_parser, make_field, parse_payer
from extractors.registry import register
from extractors.view import DocView, Segment
from pipeline.model import Field

_PAYER_WORDS = re.compile(r"\b(health|insurance|plan|care|mutual|benefits?|medicare|medicaid|blue|trust|alliance|partners|"
                          r"assurance|advantage|healthcare|cross|shield)\b", re.I)
# Captions around a copied card and words every card prints: never the payer's name.
_CAPTION = re.compile(r"\b(copy|card|front|back|side|scan(?:ned)?|image|photo|attached|page|reverse|member services?|"
                      r"providers?|claims?|pharmacy|emergency|coverage|customer|call|visit|www|rx\w*)\b", re.I)
_GENERIC = {"health", "insurance", "plan", "care", "medical", "benefits", "benefit", "healthcare", "member", "the", "of",
            "and", "ppo", "hmo", "epo", "pos", "plus", "dental", "vision", "id"}
_ID_LABEL = re.compile(r"(?<![A-Za-z])ID\b\s*[:#]?\s*(\S.*)")


def _payer_candidate(text: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z'&\-]*", text)
    return (bool(_PAYER_WORDS.search(text)) and not _CAPTION.search(text) and not re.search(r"\d", text)
            and 1 <= len(text.split()) <= 6 and any(w.lower() not in _GENERIC for w in words))


def _labelled_payer(text: str, ocr: bool) -> Value | None:
    value = parse_payer(text, ocr)
    return value if value is not None and not _CAPTION.search(str(value.value)) else None


def _height(seg: Segment) -> float:
    return sum(t.bbox[3] - t.bbox[1] for t in seg.tokens) / len(seg.tokens)


def _runs(row: list[Segment]) -> list[list[Segment]]:
    """Neighbouring cells of one row in the same type size: a brand name OCR split at a wide gap
    ("Heartland" | "Benefit Trust"); every single cell is a run too."""
    runs = [[seg] for seg in row]
    for i, seg in enumerate(row):
        run = [seg]
        for nxt in row[i + 1:]:
            h0, h1 = _height(run[-1]), _height(nxt)
            if re.search(r"\d", nxt.text) or not 0.75 <= h1 / max(h0, 0.1) <= 1.33 or nxt.bbox[0] - run[-1].bbox[2] > 3 * h0:
                break
            run.append(nxt)
        if len(run) > 1:
            runs.append(run)
    return runs


def _payer_by_size(r: Reader) -> Field | None:
    """The payer's brand: the largest payer-like text on the card (plan words, no digits), not a
    caption above a copied card ("Copy of insurance card", "CARD (FRONT/BACK)") nor a generic
    subtitle ("HEALTH INSURANCE"); text that OCR garbled (non-ASCII letters) counts less."""
    best: tuple[float, int, Field] | None = None
    for row in r.view.rows:
        for run in _runs(row):
            text = " ".join(seg.text for seg in run)
            if not _payer_candidate(text):
                continue
            value = parse_payer(text, run[0].ocr)
            if not value:
                continue
            ev = run[0].evidence(0, len(run[0].text))
            for seg in run[1:]:
                ev = ev.join(seg.evidence(0, len(seg.text))) if ev else None
            if ev is None:
                continue
            height = sum(_height(seg) for seg in run) / len(run)
            score = height * (0.5 if any(ord(c) > 127 for c in text) else 1.0)
            words = len(text.split())
            # clearly larger type wins; in about the same size, the longer name (the whole brand)
            if best is None or score > best[0] * 1.15 or (score > best[0] * 0.87 and words > best[1]):
                best = (score, words, make_field(value, ev, "pattern"))
    return best[2] if best else None


@register("insurance_card.v1", types=["insurance_card"])
def insurance_card(view: DocView) -> dict[str, Field]:
    r = Reader(view)
    out: dict[str, Field] = {}
    put(out, "member_id", r.labelled("member_id") or r.search(_ID_LABEL, id_parser(True, 4), group=1))
    put(out, "group_number", r.labelled("group_number"))
    put(out, "payer_name", r.labelled("payer_name", parser=_labelled_payer) or _payer_by_size(r))
    put(out, "patient_name", common.patient_name(r))
    put(out, "patient_dob", r.labelled("patient_dob"))
    return out
