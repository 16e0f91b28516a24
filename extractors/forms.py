"""Forms: prior authorization request, referral / order, patient registration, consent form."""

from __future__ import annotations

from extractors import common
from extractors.common import put
from extractors.fields import Reader, read_signature
from extractors.registry import register
from extractors.view import DocView
from pipeline.model import Field


def _identity(r: Reader, out: dict[str, Field]) -> None:
    put(out, "patient_name", common.patient_name(r))
    put(out, "patient_dob", r.labelled("patient_dob"))
    put(out, "member_id", r.labelled("member_id"))


@register("order_form.v1", types=["prior_auth_request", "referral_order"])
def order_form(view: DocView) -> dict[str, Field]:
    """A prior-authorization request or a referral / order: both print the same fields."""
    r = Reader(view)
    out: dict[str, Field] = {}
    _identity(r, out)
    put(out, "group_number", r.labelled("group_number"))
    put(out, "payer_name", r.labelled("payer_name"))
    put(out, "ordering_provider_name", common.ordering_provider(r, signature_fallback=False))
    put(out, "ordering_provider_npi", common.ordering_npi(r))
    common.codes(r, out)
    put(out, "service_date", r.labelled("service_date"))
    put(out, "document_date", r.labelled("document_date"))
    put(out, "signature_present", read_signature(view))
    return out


@register("patient_registration.v1", types=["patient_registration"])
def patient_registration(view: DocView) -> dict[str, Field]:
    r = Reader(view)
    out: dict[str, Field] = {}
    _identity(r, out)
    put(out, "group_number", r.labelled("group_number"))
    put(out, "payer_name", r.labelled("payer_name"))
    put(out, "document_date", r.labelled("document_date"))
    put(out, "signature_present", read_signature(view))
    return out


@register("consent_form.v1", types=["consent_form"])
def consent_form(view: DocView) -> dict[str, Field]:
    r = Reader(view)
    out: dict[str, Field] = {}
    _identity(r, out)
    put(out, "document_date", r.labelled("document_date"))
    put(out, "signature_present", read_signature(view))
    return out
