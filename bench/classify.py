"""Classification throughput: pages per second of the page classifier alone (text given).

    python -m bench.classify [--pages 256] [--device auto]

Pages are built in memory from typical intake wording (about 150-400 words each, the length of
a real form or note), so reading and OCR are not part of the number. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time

from pipeline.model import Line, Page

_SENTENCES = [
    "Patient presents with low back pain radiating to the left leg for six weeks.",
    "Requesting MRI lumbar spine without contrast, CPT 72148, diagnosis M54.16.",
    "Member ID XJH123456789 Group 40021 Plan PPO Gold.",
    "Hemoglobin A1c 6.1 % reference range 4.0-5.6 flag H.",
    "Impression: no acute intracranial abnormality.",
    "I authorize the release of my protected health information for treatment and payment.",
    "Your request for authorization has been approved for the dates of service listed.",
    "Amount billed 1,250.00 allowed 640.12 patient responsibility 40.00.",
    "Ordering provider NPI 1234567893 signature on file date 03/14/2025.",
    "Sig: take one tablet by mouth twice daily, dispense 60, refills 2.",
]


def make_pages(n: int, seed: int = 0) -> list[Page]:
    rng = random.Random(seed)
    pages = []
    for i in range(n):
        lines = [" ".join(rng.choice(_SENTENCES) for _ in range(2)) for _ in range(rng.randint(8, 20))]
        pages.append(Page(page=i + 1, width=612, height=792, method="text_layer",
                          lines=[Line(text=t, bbox=(72.0, 72.0 + 14 * k, 540.0, 84.0 + 14 * k))
                                 for k, t in enumerate(lines)]))
    return pages


def measure(pages: int = 256, device: str = "auto", batch_size: int = 32) -> dict:
    import torch

    from models.classifier import ClassifierOptions, get_classifier

    t0 = time.perf_counter()
    classifier = get_classifier(ClassifierOptions(device=device, batch_size=batch_size))
    load_s = time.perf_counter() - t0
    batch = make_pages(pages)
    classifier.predict(batch[: min(16, pages)])  # warm up
    t0, c0 = time.perf_counter(), time.process_time()
    predictions = classifier.predict(batch)
    seconds, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    return {
        "bench": "classify",
        "model": classifier.version,
        "device": classifier.device,
        "pages": len(predictions),
        "seconds": round(seconds, 3),
        "pages_per_s": round(len(predictions) / seconds, 1),
        # on a shared machine the wall-clock rate understates the model: CPU seconds show its cost
        "cpu_s": round(cpu_s, 3),
        "pages_per_cpu_s": round(len(predictions) / max(cpu_s, 1e-9), 1),
        "torch_threads": torch.get_num_threads(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "load_s": round(load_s, 2),
        "max_length": classifier.max_length,
    }


TITLE = "Page classifier: pages/s, model only (text given)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=256)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--batch-size", type=int, default=32)
    return parser


def run(args: list[str]) -> str:
    """The ``make bench`` section: one table row per measured quantity."""
    known, _ = _parser().parse_known_args(args)
    result = measure(known.pages, known.device, known.batch_size)
    return "\n".join(f"{key:<16} {value}" for key, value in result.items())


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    print(json.dumps(measure(args.pages, args.device, args.batch_size)))


if __name__ == "__main__":
    main()
