"""Ground truth for a packet: which checklist applies and what it must find (CONTRACT section 4),
computed from the documents that were generated (their printed fields), not from intentions.
"""

from __future__ import annotations

from datetime import date

from samples.content import npi_is_valid

WINDOWS = {  # checklist -> {doc type: max age in days, counted back from the service date}
    "prior_auth_imaging": {"clinical_note": 60},
    "prior_auth_infusion": {"clinical_note": 90, "lab_result": 30},
}
PAYER_TYPES = ("payer_determination", "remittance_eob")


def _is_imaging_cpt(code: str) -> bool:
    return code.isdigit() and len(code) == 5 and 70010 <= int(code) <= 79999


def infer_workflow(docs: list[dict]) -> str | None:
    """CONTRACT section 4 inference over the printed fields; fax cover sheets never count."""
    docs = [d for d in docs if d["type"] != "fax_cover_sheet"]
    types = {d["type"] for d in docs}
    codes = [c for d in docs for c in d["fields"].get("cpt_codes", [])]
    denied = any(d["type"] == "payer_determination" and d["fields"].get("determination") == "denied" for d in docs)
    if denied and "medical_necessity_letter" in types:
        return "appeal"
    if docs and types <= set(PAYER_TYPES):
        return "payer_correspondence"
    if any(c.startswith("J") for c in codes):
        return "prior_auth_infusion"
    if any(_is_imaging_cpt(c) for c in codes):
        return "prior_auth_imaging"
    if "referral_order" in types and "prior_auth_request" not in types:
        return "specialist_referral"
    return None


def printed_service_date(docs: list[dict]) -> date | None:
    for d in docs:
        if "service_date" in d["fields"]:
            return date.fromisoformat(d["fields"]["service_date"])
    return None


def evaluate(workflow: str | None, docs: list[dict], service_date: date | None, patient: str = "p1") -> dict:
    """Expected checklist result: id, status, missing_documents (and problems, informational)."""
    if workflow is None:
        return {"id": None, "status": "needs_review", "missing_documents": [], "problems": []}
    own = [d for d in docs if d["patient"] == patient]
    problems: list[dict] = []
    missing: list[str] = []

    def fresh(d: dict, limit: int | None) -> bool:
        if limit is None:
            return True
        dd = d["fields"].get("document_date")
        if dd is None or service_date is None:
            return False
        age = (service_date - date.fromisoformat(dd)).days
        return 0 <= age <= limit

    def require(types: tuple[str, ...], signed: bool = False, window: int | None = None, extra=None) -> None:
        ok = False
        failed: list[dict] = []  # reported only when no document satisfies the requirement
        for d in own:
            if d["type"] not in types:
                continue
            why = None
            if signed and not d["fields"].get("signature_present"):
                why = "unsigned"
            elif not fresh(d, window):
                why = f"older than {window} days"
            elif extra is not None and extra(d) is not None:
                why = extra(d)
            if why is None:
                ok = True
            else:
                failed.append({"requirement": "/".join(types), "reason": why, "pages": d["pages"]})
        for d in docs:
            if d["type"] in types and d["patient"] != patient:
                problems.append({"requirement": "/".join(types), "reason": "another patient", "pages": d["pages"]})
        if not ok:
            problems.extend(failed)
            missing.append(types[0])

    def need_field(name: str, check=None) -> None:
        values = [d["fields"][name] for d in own if name in d["fields"]]
        if check is not None:
            values = [v for v in values if check(v)]
        if not values:
            problems.append({"requirement": name, "reason": "missing or invalid", "pages": []})

    win = WINDOWS.get(workflow, {})
    if workflow in ("prior_auth_imaging", "prior_auth_infusion"):
        if workflow == "prior_auth_imaging":
            require(("prior_auth_request", "referral_order"), signed=True)
            require(("clinical_note",), window=win["clinical_note"])
        else:
            require(("prior_auth_request",), signed=True)
            require(("clinical_note",), window=win["clinical_note"])
            require(("lab_result",), window=win["lab_result"])
            require(("medical_necessity_letter",))
            require(("insurance_card",))
        for name in ("member_id", "patient_name", "patient_dob"):
            need_field(name)
        need_field("ordering_provider_npi", npi_is_valid)
        need_field("cpt_codes", lambda v: bool(v))
        need_field("icd10_codes", lambda v: bool(v))
    elif workflow == "specialist_referral":
        require(("referral_order",), signed=True)
        require(("patient_registration",))
        require(("insurance_card",))
        require(("consent_form",), signed=True)
        for name in ("patient_name", "patient_dob", "member_id"):
            need_field(name)
    elif workflow == "appeal":
        def denial_ok(d: dict) -> str | None:
            if d["fields"].get("determination") != "denied":
                return "not a denial"
            if not d["fields"].get("auth_number"):
                return "no auth_number"
            return None
        require(("payer_determination",), extra=denial_ok)
        require(("medical_necessity_letter",))
        require(("clinical_note",))
        need_field("member_id")
    elif workflow == "payer_correspondence":
        def letter_ok(d: dict) -> str | None:
            f = d["fields"]
            if d["type"] == "payer_determination" and not f.get("determination"):
                return "no determination"
            if not f.get("auth_number"):
                return "no auth_number"
            if not f.get("member_id"):
                return "no member_id"
            return None
        require(PAYER_TYPES, extra=letter_ok)
    else:
        raise ValueError(f"unknown workflow {workflow!r}")
    # one patient per packet
    for d in docs:
        if d["patient"] != patient and not any(p["pages"] == d["pages"] and p["reason"] == "another patient"
                                               for p in problems):
            problems.append({"requirement": "same_patient", "reason": "another patient", "pages": d["pages"]})
    status = "complete" if not missing and not problems else "incomplete"
    return {"id": workflow, "status": status, "missing_documents": missing, "problems": problems}
