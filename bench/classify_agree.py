"""CPU and CUDA agree: the page classifier run on the same pages on each device.

    python -m bench.classify_agree PAGES... [--devices cpu,cuda] [--repeat 5] [--out FILE]

PAGES are page-model JSON files (`intakeiq read FILE > FILE.json`) or folders of them. The same
code predicts every page once per device (``ClassifierOptions.device`` is the only difference).
It prints one JSON line: how many page types agree with the first device, the largest difference
in calibrated confidence and in raw logits, and each device's throughput on these pages (best of
``--repeat`` timed passes after a warm-up). ``--out`` writes every page's prediction per device,
to compare runs made on different machines.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from pipeline.model import Page


def load_pages(paths: list[str]) -> list[tuple[str, Page]]:
    """(name, page) for every page in the given page-model JSON files or folders, in name order."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    pages = []
    for file in files:
        for raw in json.loads(file.read_text())["pages"]:
            page = Page.model_validate(raw)
            pages.append((f"{file.stem}#{page.page}", page))
    return pages


def run_device(device: str, pages: list[Page], repeat: int) -> dict:
    from models.classifier import ClassifierOptions, get_classifier, layout_features, page_text

    classifier = get_classifier(ClassifierOptions(device=device))
    readable = [p for p in pages if p.error is None and p.lines]
    texts, layout = [page_text(p) for p in readable], [layout_features(p) for p in readable]
    logits = classifier.logits(texts, layout)  # also the warm-up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        predictions = classifier.predict(pages)
        best = min(best, time.perf_counter() - t0)
    return {"device": classifier.device, "model": classifier.version, "predictions": predictions,
            "logits": logits, "pages_per_s": round(len(pages) / best, 1)}


def compare(named: list[tuple[str, Page]], devices: list[str], repeat: int) -> tuple[dict, dict]:
    pages = [page for _, page in named]
    runs = [run_device(device, pages, repeat) for device in devices]
    first = runs[0]
    summary: dict = {"bench": "classify_agree", "pages": len(pages), "model": first["model"]}
    for run in runs:
        summary[f"{run['device']}_pages_per_s"] = run["pages_per_s"]
    for run in runs[1:]:
        pairs = list(zip(first["predictions"], run["predictions"]))
        summary[f"{run['device']}_types_agree"] = sum(a.type == b.type for a, b in pairs)
        summary[f"{run['device']}_max_conf_diff"] = round(max((abs(a.confidence - b.confidence) for a, b in pairs),
                                                              default=0.0), 6)
        summary[f"{run['device']}_max_logit_diff"] = round(float((first["logits"] - run["logits"]).abs().max()), 6)
    detail = {run["device"]: {name: [p.type, p.confidence] for (name, _), p in zip(named, run["predictions"])}
              for run in runs}
    return summary, detail


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", help="page-model JSON files or folders of them")
    parser.add_argument("--devices", default="cpu,cuda", help="comma-separated; the first is the reference")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", help="write every page's prediction per device here (JSON)")
    args = parser.parse_args(argv)
    summary, detail = compare(load_pages(args.pages), args.devices.split(","), args.repeat)
    if args.out:
        Path(args.out).write_text(json.dumps(detail, indent=1))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
