"""Field extraction quality against generator ground truth, isolated from classification.

    python -m extractors.evaluate DIR [--renderings born_digital,scanned] [--max-packets N] [--cache CACHE]

DIR holds ``packets/`` and ``truth/`` (``python -m samples.generate --out DIR``). Each packet is
read with the real reader (``pipeline.read.read_pages``: text layer or OCR), each *true*
document (type and pages from the truth) is given to ``extract_document``, and its fields are
compared with the truth fields: strings case- and whitespace-insensitive, lists as sets, the
rest exact (the comparison of ``samples.score``). Prints precision/recall/F1 per field, overall
and per rendering. Read pages can be cached as JSON (``--cache``) so reruns skip OCR.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from extractors import extract_document
from pipeline.model import Document, Page


def _values_equal(expected: object, got: object) -> bool:
    from samples.score import values_equal

    return values_equal(expected, got)


def read_packet_pages(packet_path: Path, cache: Path | None, workers: int | None = None) -> list[Page]:
    """Pages of one packet via the product reader (cached as JSON when ``cache`` is given)."""
    if cache is not None:
        cached = cache / f"{packet_path.stem if packet_path.is_file() else packet_path.name}.json"
        if cached.exists():
            return [Page.model_validate(p) for p in json.loads(cached.read_text())]
    from pipeline.load import load_packet
    from pipeline.read import ReadOptions, read_pages

    packet = load_packet(packet_path)
    pages = list(read_pages(packet, ReadOptions(workers=workers))) if packet.error is None else []
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps([p.model_dump(mode="json") for p in pages]))
    return pages


Counts = dict[str, list[int]]  # field -> [tp, fp, fn]


def score_packet(truth: dict, pages: list[Page], mismatches: list[str]) -> Counts:
    counts: Counts = defaultdict(lambda: [0, 0, 0])
    for i, tdoc in enumerate(truth["documents"], start=1):
        doc = Document(doc_id=f"{truth['packet_id']}-t{i}", type=tdoc["type"], confidence=1.0, pages=tdoc["pages"])
        got = extract_document(doc, pages)
        expected = tdoc.get("fields", {})
        for name in sorted(set(expected) | set(got)):
            value = got[name].value if name in got else None
            if name in expected and name in got and _values_equal(expected[name], value):
                counts[name][0] += 1
                continue
            if name in got:
                counts[name][1] += 1
            if name in expected:
                counts[name][2] += 1
            mismatches.append(f"{truth['packet_id']} {truth['rendering']:12s} {tdoc.get('layout', tdoc['type']):34s} "
                              f"{name:24s} want={expected.get(name)!r} got={value!r}")
    return counts


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def table(groups: dict[str, Counts]) -> str:
    lines = []
    for group, counts in groups.items():
        tot = [sum(c[i] for c in counts.values()) for i in range(3)]
        p, r, f = prf(*tot)
        lines.append(f"\n== {group}: P={p:.3f} R={r:.3f} F1={f:.3f} (tp={tot[0]} fp={tot[1]} fn={tot[2]})")
        lines.append(f"{'field':24s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>5s} {'fp':>4s} {'fn':>4s}")
        for name in sorted(counts):
            tp, fp, fn = counts[name]
            p, r, f = prf(tp, fp, fn)
            lines.append(f"{name:24s} {p:6.3f} {r:6.3f} {f:6.3f} {tp:5d} {fp:4d} {fn:4d}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path, help="folder with packets/ and truth/")
    ap.add_argument("--renderings", default="", help="comma-separated renderings to keep (default: all)")
    ap.add_argument("--max-packets", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=None, help="folder for read pages as JSON")
    ap.add_argument("--workers", type=int, default=None, help="reader worker processes")
    ap.add_argument("--show", type=int, default=30, help="mismatches to print")
    args = ap.parse_args(argv)
    keep = {r for r in args.renderings.split(",") if r}
    truths = [json.loads(p.read_text()) for p in sorted((args.dir / "truth").glob("*.json"))]
    truths = [t for t in truths if not keep or t["rendering"] in keep]
    if args.max_packets:
        truths = truths[: args.max_packets]
    groups: dict[str, Counts] = {"overall": defaultdict(lambda: [0, 0, 0])}
    mismatches: list[str] = []
    for truth in truths:
        pages = read_packet_pages(args.dir / "packets" / truth["source"], args.cache, args.workers)
        counts = score_packet(truth, pages, mismatches)
        for group in ("overall", truth["rendering"]):
            bucket = groups.setdefault(group, defaultdict(lambda: [0, 0, 0]))
            for name, c in counts.items():
                for i in range(3):
                    bucket[name][i] += c[i]
    print(table(groups))
    if args.show:
        print(f"\nfirst {min(args.show, len(mismatches))} of {len(mismatches)} mismatches:")
        print("\n".join(mismatches[: args.show]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
