"""The scorer: truth fed back scores 1.0; each kind of mistake lowers exactly its metric."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from pipeline.cli import main as intakeiq
from samples.score import (
    Truth,
    format_scores,
    match_documents,
    normal_form,
    score_dirs,
    values_equal,
)

REPO = Path(__file__).resolve().parents[2]

FAX_PACKET = {
    "packet_id": "T-FAX-1", "source": "T-FAX-1.tif", "rendering": "fax", "seed": 1,
    "workflow": "prior_auth_imaging", "workflow_source": "manifest",
    "checklist": {"id": "prior_auth_imaging", "status": "complete", "missing_documents": []},
    "defects": [],
    "pages": [
        {"page": 1, "type": "fax_cover_sheet", "layout": "fax_cover_sheet/v1", "doc": 1},
        {"page": 2, "type": "referral_order", "layout": "referral_order/v2", "doc": 2},
        {"page": 3, "type": "referral_order", "layout": "referral_order/v2", "doc": 2},
        {"page": 4, "type": "clinical_note", "layout": "clinical_note/v1", "doc": 3},
    ],
    "documents": [
        {"type": "fax_cover_sheet", "pages": [1], "layout": "fax_cover_sheet/v1", "patient": "p1",
         "fields": {"fax_from": "5551234567", "fax_to": "5559876543", "page_count": 4}},
        {"type": "referral_order", "pages": [2, 3], "layout": "referral_order/v2", "patient": "p1",
         "fields": {"patient_name": "Maria L Gonzalez", "patient_dob": "1961-03-14",
                    "ordering_provider_npi": "1234567893", "cpt_codes": ["70551"],
                    "icd10_codes": ["G43.909", "R51.9"], "signature_present": True}},
        {"type": "clinical_note", "pages": [4], "layout": "clinical_note/v1", "patient": "p1",
         "fields": {"patient_name": "Maria L Gonzalez", "document_date": "2026-10-02"}},
    ],
}

BORN_DIGITAL_PACKET = {
    "packet_id": "T-BD-1", "source": "T-BD-1.pdf", "rendering": "born_digital", "seed": 2,
    "workflow": "appeal", "workflow_source": "inferred",
    "checklist": {"id": "appeal", "status": "incomplete", "missing_documents": ["clinical_note"]},
    "defects": ["missing_clinical_note"],
    "pages": [
        {"page": 1, "type": "insurance_card", "layout": "insurance_card/v1", "doc": 1},
        {"page": 2, "type": "payer_determination", "layout": "payer_determination/v3", "doc": 2},
        {"page": 3, "type": "medical_necessity_letter", "layout": "medical_necessity_letter/v1", "doc": 3},
    ],
    "documents": [
        {"type": "insurance_card", "pages": [1], "layout": "insurance_card/v1", "patient": "p1",
         "fields": {"member_id": "XJH123456789", "payer_name": "Blue Ridge Health",
                    "group_number": "GRP-0042"}},
        {"type": "payer_determination", "pages": [2], "layout": "payer_determination/v3",
         "patient": "p1",
         "fields": {"determination": "denied", "auth_number": "A-998877",
                    "member_id": "XJH123456789"}},
        {"type": "medical_necessity_letter", "pages": [3], "layout": "medical_necessity_letter/v1",
         "patient": "p1",
         "fields": {"patient_name": "Tomas Berg", "document_date": "2026-11-01"}},
    ],
}
TRUTHS = [FAX_PACKET, BORN_DIGITAL_PACKET]
TRUE_FIELDS = 11 + 8
TRUE_BOUNDARIES = 2 + 2
TRUE_PAGES = 4 + 3


def report_from_truth(truth: dict) -> dict:
    """A report.json-shaped prediction that says exactly what the truth says."""
    pid = truth["packet_id"]
    documents = []
    for n, doc in enumerate(truth["documents"], 1):
        fields = {name: {"value": value, "confidence": 1.0, "page": doc["pages"][0],
                         "bbox": [0.0, 0.0, 10.0, 10.0], "text": str(value), "valid": True}
                  for name, value in doc["fields"].items()}
        documents.append({"doc_id": f"{pid}-d{n}", "type": doc["type"], "confidence": 1.0,
                          "pages": doc["pages"], "fields": fields})
    check = truth["checklist"]
    return {
        "schema_version": "1.0", "packet_id": pid, "status": "processed",
        "source": {"uri": f"file:///{truth['source']}", "sha256": "0" * 64, "files": [truth["source"]]},
        "page_count": len(truth["pages"]),
        "pages": [{"page": p["page"], "method": "ocr", "ocr_confidence": 0.9, "width": 612,
                   "height": 792, "type": p["type"], "type_confidence": 1.0} for p in truth["pages"]],
        "documents": documents,
        "checklist": {"id": check["id"], "version": "1", "status": check["status"],
                      "missing_documents": check["missing_documents"], "problems": []},
        "priority": {"score": 0, "reasons": []},
        "review": {"required": False, "reasons": []},
    }


def write_case(root: Path, truths: list[dict], reports: dict[str, dict | None]) -> tuple[Path, Path]:
    """root/truth/<id>.json and root/out/<id>/report.json (None: no report written)."""
    truth_dir, pred_dir = root / "truth", root / "out"
    truth_dir.mkdir(parents=True)
    pred_dir.mkdir()
    for truth in truths:
        (truth_dir / f"{truth['packet_id']}.json").write_text(json.dumps(truth))
    for pid, report in reports.items():
        if report is not None:
            (pred_dir / pid).mkdir()
            (pred_dir / pid / "report.json").write_text(json.dumps(report))
    return truth_dir, pred_dir


def perfect_reports(truths: list[dict] = TRUTHS) -> dict[str, dict]:
    return {t["packet_id"]: report_from_truth(t) for t in truths}


def assert_perfect(group) -> None:
    assert group.failed == 0 and group.missing_reports == 0
    assert group.page_type.value == 1.0
    assert (group.boundaries.precision, group.boundaries.recall, group.boundaries.f1) == (1.0, 1.0, 1.0)
    assert group.doc_type_macro_f1 == 1.0
    fields = group.fields_overall
    assert (fields.precision, fields.recall, fields.f1) == (1.0, 1.0, 1.0)
    assert all(prf.f1 == 1.0 for prf in group.fields.values())
    assert group.checklist_id.value == group.checklist_status.value == 1.0
    assert group.missing_documents.value == 1.0


def test_truth_fed_back_scores_one_everywhere(tmp_path):
    truth_dir, pred_dir = write_case(tmp_path, TRUTHS, perfect_reports())
    scores = score_dirs(truth_dir, pred_dir)
    assert list(scores.groups) == ["overall", "born_digital", "fax"]
    for group in scores.groups.values():
        assert_perfect(group)
    overall = scores.overall
    assert overall.packets == 2
    assert overall.page_type.total == TRUE_PAGES
    assert overall.boundaries.tp == TRUE_BOUNDARIES
    assert overall.fields_overall.tp == TRUE_FIELDS
    assert scores.mismatches() == []
    table = format_scores(scores)
    assert "page type accuracy" in table and "member_id" in table


def test_normal_forms_ignore_case_spacing_and_list_order(tmp_path):
    reports = perfect_reports()
    fields = reports["T-FAX-1"]["documents"][1]["fields"]
    fields["patient_name"]["value"] = "  MARIA   l gonzalez "
    fields["icd10_codes"]["value"] = ["r51.9", "G43.909", "G43.909"]
    fields["signature_present"]["valid"] = False  # invalid still counts as predicted
    fields["signature_present"]["reason"] = "test"
    truth_dir, pred_dir = write_case(tmp_path, TRUTHS, reports)
    assert_perfect(score_dirs(truth_dir, pred_dir).overall)


def test_value_forms_are_strict_about_types():
    assert values_equal(True, True) and not values_equal(True, 1) and not values_equal(4, "4")
    assert values_equal(["A", "b"], ["B", "a"]) and not values_equal(["A"], ["A", "B"])
    assert normal_form("") is None and normal_form([]) is None and normal_form(None) is None


def test_wrong_page_type_lowers_only_page_accuracy(tmp_path):
    reports = perfect_reports()
    reports["T-FAX-1"]["pages"][3]["type"] = "lab_result"
    truth_dir, pred_dir = write_case(tmp_path, TRUTHS, reports)
    scores = score_dirs(truth_dir, pred_dir)
    assert scores.overall.page_type.correct == TRUE_PAGES - 1
    assert scores.overall.page_type.value == pytest.approx(6 / 7)
    assert scores.groups["fax"].page_type.value == pytest.approx(3 / 4)
    assert scores.groups["born_digital"].page_type.value == 1.0
    assert scores.overall.doc_type_macro_f1 == 1.0 and scores.overall.fields_overall.f1 == 1.0
    [m] = scores.mismatches()
    assert (m.packet_id, m.kind, m.where, m.expected, m.got) == ("T-FAX-1", "page_type", "p4",
                                                                 "clinical_note", "lab_result")


def test_page_types_fall_back_to_documents(tmp_path):
    reports = perfect_reports()
    for report in reports.values():
        for page in report["pages"]:
            page["type"] = None
    reports["T-BD-1"]["documents"][2]["type"] = "other"
    truth_dir, pred_dir = write_case(tmp_path, TRUTHS, reports)
    overall = score_dirs(truth_dir, pred_dir).overall
    assert overall.page_type.correct == TRUE_PAGES - 1
    # medical_necessity_letter missed (F1 0) and other predicted wrongly (F1 0): 5 of 7 types right.
    assert overall.doc_types["other"].fp == 1 and overall.doc_types["medical_necessity_letter"].fn == 1
    assert overall.doc_type_macro_f1 == pytest.approx(5 / 7)


def test_merged_document_drops_boundary_recall_and_loses_its_fields(tmp_path):
    reports = perfect_reports()
    docs = reports["T-FAX-1"]["documents"]
    docs[1]["pages"] = [2, 3, 4]  # the clinical note is swallowed by the referral
    del docs[2]
    truth_dir, pred_dir = write_case(tmp_path, TRUTHS, reports)
    overall = score_dirs(truth_dir, pred_dir).overall
    assert overall.boundaries.precision == 1.0
    assert overall.boundaries.recall == pytest.approx(3 / 4)
    assert overall.page_type.value == 1.0
    assert overall.doc_types["clinical_note"].fn == 1
    assert overall.doc_type_macro_f1 == pytest.approx(5 / 6)
    assert overall.fields_overall.precision == 1.0
    assert overall.fields_overall.recall == pytest.approx((TRUE_FIELDS - 2) / TRUE_FIELDS)


def test_split_document_adds_a_false_boundary_and_false_fields(tmp_path):
    reports = perfect_reports()
    docs = reports["T-FAX-1"]["documents"]
    extra = copy.deepcopy(docs[1])
    docs[1]["pages"], extra["pages"], extra["doc_id"] = [2], [3], "T-FAX-1-d9"
    docs.insert(2, extra)
    truth_dir, pred_dir = write_case(tmp_path, TRUTHS, reports)
    overall = score_dirs(truth_dir, pred_dir).overall
    assert overall.boundaries.recall == 1.0
    assert overall.boundaries.precision == pytest.approx(4 / 5)
    assert overall.doc_types["referral_order"].fp == 1
    assert overall.fields_overall.recall == 1.0
    assert overall.fields_overall.fp == 6


def test_wrong_field_value_is_one_false_positive_and_one_miss(tmp_path):
    reports = perfect_reports()
    reports["T-BD-1"]["documents"][1]["fields"]["member_id"]["value"] = "XJH123456780"
    del reports["T-FAX-1"]["documents"][0]["fields"]["page_count"]
    truth_dir, pred_dir = write_case(tmp_path, TRUTHS, reports)
    scores = score_dirs(truth_dir, pred_dir)
    member = scores.overall.fields["member_id"]
    assert (member.tp, member.fp, member.fn) == (1, 1, 1)
    assert scores.overall.fields["page_count"].recall == 0.0
    total = scores.overall.fields_overall
    assert total.precision == pytest.approx((TRUE_FIELDS - 2) / (TRUE_FIELDS - 1))
    assert total.recall == pytest.approx((TRUE_FIELDS - 2) / TRUE_FIELDS)
    assert scores.groups["fax"].fields_overall.precision == 1.0
    wheres = {m.where for m in scores.mismatches()}
    assert wheres == {"d2 payer_determination p2 member_id", "d1 fax_cover_sheet p1 page_count"}


def test_wrong_checklist_status_and_missing_documents(tmp_path):
    reports = perfect_reports()
    reports["T-BD-1"]["checklist"]["status"] = "complete"
    reports["T-FAX-1"]["checklist"]["missing_documents"] = ["clinical_note"]
    truth_dir, pred_dir = write_case(tmp_path, TRUTHS, reports)
    overall = score_dirs(truth_dir, pred_dir).overall
    assert overall.checklist_id.value == 1.0
    assert overall.checklist_status.value == 0.5
    assert overall.missing_documents.value == 0.5
    assert overall.fields_overall.f1 == 1.0


def test_missing_report_counts_as_all_wrong(tmp_path):
    reports: dict[str, dict | None] = dict(perfect_reports())
    reports["T-BD-1"] = None
    truth_dir, pred_dir = write_case(tmp_path, TRUTHS, reports)
    scores = score_dirs(truth_dir, pred_dir)
    overall, bd = scores.overall, scores.groups["born_digital"]
    assert overall.packets == 2 and overall.missing_reports == 1 and bd.missing_reports == 1
    assert overall.page_type.value == pytest.approx(4 / 7)
    assert overall.boundaries.recall == pytest.approx(2 / 4) and overall.boundaries.precision == 1.0
    assert overall.fields_overall.recall == pytest.approx(11 / TRUE_FIELDS)
    assert overall.checklist_id.value == overall.checklist_status.value == 0.5
    assert bd.page_type.value == 0.0 and bd.fields_overall.recall == 0.0 and bd.doc_type_macro_f1 == 0.0
    assert_perfect(scores.groups["fax"])


def test_failed_and_unparsable_reports_are_counted(tmp_path):
    reports = perfect_reports()
    failed = reports["T-BD-1"]
    failed.update(status="failed", error={"code": "E_ENCRYPTED", "message": "encrypted"},
                  pages=[], documents=[], checklist=None, page_count=0)
    reports["T-FAX-1"]["unexpected_key"] = 1
    truth_dir, pred_dir = write_case(tmp_path, TRUTHS, reports)
    scores = score_dirs(truth_dir, pred_dir)
    assert scores.overall.failed == 1 and scores.overall.missing_reports == 1
    assert scores.overall.page_type.value == 0.0
    assert {(p.packet_id, p.report) for p in scores.packets} == {("T-BD-1", "failed"),
                                                                ("T-FAX-1", "invalid")}


def test_matching_is_one_to_one_by_best_overlap():
    truth = [{1, 2}, {3}, {4, 5}]
    pred = [{1, 2, 3}, {4}, {5}]
    assert match_documents(truth, pred) == [(0, 0, pytest.approx(2 / 3)), (2, 1, 0.5)]


def test_cli_accepts_a_parent_folder_and_prints_json(tmp_path, capsys):
    write_case(tmp_path, TRUTHS, perfect_reports())
    assert intakeiq(["eval", "--truth", str(tmp_path), "--pred", str(tmp_path / "out"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["groups"]["overall"]["fields_overall"]["f1"] == 1.0
    assert data["groups"]["overall"]["doc_type_macro_f1"] == 1.0
    assert intakeiq(["eval", "--truth", str(tmp_path / "truth"), "--pred", str(tmp_path / "out")]) == 0
    assert "boundary F1" in capsys.readouterr().out


def test_cli_names_a_missing_truth_folder(tmp_path, capsys):
    assert intakeiq(["eval", "--truth", str(tmp_path / "nope"), "--pred", str(tmp_path)]) == 2
    assert "E_EVAL_TRUTH" in capsys.readouterr().err


def test_committed_samples_fed_back_score_one(tmp_path):
    truth_dir = REPO / "samples" / "truth"
    files = sorted(truth_dir.glob("*.json")) if truth_dir.is_dir() else []
    if not files:
        pytest.skip("samples/truth has no committed ground truth yet")
    truths = [json.loads(f.read_text()) for f in files]
    for truth in truths:
        Truth.model_validate(truth)
    pred_dir = tmp_path / "out"
    for truth in truths:
        (pred_dir / truth["packet_id"]).mkdir(parents=True)
        (pred_dir / truth["packet_id"] / "report.json").write_text(json.dumps(report_from_truth(truth)))
    scores = score_dirs(truth_dir, pred_dir)
    assert scores.overall.packets == len(files)
    for group in scores.groups.values():
        assert_perfect(group)


def test_eval_pipeline_scores_an_existing_work_folder(tmp_path, capsys):
    from bench.eval_pipeline import main as eval_pipeline

    reports: dict[str, dict | None] = dict(perfect_reports())
    reports["T-FAX-1"]["documents"][1]["fields"]["cpt_codes"]["value"] = ["70553"]  # type: ignore[index]
    reports["T-BD-1"] = None
    write_case(tmp_path, TRUTHS, reports)
    assert eval_pipeline(["--out", str(tmp_path), "--skip-generate", "--skip-process"]) == 0
    printed = capsys.readouterr().out
    assert "T-FAX-1 [fax] d2 referral_order p2-3 cpt_codes: expected ['70551'], got ['70553']" in printed
    assert "T-BD-1 [born_digital] report.json: expected 'processed', got 'missing'" in printed
    assert "T-BD-1 [born_digital] p1" not in printed  # no noise from the packet with no report
    assert json.loads((tmp_path / "scores.json").read_text())["groups"]["overall"]["packets"] == 2


def test_field_counts_are_kept_per_document_type(tmp_path):
    reports = perfect_reports()
    reports["T-BD-1"]["documents"][1]["fields"]["member_id"]["value"] = "WRONG"
    truth_dir, pred_dir = write_case(tmp_path, TRUTHS, reports)
    by_type = score_dirs(truth_dir, pred_dir).overall.fields_by_type
    assert (by_type["payer_determination.member_id"].fp, by_type["payer_determination.member_id"].fn) == (1, 1)
    assert by_type["insurance_card.member_id"].f1 == 1.0
    assert sum(prf.tp for prf in by_type.values()) == TRUE_FIELDS - 1
