"""Which checklist applies: manifest, caller, inference (CONTRACT section 4)."""

import pytest

from pipeline.checklists import check_packet, load_checklists
from tests.checklists.builders import PATIENT, Docs, imaging_docs, packet


@pytest.fixture(scope="module")
def registry():
    return load_checklists([])


def choose(registry, docs: Docs, workflow=None, manifest_workflow=None):
    result = check_packet(registry, packet(workflow=manifest_workflow), docs.docs, [], workflow)
    return result.id, result.decided_by, result


def docs_of(*specs) -> Docs:
    d = Docs()
    for spec in specs:
        doc_type, fields = (spec, {}) if isinstance(spec, str) else spec
        d.add(doc_type, **fields)
    return d


@pytest.mark.parametrize("specs, expected", [
    ([("payer_determination", {"determination": "denied"}), "medical_necessity_letter", "clinical_note"], "appeal"),
    ([("payer_determination", {"determination": "approved"}), "medical_necessity_letter"], None),
    (["fax_cover_sheet", ("payer_determination", {"determination": "pended"})], "payer_correspondence"),
    (["remittance_eob"], "payer_correspondence"),
    ([("payer_determination", {"determination": "denied"}), "remittance_eob"], "payer_correspondence"),
    ([("prior_auth_request", {"cpt_codes": ["J1745", "70551"]})], "prior_auth_infusion"),
    ([("prior_auth_request", {"cpt_codes": ["70551"]}), "clinical_note"], "prior_auth_imaging"),
    ([("referral_order", {"cpt_codes": ["79999"]})], "prior_auth_imaging"),
    ([("referral_order", {"cpt_codes": ["80000"]})], "specialist_referral"),
    (["referral_order", "patient_registration", "insurance_card"], "specialist_referral"),
    (["referral_order", ("prior_auth_request", {"cpt_codes": ["99213"]})], None),
    (["clinical_note", "lab_result"], None),
    ([], None),
])
def test_inferred_checklist(registry, specs, expected):
    checklist_id, decided_by, result = choose(registry, docs_of(*specs))
    assert checklist_id == expected
    if expected is None:
        assert decided_by == "none" and result.status == "needs_review"
        assert "No checklist applies" in result.problems[0].reason
    else:
        assert decided_by == "inferred"


@pytest.mark.parametrize("specs", [
    ["fax_cover_sheet", "referral_order"],
    [("fax_cover_sheet", {"cpt_codes": ["70551"]}), "referral_order"],
    ["fax_cover_sheet", ("payer_determination", {"determination": "approved"})],
])
def test_fax_cover_sheet_never_changes_the_choice(registry, specs):
    with_cover = choose(registry, docs_of(*specs))[0]
    without_cover = choose(registry, docs_of(*specs[1:]))[0]
    assert with_cover == without_cover is not None
    assert with_cover != "prior_auth_imaging"


def test_only_a_fax_cover_sheet_needs_review(registry):
    checklist_id, decided_by, result = choose(registry, docs_of("fax_cover_sheet"))
    assert (checklist_id, result.status) == (None, "needs_review")
    assert "fax cover sheet" in result.problems[0].reason


def test_manifest_beats_caller_and_inference(registry):
    checklist_id, decided_by, _ = choose(registry, imaging_docs(), workflow="appeal",
                                         manifest_workflow="specialist_referral")
    assert (checklist_id, decided_by) == ("specialist_referral", "manifest")


def test_caller_beats_inference(registry):
    checklist_id, decided_by, result = choose(registry, imaging_docs(), workflow="prior_auth_infusion")
    assert (checklist_id, decided_by) == ("prior_auth_infusion", "caller")
    assert result.status == "incomplete"  # an imaging packet lacks the infusion's lab, letter and card


@pytest.mark.parametrize("manifest, caller, where", [("pa_imaging", None, "manifest.json"),
                                                     (None, "imaging", "--workflow")])
def test_unknown_workflow_needs_review_naming_known_ids(registry, manifest, caller, where):
    checklist_id, decided_by, result = choose(registry, imaging_docs(), workflow=caller, manifest_workflow=manifest)
    assert checklist_id is None and result.status == "needs_review"
    assert decided_by == ("manifest" if manifest else "caller")
    reason = result.problems[0].reason
    assert f"'{manifest or caller}'" in reason and where in reason
    for known in ("prior_auth_imaging", "prior_auth_infusion", "specialist_referral", "appeal",
                  "payer_correspondence"):
        assert known in reason


def test_needs_review_packet_still_reports_identity(registry):
    d = Docs()
    d.add("clinical_note", **PATIENT)
    from pipeline.model import Problem

    result = check_packet(registry, packet(), d.docs, [Problem(requirement="x", reason="dob differs")], None)
    assert result.status == "needs_review" and any(p.reason == "dob differs" for p in result.problems)
