"""Letters: medical necessity / appeal letter, payer determination."""

from __future__ import annotations

import re

from extractors import common
from extractors.common import put
from extractors.fields import Reader, Value, read_signature
from extractors import normalize
from extractors.registry import register
from extractors.view import DocView
from pipeline.model import Field

_DECISION_SENTENCE = re.compile(
    r"(has been|have been|was|is|are|were|been|request is|status:?|decision:?|determination:?)\s+"
    r"(?:\w+\s+){0,3}?(approved|denied|pended|pending|authorized|certified|not approved|not medically necessary|"
    r"under review)|(?:additional|more|further) (?:clinical )?(?:information|documentation|records)", re.I)


@register("medical_necessity_letter.v1", types=["medical_necessity_letter"])
def medical_necessity_letter(view: DocView) -> dict[str, Field]:
    r = Reader(view)
    out: dict[str, Field] = {}
    put(out, "patient_name", common.patient_name(r))
    put(out, "patient_dob", r.labelled("patient_dob"))
    put(out, "member_id", r.labelled("member_id"))
    put(out, "payer_name", common.payer_from_recipient(r) or r.labelled("payer_name"))
    put(out, "auth_number", r.labelled("auth_number"))
    put(out, "ordering_provider_name", common.provider_from_signature(r) or common.ordering_provider(r))
    put(out, "ordering_provider_npi", common.ordering_npi(r))
    common.codes(r, out)
    put(out, "document_date", r.labelled("document_date") or common.first_date_line(r))
    put(out, "signature_present", read_signature(view))
    return out


def _determination(r: Reader) -> Field | None:
    found = r.labelled("determination")
    if found is not None:
        return found

    def parse(text: str, ocr: bool) -> Value | None:
        value = normalize.determination(text)
        return Value(value, 0, len(text)) if value else None

    return r.search(_DECISION_SENTENCE, parse)


@register("payer_determination.v1", types=["payer_determination"])
def payer_determination(view: DocView) -> dict[str, Field]:
    r = Reader(view)
    out: dict[str, Field] = {}
    put(out, "determination", _determination(r))
    put(out, "auth_number", r.labelled("auth_number"))
    put(out, "member_id", r.labelled("member_id"))
    put(out, "patient_name", common.patient_name(r))
    put(out, "patient_dob", r.labelled("patient_dob"))
    put(out, "payer_name", r.labelled("payer_name") or common.payer_from_letterhead(r))
    put(out, "ordering_provider_name", common.ordering_provider(r, signature_fallback=False))
    put(out, "ordering_provider_npi", common.ordering_npi(r))
    common.codes(r, out)
    put(out, "service_date", r.labelled("service_date"))
    put(out, "document_date", r.labelled("document_date") or common.first_date_line(r))
    return out
