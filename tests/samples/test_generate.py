"""The synthetic packet generator: determinism, coverage, renderings and truth consistency."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pymupdf
import pytest
from PIL import Image

from pipeline.model import CHECKLIST_IDS, DOC_TYPES
from samples.content import make_npi, npi_check_digit, npi_is_valid
from samples.generate import generate
from samples.truth import evaluate, infer_workflow

N = 16
SEED = 11


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    generate(N, SEED, out, workers=2)
    return out


def _truths(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "truth").glob("*.json"))]


def _files(out: Path, truth: dict) -> list[Path]:
    src = out / "packets" / truth["source"]
    if src.is_file():
        return [src]
    return sorted(p for p in src.iterdir() if p.name != "manifest.json")


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(path).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


def test_npi_check_digit_follows_luhn_with_80840_prefix():
    assert npi_is_valid("1234567893")  # the CMS example NPI
    assert not npi_is_valid("1234567890")
    assert npi_check_digit("123456789") == 3
    import random
    rng = random.Random(1)
    assert all(npi_is_valid(make_npi(rng)) for _ in range(50))
    assert not any(npi_is_valid(make_npi(rng, valid=False)) for _ in range(50))


def test_same_seed_gives_same_files_and_truth(generated, tmp_path):
    again = tmp_path / "again"
    generate(5, SEED, again)  # the plan of packet i depends only on i and the seed
    for t in _truths(again):
        first = json.loads((generated / "truth" / f"{t['packet_id']}.json").read_text())
        assert t == first
        a, b = again / "packets" / t["source"], generated / "packets" / t["source"]
        if a.is_file():
            assert a.read_bytes() == b.read_bytes(), t["source"]
        else:
            assert _digest(a) == _digest(b), t["source"]


def test_every_packet_has_truth_matching_its_pages(generated):
    truths = _truths(generated)
    assert len(truths) == N
    assert len(list((generated / "packets").iterdir())) == N
    for t in truths:
        pages = 0
        for f in _files(generated, t):
            if f.suffix == ".pdf":
                pages += pymupdf.open(f).page_count
            elif f.suffix == ".tif":
                pages += Image.open(f).n_frames
            else:
                pages += 1
        assert pages == t["page_count"] == len(t["pages"]), t["packet_id"]
        assert [p["page"] for p in t["pages"]] == list(range(1, pages + 1))
        covered = sorted(p for d in t["documents"] for p in d["pages"])
        assert covered == list(range(1, pages + 1)), t["packet_id"]
        for d in t["documents"]:
            assert d["type"] in DOC_TYPES
            assert d["layout"].startswith(d["type"] + "/")
            for name, value in d["fields"].items():
                if name.endswith("_date") or name == "patient_dob":
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (name, value)
                if name in ("cpt_codes", "icd10_codes"):
                    assert isinstance(value, list) and value
                if name == "signature_present":
                    assert isinstance(value, bool)
                if name in ("fax_from", "fax_to"):
                    assert re.fullmatch(r"\d{10}", value)


def test_truth_checklist_follows_the_contract_rules(generated):
    for t in _truths(generated):
        docs = t["documents"]
        if t["workflow_source"] == "inferred":
            assert infer_workflow(docs) == t["workflow"]
        if t["workflow"] is None:
            assert t["checklist"] == {"id": None, "status": "needs_review", "missing_documents": [], "problems": []}
            continue
        from datetime import date
        assert t["checklist"] == evaluate(t["workflow"], docs, date.fromisoformat(t["service_date"]))
        # a packet made wrong on purpose is incomplete; one made right is complete
        expected = "incomplete" if t["defects"] else "complete"
        assert t["checklist"]["status"] == expected, (t["packet_id"], t["defects"], t["checklist"])
        if "bad_npi_check_digit" in t["defects"]:
            npis = [d["fields"]["ordering_provider_npi"] for d in docs if "ordering_provider_npi" in d["fields"]]
            assert npis and not any(npi_is_valid(n) for n in npis)


def test_evaluate_names_the_first_of_two_alternatives_and_checks_windows():
    note_old = {"type": "clinical_note", "pages": [2], "patient": "p1",
                "fields": {"document_date": "2026-01-01", "patient_name": "A B", "patient_dob": "1960-01-01"}}
    card = {"type": "insurance_card", "pages": [3], "patient": "p1", "fields": {"member_id": "X1"}}
    result = evaluate("prior_auth_imaging", [note_old, card], date_("2026-06-01"))
    assert result["status"] == "incomplete"
    assert result["missing_documents"] == ["prior_auth_request", "clinical_note"]
    fresh = dict(note_old, fields=dict(note_old["fields"], document_date="2026-05-01"))
    result = evaluate("prior_auth_imaging", [fresh, card], date_("2026-06-01"))
    assert result["missing_documents"] == ["prior_auth_request"]


def date_(s: str):
    from datetime import date
    return date.fromisoformat(s)


def test_fax_tiffs_are_group4_bilevel_at_fax_resolutions(generated):
    tiffs = [f for t in _truths(generated) for f in _files(generated, t) if f.suffix == ".tif"]
    assert tiffs
    for f in tiffs:
        im = Image.open(f)
        for i in range(im.n_frames):
            im.seek(i)
            assert im.mode == "1"
            assert im.info["compression"] == "group4"
            assert im.tag_v2[262] == 0  # WhiteIsZero, as fax servers write
            xdpi, ydpi = im.info["dpi"]
            assert xdpi == 204 and ydpi in (98, 196)
            assert im.size[0] == 1728


def test_scanned_pdfs_have_no_text_layer_and_born_digital_ones_do(generated):
    seen = set()
    for t in _truths(generated):
        if t["rendering"] not in ("scanned", "born_digital"):
            continue
        f = _files(generated, t)[0]
        text = "".join(p.get_text() for p in pymupdf.open(f))
        if t["rendering"] == "scanned":
            assert text.strip() == "", t["packet_id"]
        else:
            assert len(text) > 200, t["packet_id"]
        seen.add(t["rendering"])
    assert seen == {"scanned", "born_digital"}


def test_born_digital_text_prints_the_truth_fields(generated):
    checked = 0
    for t in _truths(generated):
        for f in _files(generated, t):
            if f.suffix != ".pdf":
                continue
            texts = [p.get_text() for p in pymupdf.open(f)]
            if not "".join(texts).strip():
                break
            for d in t["documents"]:
                if d["type"] == "insurance_card" or t["source"] != f.name:
                    continue
                flat = re.sub(r"\s+", "", " ".join(texts[p - 1] for p in d["pages"])).upper()
                for key in ("member_id", "ordering_provider_npi", "auth_number"):
                    if key in d["fields"]:
                        assert d["fields"][key].upper() in flat, (t["packet_id"], key)
                        checked += 1
                for code in d["fields"].get("cpt_codes", []) + d["fields"].get("icd10_codes", []):
                    assert code in flat, (t["packet_id"], code)
                    checked += 1
    assert checked > 10


def test_sizes_stay_small(generated):
    for t in _truths(generated):
        size = sum(f.stat().st_size for f in _files(generated, t))
        assert size < 3_000_000, (t["packet_id"], size)


# --------------------------------------------------------------------------- the committed set

COMMITTED = Path(__file__).resolve().parents[2] / "samples"


@pytest.mark.skipif(not (COMMITTED / "truth").is_dir(), reason="committed sample set not generated yet")
def test_committed_set_covers_every_type_checklist_and_rendering():
    truths = [json.loads(p.read_text()) for p in sorted((COMMITTED / "truth").glob("*.json"))]
    assert len(truths) >= 20
    types = {d["type"] for t in truths for d in t["documents"]}
    assert types == set(DOC_TYPES)
    assert {t["workflow"] for t in truths} >= set(CHECKLIST_IDS) | {None}
    assert {t["rendering"] for t in truths} == {"born_digital", "scanned", "fax", "photo", "mixed"}
    statuses = [t["checklist"]["status"] for t in truths]
    assert statuses.count("complete") >= 6 and statuses.count("incomplete") >= 6
    for t in truths:
        assert (COMMITTED / "packets" / t["source"]).exists(), t["source"]
    size = sum(p.stat().st_size for p in (COMMITTED / "packets").rglob("*") if p.is_file())
    assert size < 15_000_000


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_modest_plan_covers_every_checklist_and_document_type(seed):
    from samples.content import ContentFactory
    from samples.generate import _case, compose, plan_packets

    plans = plan_packets(28, seed)
    assert {p.workflow for p in plans} == set(CHECKLIST_IDS) | {None}
    with_defect = sum(1 for p in plans if p.defect)
    complete = sum(1 for p in plans if p.workflow and not p.defect)
    assert abs(with_defect - complete) <= 4  # about equal shares
    types = set()
    for plan in plans:
        cf = ContentFactory(plan.seed)
        types |= {d.type for d in compose(plan, _case(plan, cf), cf.rng)}
    assert types | {"fax_cover_sheet"} == set(DOC_TYPES)  # covers are added when the packet is built


def test_no_document_is_dated_after_the_packet_was_received(generated):
    """Notes and labs are written before a packet is sent: every printed document date is on or
    before received_at (in the generated set and the committed one)."""
    committed = Path(__file__).resolve().parents[2] / "samples"
    for t in _truths(generated) + _truths(committed):
        received = t["received_at"][:10]
        for d in t["documents"]:
            dated = d["fields"].get("document_date")
            assert dated is None or dated <= received, (t["packet_id"], d["type"], dated, received)
