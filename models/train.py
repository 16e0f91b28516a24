"""Train the page classifier, leave-layout-out, and write weights, calibration and metrics.

    python -m models.train --seed 7

Steps (each cached under ``--cache`` so a second run is quick):

1. generate training and evaluation packets with ``samples.generate`` (two generator seeds);
2. read every page with the real reader (``pipeline.read``: text layer or OCR) and cache the
   page texts as JSONL keyed by the generator seed and count;
3. hold out one layout family per document type (truth ``layout``: "<type>/<family>"), chosen by
   the seed: their pages are never trained on; born-digital training texts get a copy with
   synthetic OCR noise; hand-written pages in other senders' wording (``models/train_pages``)
   join every fold's training data;
4. run the frozen lower encoder layers once, then fine-tune the top layer + head;
5. fit the temperature on calibration packets (a share of the training packets, never trained on);
6. score the transformer and the TF-IDF baseline on the evaluation packets: page-type accuracy on
   the held-out layouts per rendering, split boundary F1, calibration error;
7. write ``models/weights/page_classifier.safetensors``, ``page_classifier.json`` and
   ``models/weights/metrics.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

from pydantic import Field as PydField

from models.labels import LABEL_INDEX, LABELS
from pipeline.model import Model, PagePrediction

log = logging.getLogger("intakeiq.train")

REPO = Path(__file__).resolve().parents[1]
OUTSIDE_PAGES = REPO / "models" / "eval" / "outside_pages.jsonl"
WRITTEN_PAGES = REPO / "models" / "train_pages"
REAL_PAGES = REPO / "models" / "eval" / "real_pages.json"
SHARED_DATA = REPO.parent / "shared" / "data"
DEFAULT_CACHE = Path(os.environ.get("INTAKEIQ_CACHE", Path.home() / ".cache" / "intakeiq")) / "train"


class TrainOptions(Model):
    """Settings of one training run."""

    seed: int = PydField(7, description="Seeds the generator, the held-out layout choice, noise and training")
    n_train: int = PydField(90, ge=10, description="Training packets to generate")
    n_eval: int = PydField(40, ge=5, description="Evaluation packets to generate (another generator seed)")
    calibration_share: float = PydField(0.2, gt=0, lt=1, description="Share of training packets kept for calibration")
    cache: str = PydField(str(DEFAULT_CACHE), description="Folder for generated packets and page-text JSONL")
    out: str = PydField(str(REPO / "models" / "weights"), description="Where weights and metrics are written")
    num_layers: int = PydField(3, ge=2, le=6, description="Encoder layers used (of MiniLM's 6)")
    trainable_layers: int = PydField(1, ge=1, le=2, description="Top encoder layers fine-tuned")
    max_length: int = PydField(96, ge=32, le=512, description="Tokens read per page")
    epochs: int = PydField(6, ge=1, description="Passes over the training pages")
    batch_size: int = PydField(32, ge=4)
    lr: float = PydField(3e-4, gt=0, description="Learning rate of the encoder layer (head: 5x)")
    noise_copies: int = PydField(1, ge=0, description="OCR-noise copies of each text-layer training page")
    crop_copies: int = PydField(0, ge=0, description="Copies of each training page cut to a random window of its lines")
    folds: int = PydField(3, ge=1, le=4, description="Leave-layout-out folds (each holds out one family per type)")
    workers: int | None = PydField(None, description="OCR workers while reading; default one per core")
    max_ocr_train_packets: int | None = PydField(
        None, description="Scanned/fax training packets read with OCR (the rest are skipped: OCR is slow); None: all"
    )
    threads: int | None = PydField(None, description="torch CPU threads")
    extra_n: int = PydField(200, ge=0, description="Extra training packets from generator seed + 1 (0: none)")
    extra_rendering: str | None = PydField(
        "born_digital", description="Rendering of the extra packets (born_digital: text layer, cheap to read)"
    )
    extra_cap_per_type: int = PydField(
        30, ge=1, description="Pages per document type kept from the extra packets (balances rare types)"
    )
    outside_pages: str = PydField(str(OUTSIDE_PAGES), description="Hand-written pages scored by both final models")
    real_pages: str = PydField(
        str(REAL_PAGES), description="Real documents in ../shared/data with types given by hand, read with the real "
        "reader and scored by both final models (skipped when ../shared/data is absent)",
    )
    written_pages: list[str] = PydField(
        default_factory=lambda: [str(p) for p in sorted(WRITTEN_PAGES.glob("*.jsonl"))],
        description="Hand-written training pages in other senders' wording (models/train_pages/README.md), "
        "in every fold's training data; [] for generator pages only",
    )
    char_features: int = PydField(
        4096, ge=0, description="Hashed character n-gram features of the whole page beside the encoder (0: none)"
    )
    word_features: int = PydField(
        4096, ge=0, description="Hashed word and word-pair features of the whole page beside the encoder (0: none)"
    )
    class_weight_power: float = PydField(
        0.5, ge=0, le=1, description="Loss weight of a type ~ 1 / count**power (0: unweighted)"
    )


# --------------------------------------------------------------------------- data


def generate(seed: int, n: int, cache: Path, rendering: str | None = None) -> Path:
    out = cache / (f"gen-seed{seed}-n{n}" + (f"-{rendering}" if rendering else ""))
    if (out / "truth").is_dir() and len(list((out / "truth").glob("*.json"))) >= n:
        return out
    log.info("generating %d packets with seed %d", n, seed)
    extra = ["--rendering", rendering] if rendering else []
    subprocess.run([sys.executable, "-m", "samples.generate", "--n", str(n), "--seed", str(seed), "--out", str(out),
                    *extra], check=True, cwd=REPO)
    return out


OCR_RENDERINGS = ("scanned", "fax")


def read_packets(gen: Path, cache_file: Path, workers: int | None, max_ocr_packets: int | None = None) -> list[dict]:
    """Page rows for the generated packets under ``gen``, read with the real reader; cached as JSONL.

    ``max_ocr_packets`` caps the scanned and fax packets read (OCR is slow on a small CPU); the
    first ones in packet order are kept, so a run is reproducible."""
    truths = [json.loads(p.read_text()) for p in sorted((gen / "truth").glob("*.json"))]
    if max_ocr_packets is not None:
        ocr = [t["packet_id"] for t in truths if t["rendering"] in OCR_RENDERINGS][max_ocr_packets:]
        truths = [t for t in truths if t["packet_id"] not in set(ocr)]
    return read_truths(truths, gen / "packets", cache_file, workers)


def real_truths(labels: Path) -> list[dict]:
    """Truth records for the real documents in ``models/eval/real_pages.json`` (one type per page)."""
    if not labels.is_file() or not SHARED_DATA.is_dir():
        return []
    return [{"packet_id": f"real-{n:03d}", "source": source, "rendering": "real",
             "pages": [{"page": i, "type": t, "layout": f"real/{source}", "doc": i} for i, t in enumerate(item["types"], 1)]}
            for n, (source, item) in enumerate(sorted(json.loads(labels.read_text()).items()), start=1)]


def read_truths(truths: Sequence[dict], packets: Path, cache_file: Path, workers: int | None) -> list[dict]:
    """Page rows for ``truths`` (files under ``packets``), read with the real reader; cached as JSONL."""
    from models.classifier import layout_features, page_text
    from pipeline.load import load_packet
    from pipeline.read import ReadOptions, read_pages

    done: dict[str, list[dict]] = {}
    if cache_file.exists():
        for line in cache_file.read_text().splitlines():
            row = json.loads(line)
            done.setdefault(row["packet_id"], []).append(row)
    with cache_file.open("a") as sink:
        for n, truth in enumerate(truths, start=1):
            if truth["packet_id"] in done:
                continue
            t0 = time.perf_counter()
            packet = load_packet(packets / truth["source"])
            if packet.error is not None:
                log.warning("packet %s failed to load: %s", truth["packet_id"], packet.error.code)
                done[truth["packet_id"]] = []
                continue
            pages = list(read_pages(packet, ReadOptions(workers=workers)))
            truth_pages = {p["page"]: p for p in truth["pages"]}
            rows = []
            for page in pages:
                tp = truth_pages.get(page.page)
                if tp is None:
                    continue
                rows.append({
                    "packet_id": truth["packet_id"], "seed": truth.get("seed"), "page": page.page,
                    "rendering": truth["rendering"], "method": page.method, "type": tp["type"],
                    "layout": tp["layout"], "doc": tp["doc"], "width": page.width, "height": page.height,
                    "lines": [line.text for line in page.lines], "text": page_text(page),
                    "features": layout_features(page), "error": page.error.code if page.error else None,
                })
            for row in rows:
                sink.write(json.dumps(row) + "\n")
            sink.flush()
            done[truth["packet_id"]] = rows
            log.info("read %s (%d/%d): %d pages in %.1fs", truth["packet_id"], n, len(truths), len(rows),
                     time.perf_counter() - t0)
    return [row for truth in truths for row in done.get(truth["packet_id"], [])]


_OCR_SWAPS = [("l", "1"), ("O", "0"), ("o", "0"), ("I", "l"), ("S", "5"), ("B", "8"), ("rn", "m"), ("m", "rn"),
              ("e", "c"), ("a", "o"), ("h", "b"), (".", ","), (":", ";"), ("cl", "d"), ("t", "f")]


def ocr_noise(text: str, rng: random.Random, rate: float = 0.04) -> str:
    """Text as a poor scan reads it: swapped look-alike characters, dropped or split words, lost lines."""
    lines = []
    for line in text.split("\n"):
        if rng.random() < 0.05:
            continue
        words = []
        for word in line.split(" "):
            r = rng.random()
            if r < rate * 0.5:
                continue
            if r < rate:
                cut = rng.randrange(1, max(2, len(word)))
                word = word[:cut] + " " + word[cut:]
            for a, b in _OCR_SWAPS:
                if a in word and rng.random() < rate:
                    word = word.replace(a, b, 1)
            words.append(word)
        lines.append(" ".join(words))
    return "\n".join(lines)


def crop(text: str, rng: random.Random, keep: tuple[float, float] = (0.4, 0.8), drop_words: float = 0.15) -> str:
    """A random window of the page's lines with some words dropped: the page without the header
    or the wording a template always prints, so that the rest of the page has to carry the type."""
    lines = text.split("\n")
    n = max(1, round(len(lines) * rng.uniform(*keep)))
    start = rng.randrange(0, max(1, len(lines) - n + 1))
    kept = [" ".join(w for w in line.split(" ") if rng.random() >= drop_words) for line in lines[start : start + n]]
    return "\n".join(line for line in kept if line)


def fax_header(rng: random.Random, sender: str) -> str:
    """A fax machine's header line, in one of the common styles, as a fax page would carry it."""
    month = rng.choice(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"])
    day, year, hh, mm = rng.randint(1, 28), rng.randint(2023, 2027), rng.randint(0, 23), rng.randint(0, 59)
    phone = " ".join(str(rng.randint(100, 999)) for _ in range(2)) + f" {rng.randint(1000, 9999)}"
    n = rng.randint(1, 9)
    k = rng.randint(1, n)
    style = rng.randrange(3)
    if style == 0:
        return f"{month} {day:02d} {year} {hh:02d}:{mm:02d} FROM: {phone} TO: {phone[::-1]} P. {k}/{n}"
    if style == 1:
        return f"{rng.randint(1, 12):02d}/{day:02d}/{year} {hh:02d}:{mm:02d} {sender.upper()[:28]} {phone} PAGE {k:02d}/{n:02d}"
    return (f"{day:02d}-{month}-{year} {hh % 12 or 12:02d}:{mm:02d}{rng.choice(['AM', 'PM'])} FROM-{sender.upper()[:24]} "
            f"+1{phone.replace(' ', '')} T-{k:03d} P.{k:03d}/{n:03d}")


def balanced_extra(rows: Sequence[dict], cap: int, seed: int) -> list[dict]:
    """At most ``cap`` pages per document type (seeded choice), packet ids made distinct from the
    main training packets' (both generator runs number packets from PKT-0001)."""
    rng = random.Random(seed)
    order = [r for r in rows if not r["error"]]
    rng.shuffle(order)
    kept: dict[str, int] = {}
    out = []
    for r in order:
        if kept.get(r["type"], 0) < cap:
            kept[r["type"]] = kept.get(r["type"], 0) + 1
            out.append({**r, "packet_id": f"x-{r['packet_id']}"})
    return sorted(out, key=lambda r: (r["packet_id"], r["page"]))


def layout_folds(records: Sequence[dict], folds: int, seed: int) -> list[set[str]]:
    """``folds`` disjoint sets of held-out layouts: fold k holds out the k-th family (in a seeded
    order) of every document type that has more than ``folds`` families."""
    families: dict[str, set[str]] = {}
    for rec in records:
        families.setdefault(rec["type"], set()).add(rec["layout"])
    rng = random.Random(seed)
    out: list[set[str]] = [set() for _ in range(folds)]
    for _, fams in sorted(families.items()):
        if len(fams) <= folds:
            continue
        order = sorted(fams)
        rng.shuffle(order)
        for k in range(folds):
            out[k].add(order[k])
    return out


def text_rows(path: Path, rendering: str) -> list[dict]:
    """Pages written by hand as text (``models/eval/``, ``models/train_pages/``), as page rows.

    They are text only: the layout cues are those of a text-layer page with that many words."""
    from models.classifier import layout_features
    from pipeline.model import Line, Page, Word

    if not path.is_file():
        return []
    rows = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        lines = [t for t in item["text"].split("\n") if t.strip()]
        box = (0.0, 0.0, 0.0, 0.0)
        page = Page(page=1, width=612.0, height=792.0, method="text_layer",
                    words=[Word(text=w, bbox=box, confidence=1.0) for w in item["text"].split()],
                    lines=[Line(text=t, bbox=box) for t in lines])
        rows.append({"packet_id": item["id"], "page": 1, "rendering": rendering, "type": item["type"],
                     "layout": f"{rendering}/{item['id']}", "style": item.get("style", ""), "method": "text_layer",
                     "lines": lines, "text": "\n".join(lines), "features": layout_features(page), "error": None})
    return rows


# --------------------------------------------------------------------------- model training


def _encode(tokenizer, texts: Sequence[str], max_length: int) -> list[list[int]]:
    return tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]


def _batch(ids: Sequence[list[int]], pad: int):
    import torch

    width = max(len(x) for x in ids)
    t = torch.full((len(ids), width), pad, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, x in enumerate(ids):
        t[row, : len(x)] = torch.tensor(x)
        mask[row, : len(x)] = 1
    return t, mask


def frozen_states(net, tokenizer, texts: Sequence[str], max_length: int, batch_size: int = 64) -> list:
    """Hidden states after the frozen layers, one (tokens, hidden) fp16 tensor per text."""
    import torch

    ids = _encode(tokenizer, texts, max_length)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out: list = [None] * len(ids)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            t, mask = _batch([ids[i] for i in idx], tokenizer.pad_token_id)
            hidden = net.frozen(t, mask)
            for row, i in enumerate(idx):
                out[i] = hidden[row, : len(ids[i])].to(torch.float16).clone()
    return out


def _stack(states: Sequence, feats, idx: Sequence[int]):
    """Padded hidden states, mask and head inputs of the texts ``idx``."""
    import torch

    chosen = [states[i] for i in idx]
    width = max(s.shape[0] for s in chosen)
    hidden = torch.zeros((len(chosen), width, chosen[0].shape[1]))
    mask = torch.zeros((len(chosen), width), dtype=torch.long)
    for row, s in enumerate(chosen):
        hidden[row, : s.shape[0]] = s.float()
        mask[row, : s.shape[0]] = 1
    return hidden, mask, feats[torch.tensor(list(idx))]


def top_logits(net, states: Sequence, feats, batch_size: int = 64):
    import torch

    net.eval()
    order = sorted(range(len(states)), key=lambda i: states[i].shape[0])
    out = torch.zeros((len(states), len(LABELS)))
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            hidden, mask, f = _stack(states, feats, idx)
            out[torch.tensor(idx)] = net.top(hidden, mask, f)
    return out


def init_head(net, states: Sequence, feats, labels: Sequence[int], batch_size: int = 64) -> None:
    """Start the head as a logistic regression on the pretrained layer's pooled output (LBFGS):
    fine-tuning then starts from a good classifier instead of a random one."""
    import torch

    net.eval()
    order = list(range(len(states)))
    rows = []
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            hidden, mask, f = _stack(states, feats, idx)
            rows.append(net.pooled(hidden, mask, f))
    x = torch.cat(rows).clone()
    y = torch.tensor(list(labels))
    linear = net.head[1]
    weight = torch.zeros_like(linear.weight, requires_grad=True)
    bias = torch.zeros_like(linear.bias, requires_grad=True)
    optim = torch.optim.LBFGS([weight, bias], lr=1.0, max_iter=300, line_search_fn="strong_wolfe")

    def closure():
        optim.zero_grad()
        loss = torch.nn.functional.cross_entropy(x @ weight.T + bias, y) + 1e-3 * weight.pow(2).sum()
        loss.backward()
        return loss

    optim.step(closure)
    with torch.no_grad():
        linear.weight.copy_(weight)
        linear.bias.copy_(bias)


def train_top(net, states: Sequence, feats, labels: Sequence[int], options: TrainOptions) -> list[float]:
    """Fine-tune the top layer(s) and the head on cached frozen states; returns the loss per epoch."""
    import torch

    torch.manual_seed(options.seed)
    rng = random.Random(options.seed)
    init_head(net, states, feats, labels)
    head = [p for n, p in net.named_parameters() if p.requires_grad and n.startswith("head.")]
    body = [p for n, p in net.named_parameters() if p.requires_grad and not n.startswith("head.")]
    optim = torch.optim.AdamW([{"params": body, "lr": options.lr}, {"params": head, "lr": options.lr * 5}],
                              weight_decay=0.01)
    steps = options.epochs * ((len(states) + options.batch_size - 1) // options.batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(optim, lambda step: max(0.0, 1.0 - step / steps))
    counts = torch.bincount(torch.tensor(list(labels)), minlength=len(LABELS)).float().clamp(min=1.0)
    weight = counts.pow(-options.class_weight_power)
    weight = weight / (weight * counts).sum() * counts.sum()  # mean weight per example stays 1
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight, label_smoothing=0.05)
    losses = []
    for epoch in range(options.epochs):
        net.train()
        # batches of similar length: shuffle, sort within chunks of 8 batches, shuffle the batches
        idx = list(range(len(states)))
        rng.shuffle(idx)
        chunk = options.batch_size * 8
        idx = [i for c in range(0, len(idx), chunk) for i in sorted(idx[c : c + chunk], key=lambda j: states[j].shape[0])]
        batches = [idx[s : s + options.batch_size] for s in range(0, len(idx), options.batch_size)]
        rng.shuffle(batches)
        total = 0.0
        for b in batches:
            hidden, mask, f = _stack(states, feats, b)
            loss = loss_fn(net.top(hidden, mask, f), torch.tensor([labels[i] for i in b]))
            optim.zero_grad()
            loss.backward()
            optim.step()
            sched.step()
            total += loss.item() * len(b)
        losses.append(round(total / len(states), 4))
        log.info("epoch %d: loss %.4f", epoch + 1, losses[-1])
    net.eval()
    return losses


MIN_TEMPERATURE = 0.5


def fit_temperature(logits, labels: Sequence[int]) -> float:
    """The temperature minimising the calibration pages' negative log-likelihood."""
    import torch

    y = torch.tensor(list(labels))
    log_t = torch.zeros(1, requires_grad=True)
    optim = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure():
        optim.zero_grad()
        loss = torch.nn.functional.cross_entropy(logits / log_t.exp(), y)
        loss.backward()
        return loss

    optim.step(closure)
    # calibration pages that are all right pull T towards 0 (certainty even when wrong): keep a floor
    return round(max(MIN_TEMPERATURE, log_t.exp().item()), 4)


# --------------------------------------------------------------------------- the run


def run(options: TrainOptions) -> dict:
    import torch
    from safetensors.torch import save_file

    from models.baseline import TfidfBaseline
    from models.classifier import (FEATURE_NAMES, META_FILE, MODEL_NAME, WEIGHTS_FILE, build_network, head_inputs,
                                   load_tokenizer)
    from models.evaluate import boundary_scores, full_report, layout_report

    started = time.perf_counter()
    if options.threads:
        torch.set_num_threads(options.threads)
    cache = Path(options.cache)
    cache.mkdir(parents=True, exist_ok=True)
    eval_seed = options.seed + 1000
    train_gen = generate(options.seed, options.n_train, cache)
    eval_gen = generate(eval_seed, options.n_eval, cache)
    t_read = time.perf_counter()
    train_rows = read_packets(train_gen, cache / f"pages-seed{options.seed}-n{options.n_train}.jsonl", options.workers,
                              options.max_ocr_train_packets)
    eval_rows = read_packets(eval_gen, cache / f"pages-seed{eval_seed}-n{options.n_eval}.jsonl", options.workers)
    if options.extra_n:
        extra_gen = generate(options.seed + 1, options.extra_n, cache, options.extra_rendering)
        suffix = f"-{options.extra_rendering}" if options.extra_rendering else ""
        extra_rows = read_packets(extra_gen, cache / f"pages-seed{options.seed + 1}-n{options.extra_n}{suffix}.jsonl",
                                  options.workers)
        train_rows += balanced_extra(extra_rows, options.extra_cap_per_type, options.seed)
    read_s = time.perf_counter() - t_read
    written_rows = [r for path in options.written_pages for r in text_rows(Path(path), "written")]
    train_rows = [r for r in train_rows + written_rows if r["type"] in LABEL_INDEX and not r["error"]]
    eval_rows = [r for r in eval_rows if r["type"] in LABEL_INDEX]

    rng = random.Random(options.seed)
    packets = sorted({r["packet_id"] for r in train_rows})
    calib_packets = set(rng.sample(packets, max(1, int(len(packets) * options.calibration_share))))
    base_rows = [r for r in train_rows if r["packet_id"] not in calib_packets]
    calib_rows = [r for r in train_rows if r["packet_id"] in calib_packets]
    texts, feats, labels, layouts = [], [], [], []
    for r in base_rows:
        copies = [(r["text"], r["features"])]
        if r["method"] == "text_layer" and r["text"]:
            f = list(r["features"])
            f[FEATURE_NAMES.index("is_ocr")] = 1.0
            for _ in range(options.noise_copies):
                text = ocr_noise(r["text"], rng)
                if rng.random() < 0.5:  # as if it came through a fax machine
                    text = ocr_noise(fax_header(rng, r["lines"][0] if r["lines"] else ""), rng, 0.1) + "\n" + text
                copies.append((text, f))
        copies += [(crop(r["text"], rng), r["features"]) for _ in range(options.crop_copies) if r["text"]]
        for text, f in copies:
            texts.append(text), feats.append(f), labels.append(LABEL_INDEX[r["type"]]), layouts.append(r["layout"])
    # held-out layouts are generator layouts: written pages (each its own "layout") are in every fold's training
    folds = layout_folds([r for r in train_rows + eval_rows if r["rendering"] != "written"], options.folds, options.seed)
    log.info("pages: %d fit (%d texts with noise), %d calibration, %d eval; %d folds of held-out layouts",
             len(base_rows), len(texts), len(calib_rows), len(eval_rows), len(folds))

    meta = {"name": MODEL_NAME, "labels": list(LABELS), "features": list(FEATURE_NAMES),
            "num_layers": options.num_layers, "trainable_layers": options.trainable_layers,
            "max_length": options.max_length, "char_features": options.char_features,
            "word_features": options.word_features, "dropout": 0.1}
    tokenizer = load_tokenizer()
    t_train = time.perf_counter()
    frozen_net = build_network(meta)
    states = frozen_states(frozen_net, tokenizer, texts, options.max_length)
    calib_states = frozen_states(frozen_net, tokenizer, [r["text"] for r in calib_rows], options.max_length)
    eval_states = frozen_states(frozen_net, tokenizer, [r["text"] for r in eval_rows], options.max_length)
    frozen_s = time.perf_counter() - t_train
    channels = (options.char_features, options.word_features)
    feats = head_inputs(texts, feats, *channels)
    calib_feats = head_inputs([r["text"] for r in calib_rows], [r["features"] for r in calib_rows], *channels)
    eval_feats = head_inputs([r["text"] for r in eval_rows], [r["features"] for r in eval_rows], *channels)

    def train_model(held: set[str]):
        """A fresh top layer + head trained without ``held`` layouts, with its temperature."""
        torch.manual_seed(options.seed)
        net = build_network(meta)
        keep = [i for i, lay in enumerate(layouts) if lay not in held]
        losses = train_top(net, [states[i] for i in keep], feats[torch.tensor(keep)], [labels[i] for i in keep], options)
        cal = [i for i, r in enumerate(calib_rows) if r["layout"] not in held]
        logits = top_logits(net, [calib_states[i] for i in cal], calib_feats[torch.tensor(cal)])
        temperature = fit_temperature(logits, [LABEL_INDEX[calib_rows[i]["type"]] for i in cal])
        return net, temperature, losses, keep

    def eval_predictions(net, temperature: float, rows=eval_rows, states=eval_states, feats=eval_feats):
        """Calibrated predictions for ``rows``; an unreadable page is ``other`` at 0, as in the pipeline."""
        conf, best = torch.softmax(top_logits(net, states, feats) / temperature, dim=1).max(dim=1)
        out = [PagePrediction(type=LABELS[int(b)], confidence=round(float(c), 4)) for b, c in zip(best, conf)]
        return [p if r["lines"] and not r["error"] else PagePrediction(type="other", confidence=0.0)
                for p, r in zip(out, rows)]

    def fit_baseline(keep: list[int]) -> TfidfBaseline:
        return TfidfBaseline(options.seed).fit([texts[i] for i in keep], [LABELS[labels[i]] for i in keep])

    # leave-layout-out: each eval page is scored by the fold model that never saw its layout
    held_pred: dict[int, PagePrediction] = {}
    held_base: dict[int, PagePrediction] = {}
    fold_reports = []
    for k, held in enumerate(folds):
        t0 = time.perf_counter()
        net, temperature, losses, keep = train_model(held)
        preds = eval_predictions(net, temperature)
        base = fit_baseline(keep).predict_texts([r["text"] for r in eval_rows])
        for i, r in enumerate(eval_rows):
            if r["layout"] in held:
                held_pred[i], held_base[i] = preds[i], base[i]
        fold_reports.append({"held_out_layouts": sorted(held), "temperature": temperature, "loss_per_epoch": losses,
                             "split_transformer": boundary_scores(eval_rows, preds),
                             "split_baseline": boundary_scores(eval_rows, base),
                             "seconds": round(time.perf_counter() - t0, 1)})
        log.info("fold %d done in %.0fs", k + 1, time.perf_counter() - t0)
    idx = sorted(held_pred)
    held_rows = [eval_rows[i] for i in idx]
    leave_layout_out = {
        "eval_pages_covered": len(idx),
        "transformer": layout_report(held_rows, [held_pred[i] for i in idx]),
        "baseline": layout_report(held_rows, [held_base[i] for i in idx]),
    }

    # the committed model: every training layout
    t0 = time.perf_counter()
    net, temperature, losses, keep = train_model(set())
    final_s = time.perf_counter() - t0
    meta["temperature"] = temperature
    baseline = fit_baseline(keep)
    final_preds = eval_predictions(net, temperature)
    final_base = baseline.predict_texts([r["text"] for r in eval_rows])
    metrics = {
        "options": options.model_dump(),
        "data": {"train_packets": options.n_train, "eval_packets": options.n_eval,
                 "extra_packets": options.extra_n, "written_pages": len(written_rows), "train_pages_read": len(train_rows),
                 "train_pages_by_type": _count(train_rows, "type"), "fit_pages": len(base_rows),
                 "fit_texts_with_noise": len(texts), "calibration_pages": len(calib_rows),
                 "eval_pages": len(eval_rows), "eval_pages_by_rendering": _count(eval_rows, "rendering")},
        "timing_s": {"read_pages": round(read_s, 1), "frozen_encoder_pass": round(frozen_s, 1),
                     "train_final_model": round(final_s, 1), "train_all": round(time.perf_counter() - t_train, 1)},
        "leave_layout_out": leave_layout_out,
        "folds": fold_reports,
        "final_model": {
            "temperature": temperature, "loss_per_epoch": losses,
            "transformer": full_report(eval_rows, final_preds),
            "baseline": full_report(eval_rows, final_base),
        },
    }
    def final_scores(rows: list[dict]) -> dict:
        """Both final models on pages from outside the generator, and the pages either got wrong."""
        texts_ = [r["text"] for r in rows]
        preds = eval_predictions(net, temperature, rows, frozen_states(frozen_net, tokenizer, texts_, options.max_length),
                                 head_inputs(texts_, [r["features"] for r in rows], *channels))
        base = baseline.predict_texts(texts_)
        return {"pages": len(rows), "transformer": layout_report(rows, preds), "baseline": layout_report(rows, base),
                "errors": [{"id": r["packet_id"], "page": r["page"], "type": r["type"], "style": r.get("style", r["layout"]),
                            "transformer": p.type, "confidence": p.confidence, "baseline": q.type}
                           for r, p, q in zip(rows, preds, base) if p.type != r["type"] or q.type != r["type"]]}

    outside = text_rows(Path(options.outside_pages), "outside")
    if outside:  # hand-written pages in wording neither the generator nor the training pages used
        metrics["outside_wording"] = final_scores(outside)
    real_labels = Path(options.real_pages)
    real = read_truths(real_truths(real_labels), SHARED_DATA,
                       cache / f"pages-real-{hashlib.sha256(real_labels.read_bytes()).hexdigest()[:8]}.jsonl",
                       options.workers) if real_labels.is_file() else []
    if real:  # real forms, cards and faxes nobody here wrote
        metrics["real_documents"] = final_scores(real)
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    save_file(net.trained_state(), str(out / WEIGHTS_FILE), metadata={"name": meta["name"]})
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    metrics["timing_s"]["total"] = round(time.perf_counter() - started, 1)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    return metrics


def _count(rows: Sequence[dict], key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        out[r[key]] = out.get(r[key], 0) + 1
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the page classifier (leave-layout-out) and its baseline.")
    for name, field in TrainOptions.model_fields.items():
        kind = {int: int, float: float, str: str}.get(field.annotation, str)  # type: ignore[arg-type]
        if field.annotation == (int | None):
            kind = int
        many = {"nargs": "*"} if field.annotation == list[str] else {}
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=field.get_default(call_default_factory=True),
                            help=field.description, **many)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    metrics = run(TrainOptions(**vars(args)))
    lo, final = metrics["leave_layout_out"], metrics["final_model"]
    summary = {
        "leave_layout_out_accuracy": {m: {k: v["accuracy"] for k, v in lo[m]["accuracy"].items()}
                                      for m in ("transformer", "baseline")},
        "final_model_accuracy": {m: {k: v["accuracy"] for k, v in final[m]["accuracy"].items()}
                                 for m in ("transformer", "baseline")},
        "boundary_f1": {m: {k: v["f1"] for k, v in final[m]["split"].items()} for m in ("transformer", "baseline")},
        **{f"{key}_accuracy": {m: metrics[key][m]["accuracy"]["overall"]["accuracy"] for m in ("transformer", "baseline")}
           for key in ("outside_wording", "real_documents") if key in metrics},
        "timing_s": metrics["timing_s"],
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
