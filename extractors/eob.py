"""Explanation of benefits / remittance advice: claim number, member, payer, codes."""

from __future__ import annotations

from extractors import common
from extractors.common import put
from extractors.fields import Reader
from extractors.registry import register
from extractors.view import DocView
from pipeline.model import Field


@register("remittance_eob.v1", types=["remittance_eob"])
def remittance_eob(view: DocView) -> dict[str, Field]:
    r = Reader(view)
    out: dict[str, Field] = {}
    put(out, "auth_number", r.labelled("auth_number"))
    put(out, "member_id", r.labelled("member_id"))
    put(out, "patient_name", common.patient_name(r))
    put(out, "group_number", r.labelled("group_number"))
    put(out, "payer_name", r.labelled("payer_name") or common.payer_from_letterhead(r))
    common.codes(r, out, icd=False, cpt=True)
    put(out, "service_date", r.labelled("service_date"))
    put(out, "document_date", r.labelled("document_date"))
    return out
