"""User checklists: loaded from extra folders, applied, and rejected with file + line when malformed."""

from pathlib import Path
from textwrap import dedent

import pytest

from pipeline.checklists import check_packet, load_checklists
from pipeline.errors import IntakeError
from tests.checklists.builders import PATIENT, Docs, imaging_docs, packet

DME = """\
id: dme_order
version: "2.3"
description: Durable medical equipment order.
infer_order: 5
applies_when:
  - any_code_in: ["E0100-E9999"]
requires:
  - document: prescription
    signed: true
  - any_of: [clinical_note, discharge_summary]
    within_days: 30
fields:
  - field: member_id
  - field: cpt_codes
    min_items: 1
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(dedent(text))
    return path


def test_builtins_are_the_contract_five():
    registry = load_checklists([])
    assert registry.ids() == sorted(["prior_auth_imaging", "prior_auth_infusion", "specialist_referral",
                                     "appeal", "payer_correspondence"])
    assert all(c.version for c in registry.checklists.values())


def test_user_checklist_is_inferred_and_reports_its_version(tmp_path):
    write(tmp_path, "dme.yaml", DME)
    registry = load_checklists([str(tmp_path)])
    d = Docs()
    d.add("prescription", **PATIENT, member_id="Q1", cpt_codes=["E0601"], signature_present=True,
          document_date="2026-02-20")
    d.add("discharge_summary", **PATIENT, document_date="2026-02-15")
    result = check_packet(registry, packet(), d.docs, [], None)
    assert (result.id, result.version, result.status) == ("dme_order", "2.3", "complete")
    d.docs[1].fields["document_date"].value = "2025-12-01"
    result = check_packet(registry, packet(), d.docs, [], None)
    assert result.missing_documents == ["clinical_note"]  # the first alternative is named


def test_user_checklist_replaces_builtin_of_same_id(tmp_path):
    write(tmp_path, "imaging.yaml", """\
        id: prior_auth_imaging
        version: "9.0-local"
        description: Local imaging rules without the note.
        applies_when:
          - any_code_in: ["70010-79999"]
        infer_order: 40
        requires:
          - any_of: [prior_auth_request, referral_order]
    """)
    docs = imaging_docs()
    docs.docs.pop()  # no clinical note
    result = check_packet(load_checklists([str(tmp_path)]), packet(), docs.docs, [], None)
    assert (result.id, result.version, result.status) == ("prior_auth_imaging", "9.0-local", "complete")


@pytest.mark.parametrize("text, line, words", [
    (DME.replace("    signed: true", "    sigend: true"), 9, ["unknown key 'sigend'"]),
    (DME.replace("[clinical_note, discharge_summary]", "[clinical_note, op_note]"), 10, ["'op_note'"]),
    (DME.replace('version: "2.3"', "version: 2.3"), 2, ["version", "quoted"]),
    (DME.replace("E0100-E9999", "E0100-F9999"), 6, ["same letter"]),
    (DME.replace("  - field: member_id", "  - field: member_number"), 13, ["member_number"]),
    (DME.replace("  - document: prescription\n", "  - signed: true\n"), 8, ["exactly one of"]),
    (DME.replace("requires:", "requires: [\n"), 9, ["not valid YAML"]),
    (DME.replace("    within_days: 30", "    within_days: -3"), 11, ["greater than or equal to 0"]),
    ("- just\n- a list\n", 1, ["must be a mapping"]),
    (DME.replace("[clinical_note, discharge_summary]", "[clinical_note, {type: lab_result, within_dayz: 3}]"),
     10, ["any_of.1.within_dayz", "unknown key 'within_dayz'"]),
])
def test_malformed_checklist_names_file_line_and_problem(tmp_path, text, line, words):
    path = write(tmp_path, "dme.yaml", text)
    with pytest.raises(IntakeError) as caught:
        load_checklists([str(tmp_path)])
    message = str(caught.value)
    assert caught.value.code == "E_CHECKLIST"
    assert f"{path}:{line}:" in message, message
    for word in words:
        assert word in message, message


def test_missing_required_key_is_named(tmp_path):
    write(tmp_path, "x.yaml", 'id: x\nversion: "1"\n')
    with pytest.raises(IntakeError, match=r"x\.yaml:1: description: Field required"):
        load_checklists([str(tmp_path)])


def test_duplicate_ids_in_user_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a", "dme.yaml", DME)
    write(tmp_path / "b", "dme2.yml", DME)
    with pytest.raises(IntakeError, match="already defined") as caught:
        load_checklists([str(tmp_path / "a"), str(tmp_path / "b")])
    assert caught.value.code == "E_CHECKLIST_DUPLICATE"


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(IntakeError, match="does not exist") as caught:
        load_checklists([str(tmp_path / "nope")])
    assert caught.value.code == "E_CHECKLIST_DIR"
