"""The hand-written training pages: well formed, every type covered, and no evaluation page leaked in."""

import json
import re
from collections import Counter
from pathlib import Path

from models.labels import LABELS
from models.train import TrainOptions, text_rows

MODELS = Path(__file__).resolve().parents[2] / "models"


def _items(pattern: str) -> list[dict]:
    return [json.loads(line) for path in sorted(MODELS.glob(pattern)) for line in path.read_text().splitlines()
            if line.strip()]


def _long_lines(text: str) -> set[str]:
    return {re.sub(r"\W+", " ", line).strip().lower() for line in text.split("\n") if len(line.strip()) >= 30}


def test_written_pages_cover_every_type_with_unique_ids():
    items = _items("train_pages/*.jsonl")
    counts = Counter(item["type"] for item in items)
    assert set(counts) == set(LABELS), set(LABELS) ^ set(counts)
    assert min(counts.values()) >= 15
    assert len({item["id"] for item in items}) == len(items)
    assert all(item["text"].count("\n") >= 2 for item in items)


def test_training_reads_them_by_default():
    paths = TrainOptions().written_pages
    assert paths and all(Path(p).parent == MODELS / "train_pages" for p in paths)
    rows = text_rows(Path(paths[0]), "written")
    assert rows and rows[0]["method"] == "text_layer" and rows[0]["layout"].startswith("written/")
    assert len(rows[0]["features"]) == 9


def test_no_evaluation_page_is_in_the_training_pages():
    evaluation = _items("eval/*.jsonl")
    assert len(evaluation) >= 150
    eval_lines = set().union(*(_long_lines(item["text"]) for item in evaluation))
    for item in _items("train_pages/*.jsonl"):
        lines = _long_lines(item["text"])
        shared = lines & eval_lines
        assert len(shared) <= max(1, len(lines) // 4), (item["id"], sorted(shared)[:3])


def test_real_document_types_name_every_page_of_files_that_exist(shared_data):
    from pipeline.load import load_packet

    labels = json.loads((MODELS / "eval" / "real_pages.json").read_text())
    assert {t for item in labels.values() for t in item["types"]} <= set(LABELS)
    for source, item in labels.items():
        if source.endswith(".pdf"):  # images are one page; a PDF's types list names each of its pages
            packet = load_packet(shared_data / source)
            assert packet.error is None and len(packet.page_sources) == len(item["types"]), source
        else:
            assert (shared_data / source).is_file(), source
