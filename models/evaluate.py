"""Metrics for page classification and packet splitting, shared by training and the baseline.

Records are the cached page rows of ``models.train`` (one dict per page: ``packet_id``,
``page``, ``rendering``, ``type``, ``layout``, ``doc``, ``lines``, ``features``, ...).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Iterable, Sequence

from models.labels import LABELS
from pipeline.model import Line, Page, PagePrediction
from pipeline.split import SplitOptions, split_documents

RENDERINGS = ("born_digital", "scanned", "fax", "photo", "mixed")


def record_page(rec: dict) -> Page:
    """A ``Page`` holding only what the splitter reads (lines in reading order)."""
    return Page(
        page=int(rec["page"]),
        width=float(rec.get("width", 612.0)),
        height=float(rec.get("height", 792.0)),
        method=rec.get("method", "text_layer"),
        lines=[Line(text=t, bbox=(0.0, 0.0, 0.0, 0.0)) for t in rec["lines"]],
    )


def accuracy_by_rendering(records: Sequence[dict], predicted: Sequence[str]) -> dict[str, dict]:
    """Page-type accuracy overall and per packet rendering: {"overall": {"n":..., "accuracy":...}, ...}."""
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for rec, pred in zip(records, predicted):
        for group in ("overall", rec["rendering"]):
            hits[group][0] += int(pred == rec["type"])
            hits[group][1] += 1
    return {g: {"n": n, "accuracy": round(h / n, 4)} for g, (h, n) in hits.items() if n}


def per_class(records: Sequence[dict], predicted: Sequence[str]) -> dict[str, dict]:
    """Precision, recall, F1 and support per label (labels absent from both are left out)."""
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    for rec, pred in zip(records, predicted):
        if pred == rec["type"]:
            tp[pred] += 1
        else:
            fp[pred] += 1
            fn[rec["type"]] += 1
    out = {}
    for label in LABELS:
        support = tp[label] + fn[label]
        if support == 0 and fp[label] == 0:
            continue
        p = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        r = tp[label] / support if support else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[label] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": support}
    return out


def by_packet(records: Iterable[dict]) -> dict[str, list[dict]]:
    packets: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        packets[rec["packet_id"]].append(rec)
    return {k: sorted(v, key=lambda r: r["page"]) for k, v in packets.items()}


def boundary_scores(
    records: Sequence[dict],
    predictions: Sequence[PagePrediction],
    options: SplitOptions = SplitOptions(),
) -> dict[str, dict]:
    """Split boundary precision/recall/F1 (a boundary: a page > 1 that starts a document) and
    page-type accuracy after splitting (each page takes its document's type), per rendering."""
    pred_of = {(r["packet_id"], r["page"]): p for r, p in zip(records, predictions)}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for packet_id, recs in by_packet(records).items():
        pages = [record_page(r) for r in recs]
        docs = split_documents(packet_id, pages, [pred_of[(packet_id, r["page"])] for r in recs], options)
        predicted = {d.pages[0] for d in docs} - {recs[0]["page"]}
        truth = {r["page"] for prev, r in zip(recs, recs[1:]) if r["doc"] != prev["doc"]}
        for group in ("overall", recs[0]["rendering"]):
            counts[group][0] += len(predicted & truth)
            counts[group][1] += len(predicted - truth)
            counts[group][2] += len(truth - predicted)
    out = {}
    for group, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        out[group] = {"precision": round(p, 4), "recall": round(r, 4),
                      "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0, "boundaries": tp + fn}
    return out


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by bin size."""
    total = len(confidences)
    if not total:
        return 0.0
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(confidences) if (lo < c <= hi) or (b == 0 and c == 0)]
        if idx:
            acc = sum(correct[i] for i in idx) / len(idx)
            conf = sum(confidences[i] for i in idx) / len(idx)
            ece += len(idx) / total * abs(acc - conf)
    return round(ece, 4)


def layout_report(records: Sequence[dict], predictions: Sequence[PagePrediction]) -> dict:
    """Page-type metrics (no splitting) of predictions for these records."""
    types = [p.type for p in predictions]
    correct = [t == r["type"] for t, r in zip(types, records)]
    return {
        "accuracy": accuracy_by_rendering(records, types),
        "per_class": per_class(records, types),
        "ece": expected_calibration_error([p.confidence for p in predictions], correct),
    }


def full_report(records: Sequence[dict], predictions: Sequence[PagePrediction]) -> dict:
    """Page-type metrics plus splitting and calibration, over whole packets."""
    out = layout_report(records, predictions)
    correct = [p.type == r["type"] for p, r in zip(predictions, records)]
    wrong = [p.confidence for p, ok in zip(predictions, correct) if not ok]
    out["split"] = boundary_scores(records, predictions)
    out["mean_confidence_when_wrong"] = round(sum(wrong) / len(wrong), 4) if wrong else None
    out["mean_confidence_when_right"] = round(
        sum(p.confidence for p, ok in zip(predictions, correct) if ok) / max(1, sum(correct)), 4)
    return out


def log_loss(probs: Sequence[Sequence[float]], labels: Sequence[int]) -> float:
    return -sum(math.log(max(p[y], 1e-12)) for p, y in zip(probs, labels)) / max(1, len(labels))


# --------------------------------------------------------------------------- model card tables

_GROUPS = ("born_digital", "scanned", "fax", "mixed", "photo", "overall")


def _acc_row(name: str, acc: dict) -> str:
    cells = [f"{acc[g]['accuracy']:.3f} ({acc[g]['n']})" if g in acc else "-" for g in _GROUPS]
    return f"| {name} | " + " | ".join(cells) + " |"


def _set_table(scores: dict, what: str) -> list[str]:
    """Both final models' accuracy and per-class F1 on one set of pages from outside the generator."""
    t, b = scores["transformer"], scores["baseline"]
    out = [f"{what}, {scores['pages']} pages; committed model and the baseline trained on the same pages): accuracy "
           f"{t['accuracy']['overall']['accuracy']:.3f} transformer, {b['accuracy']['overall']['accuracy']:.3f} baseline.",
           "", "| class | transformer F1 | baseline F1 | support |", "|---|---|---|---|"]
    for label in LABELS:
        row = t["per_class"].get(label) or b["per_class"].get(label)
        if row and row["support"]:
            out.append(f"| {label} | {t['per_class'][label]['f1'] if label in t['per_class'] else 0:.3f} | "
                       f"{b['per_class'][label]['f1'] if label in b['per_class'] else 0:.3f} | {row['support']} |")
    return out


def markdown_tables(metrics: dict) -> str:
    """The model card's metric tables from ``models/weights/metrics.json``."""
    head = "| model | " + " | ".join(_GROUPS) + " |\n|---|" + "---|" * len(_GROUPS)
    lo, final = metrics["leave_layout_out"], metrics["final_model"]
    out = ["Page-type accuracy on held-out layouts (pages scored by the fold model that never saw their layout; n in brackets):",
           "", head, _acc_row("transformer", lo["transformer"]["accuracy"]), _acc_row("TF-IDF baseline", lo["baseline"]["accuracy"]),
           "", "Page-type accuracy of the committed model on all evaluation pages (unseen packets, seen layout families):",
           "", head, _acc_row("transformer", final["transformer"]["accuracy"]),
           _acc_row("TF-IDF baseline", final["baseline"]["accuracy"]), ""]
    out += ["Split boundary F1 (precision / recall), committed model types + `pipeline.split`:", "",
            "| model | " + " | ".join(_GROUPS) + " |", "|---|" + "---|" * len(_GROUPS)]
    for m, name in (("transformer", "transformer"), ("baseline", "TF-IDF baseline")):
        sp = final[m]["split"]
        out.append(f"| {name} | " + " | ".join(
            f"{sp[g]['f1']:.3f} ({sp[g]['precision']:.2f}/{sp[g]['recall']:.2f})" if g in sp else "-" for g in _GROUPS) + " |")
    out += ["", "Per-class F1 on held-out layouts (support):", "", "| class | transformer | baseline |", "|---|---|---|"]
    t, b = lo["transformer"]["per_class"], lo["baseline"]["per_class"]
    for label in LABELS:
        if label in t or label in b:
            tv = f"{t[label]['f1']:.3f} ({t[label]['support']})" if label in t else "-"
            bv = f"{b[label]['f1']:.3f} ({b[label]['support']})" if label in b else "-"
            out.append(f"| {label} | {tv} | {bv} |")
    for key, what in (("outside_wording", "Hand-written pages outside the generator's and the training pages' wording "
                                           "(`models/eval/outside_pages.jsonl`"),
                      ("real_documents", "Real documents nobody here wrote (`models/eval/real_pages.json`: FUNSD test "
                                         "forms, CMS-1500, the Medicare card sample")):
        if key in metrics:
            out += ["", *_set_table(metrics[key], what)]
    out += ["", f"Calibration: temperature {final['temperature']}; expected calibration error "
            f"{final['transformer']['ece']} on all evaluation pages, {lo['transformer']['ece']} on held-out layouts; "
            f"mean confidence when right {final['transformer']['mean_confidence_when_right']}, "
            f"when wrong {final['transformer']['mean_confidence_when_wrong']}."]
    return "\n".join(out)


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    print(markdown_tables(json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "models/weights/metrics.json").read_text())))
