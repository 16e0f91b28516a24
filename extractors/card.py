"""Insurance card (front or back): member id, group, payer, member name."""

from __future__ import annotations

import re

from extractors import common
from extractors.common import put
from extractors.fields import Reader, id_parser, make_field, parse_payer
from extractors.registry import register
from extractors.view import DocView
from pipeline.model import Field

_PAYER_WORDS = re.compile(r"\b(health|insurance|plan|care|mutual|benefit|medicare|medicaid|blue|trust|alliance|partners|assurance)\b", re.I)
_ID_LABEL = re.compile(r"(?<![A-Za-z])ID\b\s*[:#]?\s*(\S.*)")


def _payer_from_top(r: Reader) -> Field | None:
    """The payer's name is usually the largest line near the top that names a plan."""
    for row in r.view.rows[:6]:
        for seg in row:
            if _PAYER_WORDS.search(seg.text) and not re.search(r"\d", seg.text) and len(seg.text.split()) <= 6:
                value = parse_payer(seg.text, seg.ocr)
                ev = seg.evidence(value.start, value.end) if value else None
                if value and ev:
                    return make_field(value, ev, "pattern")
    return None


@register("insurance_card.v1", types=["insurance_card"])
def insurance_card(view: DocView) -> dict[str, Field]:
    r = Reader(view)
    out: dict[str, Field] = {}
    put(out, "member_id", r.labelled("member_id") or r.search(_ID_LABEL, id_parser(True, 4), group=1))
    put(out, "group_number", r.labelled("group_number"))
    put(out, "payer_name", r.labelled("payer_name") or common.payer_from_letterhead(r) or _payer_from_top(r))
    put(out, "patient_name", common.patient_name(r))
    put(out, "patient_dob", r.labelled("patient_dob"))
    return out
