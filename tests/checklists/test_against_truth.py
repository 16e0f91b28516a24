"""The engine agrees with the sample generator's ground truth when extraction is perfect.

Each committed truth file's documents (types, pages, printed fields) are fed to check_packet
as if extracted exactly; checklist id, status and missing_documents must match the truth.
"""

import json
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.checklists import check_packet, load_checklists
from pipeline.identity import identity_problems
from pipeline.model import Document, Field, Manifest, Packet

TRUTH = Path(__file__).resolve().parents[2] / "samples" / "truth"
TRUTH_FILES = sorted(TRUTH.glob("*.json")) if TRUTH.is_dir() else []


def npi_ok(npi: str) -> bool:
    """Luhn over '80840' + the first nine digits (the NPI check digit)."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(c) for c in "80840" + npi[:9]]
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10 == int(npi[9])


def documents_of(truth: dict) -> list[Document]:
    docs = []
    for n, d in enumerate(truth["documents"], start=1):
        fields = {name: Field(value=value, confidence=1.0, page=d["pages"][0], bbox=(0, 0, 1, 1), text=str(value),
                              valid=npi_ok(str(value)) if name == "ordering_provider_npi" else True)
                  for name, value in d["fields"].items()}
        docs.append(Document(doc_id=f"{truth['packet_id']}-d{n}", type=d["type"], confidence=1.0,
                             pages=d["pages"], fields=fields))
    return docs


@pytest.mark.skipif(not TRUTH_FILES, reason="samples/truth has no ground truth yet")
@pytest.mark.parametrize("path", TRUTH_FILES, ids=lambda p: p.stem)
def test_engine_matches_ground_truth(path):
    truth = json.loads(path.read_text())
    received = datetime.fromisoformat(truth["received_at"].replace("Z", "+00:00"))
    packet = Packet(packet_id=truth["packet_id"], uri=str(path), manifest=Manifest(**(truth.get("manifest") or {})),
                    received_at=received)
    docs = documents_of(truth)
    result = check_packet(load_checklists([]), packet, docs, identity_problems(docs), None)
    want = truth["checklist"]
    assert (result.id, result.status) == (want["id"], want["status"]), [p.reason for p in result.problems]
    assert sorted(result.missing_documents) == sorted(want["missing_documents"])
