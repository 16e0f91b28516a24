"""Fax cover sheet: sender and recipient fax numbers, stated page count, date."""

from __future__ import annotations

from extractors import common
from extractors.common import put
from extractors.fields import Reader
from extractors.registry import register
from extractors.view import DocView
from pipeline.model import Field


@register("fax_cover_sheet.v1", types=["fax_cover_sheet"])
def fax_cover_sheet(view: DocView) -> dict[str, Field]:
    r = Reader(view)
    out: dict[str, Field] = {}
    put(out, "fax_from", r.labelled("fax_from"))
    put(out, "fax_to", r.labelled("fax_to"))
    put(out, "page_count", r.labelled("page_count"))
    put(out, "document_date", r.labelled("document_date"))
    put(out, "patient_name", common.name_after_for(r) or r.labelled("patient_name"))
    return out
