"""Fax cover sheet: sender and recipient fax numbers, stated page count, date, patient."""

from __future__ import annotations

import re

from extractors import common
from extractors.common import put
from extractors.fields import Reader, date_parser, make_field, parse_name
from extractors.labels import Labeled, label_hits
from extractors.registry import register
from extractors.view import DocView, in_transmit_header
from pipeline.model import Field



def _not_header(view: DocView, items: list[Labeled]) -> list[Labeled]:
    return [i for i in items if not in_transmit_header(view, i.label_seg) and not in_transmit_header(view, i.value_seg)]


_RE_LABEL = re.compile(r"^\s*(?:re|regarding|subject|patient(?:\s+name)?|pt)\b\s*[:\-]?", re.I)
_NAME_AFTER = re.compile(r"(?:^\s*(?:re|regarding|subject|patient(?:\s+name)?|pt)\b\s*[:\-]?|\bfor\b|\bpatient\b:?|\bpt\b:?)\s*", re.I)


def _patient_in_re_line(r: Reader) -> Field | None:
    """"RE: Jane Doe", "Patient: DOE, JANE", "Re | Determination notice for DOE, JANE" and a
    "RE:" line wrapped onto the next row ("... adverse determination" / "for JAMES BROWN")."""
    view = r.view
    for seg in view.segments:
        if not any(_RE_LABEL.match(piece) for piece in seg.text.split("|")) or in_transmit_header(view, seg):
            continue
        near = view.rows[seg.row][seg.index:]
        for row in view.rows[seg.row + 1:seg.row + 3]:
            if row and row[0].page == seg.page and not label_hits(row[0]):
                near = near + row[:1]
        for part_seg in near:
            for piece in re.finditer(r"[^|]+", part_seg.text):
                for m in _NAME_AFTER.finditer(piece.group(0)):
                    value = parse_name(piece.group(0)[m.end():], part_seg.ocr)
                    if value is None:
                        continue
                    offset = piece.start() + m.end()
                    ev = part_seg.evidence(offset + value.start, offset + value.end)
                    if ev:
                        return make_field(value, ev, "pattern")
    return None


@register("fax_cover_sheet.v1", types=["fax_cover_sheet"])
def fax_cover_sheet(view: DocView) -> dict[str, Field]:
    r = Reader(view)
    everything = r.labeled
    r.labeled = _not_header(view, everything)
    out: dict[str, Field] = {}
    put(out, "fax_from", r.labelled("fax_from"))
    put(out, "fax_to", r.labelled("fax_to"))
    put(out, "page_count", r.labelled("page_count"))
    put(out, "document_date", r.labelled("document_date"))
    put(out, "patient_name", common.name_after_for(r) or _patient_in_re_line(r) or r.labelled("patient_name"))
    if "document_date" not in out:  # a date line on the cover, outside the transmit header
        body = [s for s in view.segments if not in_transmit_header(view, s)]
        put(out, "document_date", r.search(re.compile(r"\bdate[d]?\b\W{0,3}(.+)", re.I), date_parser("any"), 1, body))
    if "fax_to" not in out:  # its section's "TO" misread ("10"): a fax number of no section, not the sender's
        put(out, "fax_to", _sectionless_fax(r, out.get("fax_from")))
    r.labeled = everything  # fax numbers from the transmit header only when the cover prints none
    put(out, "fax_from", r.labelled("fax_from"))
    put(out, "fax_to", r.labelled("fax_to"))
    return out


def _sectionless_fax(r: Reader, sender: Field | None) -> Field | None:
    """The first number under a bare "FAX" label whose section is unknown and that is not ``sender``."""
    labeled = r.labeled
    try:
        for item in [i for i in labeled if i.key == "fax" and i.role is None]:
            r.labeled = [item]
            found = r.labelled("fax_to", keys=("fax",))
            if found is not None and (sender is None or found.value != sender.value):
                return found
        return None
    finally:
        r.labeled = labeled
