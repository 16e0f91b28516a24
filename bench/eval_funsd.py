"""FUNSD evaluation: OCR word recall and key-value link quality on the 50 FUNSD test forms.

    python -m bench.eval_funsd [--limit N]

(a) OCR word recall: the share of FUNSD's ground-truth words found by our reader, and by raw
    ``tesseract IMAGE stdout --psm 3`` on the same images (multiset match of tokens; "exact" is
    case-sensitive, "normalised" lower-cases and strips punctuation).
(b) Key-value links: our key-value pairs against FUNSD's question->answer links. A predicted
    pair matches a gold link when its key box matches the question's box and its value box
    matches the answer's box (IoU >= 0.3, or the predicted box's centre inside the gold box);
    each gold link and each prediction is matched at most once.

Reads ../shared/data/funsd; prints a table; writes nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FUNSD_TEST = REPO.parent / "shared" / "data" / "funsd" / "dataset" / "testing_data"

Box = tuple[float, float, float, float]


@dataclass
class Gold:
    words: list[str]
    links: list[tuple[Box, Box]]  # (question box, answer box) in pixels
    single: list[bool]  # the question has this one answer only (not a table header over a column)


@dataclass
class Predicted:
    words: list[str]
    pairs: list[tuple[Box, Box]]  # (key box, value box) in pixels
    seconds: float


@dataclass
class Totals:
    gold_words: int = 0
    ours_exact: int = 0
    ours_norm: int = 0
    raw_exact: int = 0
    raw_norm: int = 0
    gold_links: int = 0
    predicted_pairs: int = 0
    matched_pairs: int = 0
    gold_single: int = 0
    matched_single: int = 0
    seconds_ours: float = 0.0
    seconds_raw: float = 0.0
    forms: int = 0
    

# --------------------------------------------------------------------------- ground truth


def load_gold(annotation: Path) -> Gold:
    form = json.loads(annotation.read_text())["form"]
    by_id = {e["id"]: e for e in form}
    words = [tok for e in form for w in e["words"] for tok in w["text"].split()]
    links: set[tuple[int, int]] = set()
    for e in form:
        for a, b in e.get("linking", []):
            if a in by_id and b in by_id and by_id[a]["label"] == "question" and by_id[b]["label"] == "answer":
                links.add((a, b))
    answers = Counter(a for a, _ in links)
    ordered = sorted(links)
    return Gold(
        words=words,
        links=[(tuple(by_id[a]["box"]), tuple(by_id[b]["box"])) for a, b in ordered],
        single=[answers[a] == 1 for a, _ in ordered],
    )


# --------------------------------------------------------------------------- readers


def _pages_with_pipeline(images: list[Path]):
    """Our reader: one folder-like run per image through pipeline.load + pipeline.read."""
    from pipeline.load import load_packet
    from pipeline.read import read_pages

    for image in images:
        t0 = time.perf_counter()
        packet = load_packet(image)
        if packet.error:
            raise RuntimeError(f"reader could not load {image.name}: {packet.error.code}")
        pages = list(read_pages(packet, progress=False))
        yield image, pages[0], time.perf_counter() - t0


def raw_tesseract_words(image: Path) -> tuple[list[str], float]:
    t0 = time.perf_counter()
    out = subprocess.run(
        ["tesseract", str(image), "stdout", "--psm", "3"],
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        check=False,
    )
    return out.stdout.split(), time.perf_counter() - t0


# --------------------------------------------------------------------------- scoring


def _normalise(token: str) -> str:
    return re.sub(r"[^\w]", "", token.lower())


def recall_counts(gold: list[str], found: list[str]) -> tuple[int, int]:
    """(exact matches, normalised matches) of gold tokens, as multisets."""
    exact = sum((Counter(gold) & Counter(found)).values())
    g = Counter(t for t in map(_normalise, gold) if t)
    f = Counter(t for t in map(_normalise, found) if t)
    return exact, sum((g & f).values())


def _iou(a: Box, b: Box) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def box_matches(pred: Box, gold: Box, pad: float = 3.0) -> bool:
    cx, cy = (pred[0] + pred[2]) / 2, (pred[1] + pred[3]) / 2
    inside = gold[0] - pad <= cx <= gold[2] + pad and gold[1] - pad <= cy <= gold[3] + pad
    return inside or _iou(pred, gold) >= 0.3


def match_links(pairs: list[tuple[Box, Box]], links: list[tuple[Box, Box]]) -> set[int]:
    """Indexes of the gold links matched, each by one predicted pair at most."""
    used: set[int] = set()
    for key, value in pairs:
        for j, (question, answer) in enumerate(links):
            if j not in used and box_matches(key, question) and box_matches(value, answer):
                used.add(j)
                break
    return used


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _to_pixels(box, scale: float) -> Box:
    return (box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="Evaluate only the first N forms")
    parser.add_argument("--no-raw", action="store_true", help="Skip the raw tesseract baseline")
    parser.add_argument("--verbose", action="store_true", help="Print one line per form")
    args = parser.parse_args(argv)

    images_dir, annotations_dir = FUNSD_TEST / "images", FUNSD_TEST / "annotations"
    if not images_dir.is_dir() or not annotations_dir.is_dir():
        print(f"FUNSD test data not found at {FUNSD_TEST}; nothing to evaluate (skipped).")
        return 0
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    images = sorted(images_dir.glob("*.png"))
    if args.limit:
        images = images[: args.limit]

    reader_name = "pipeline.read (load_packet + read_pages)"
    pages = _pages_with_pipeline(images)

    import cv2

    t = Totals()
    for image_path, page, seconds in pages:
        gold = load_gold(annotations_dir / f"{image_path.stem}.json")
        width_px = cv2.imread(str(image_path), cv2.IMREAD_GRAYSCALE).shape[1]
        scale = width_px / page.width
        ours = [tok for w in page.words for tok in w.text.split()]
        exact, norm = recall_counts(gold.words, ours)
        t.gold_words += len(gold.words)
        t.ours_exact += exact
        t.ours_norm += norm
        t.seconds_ours += seconds
        if not args.no_raw:
            raw, raw_seconds = raw_tesseract_words(image_path)
            raw_exact, raw_norm = recall_counts(gold.words, raw)
            t.raw_exact += raw_exact
            t.raw_norm += raw_norm
            t.seconds_raw += raw_seconds
        pairs = [(_to_pixels(kv.key.bbox, scale), _to_pixels(kv.value.bbox, scale)) for kv in page.key_values]
        hits = match_links(pairs, gold.links)
        matched = len(hits)
        t.gold_single += sum(gold.single)
        t.matched_single += sum(1 for j in hits if gold.single[j])
        t.gold_links += len(gold.links)
        t.predicted_pairs += len(pairs)
        t.matched_pairs += matched
        t.forms += 1
        if args.verbose:
            print(f"{image_path.stem:>16}  words {exact:4d}/{len(gold.words):4d}  "
                  f"links {matched:3d} matched of {len(gold.links):3d} gold, {len(pairs):3d} predicted",
                  flush=True)

    precision = _ratio(t.matched_pairs, t.predicted_pairs)
    recall = _ratio(t.matched_pairs, t.gold_links)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"\nFUNSD test set: {t.forms} forms, {t.gold_words} ground-truth words, "
          f"{t.gold_links} question->answer links")
    print(f"reader: {reader_name}\n")
    print(f"{'OCR word recall':<34}{'exact':>10}{'normalised':>12}{'s/page':>9}")
    print(f"{'  intakeiq reader':<34}{_ratio(t.ours_exact, t.gold_words):>10.3f}"
          f"{_ratio(t.ours_norm, t.gold_words):>12.3f}{t.seconds_ours / max(1, t.forms):>9.2f}")
    if not args.no_raw:
        print(f"{'  tesseract IMAGE stdout --psm 3':<34}{_ratio(t.raw_exact, t.gold_words):>10.3f}"
              f"{_ratio(t.raw_norm, t.gold_words):>12.3f}{t.seconds_raw / max(1, t.forms):>9.2f}")
    print(f"\n{'Key-value links':<34}{'precision':>10}{'recall':>12}{'F1':>9}")
    print(f"{'  intakeiq key_values':<34}{precision:>10.3f}{recall:>12.3f}{f1:>9.3f}")
    print(f"  ({t.matched_pairs} matched; {t.predicted_pairs} predicted pairs; {t.gold_links} gold links)")
    print(f"  recall on one-answer questions (no table header -> column links): "
          f"{_ratio(t.matched_single, t.gold_single):.3f} ({t.matched_single}/{t.gold_single})")
    print("  (reader time includes layout analysis)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
