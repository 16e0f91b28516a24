"""Score ``intakeiq process`` reports against generator ground truth (``intakeiq eval``).

Inputs: a truth folder of ``<packet_id>.json`` files (format in ``samples/README.md`` and the
team brief; a parent folder holding ``truth/`` is accepted too) and a process output folder
with ``<packet_id>/report.json``. Every truth packet is scored; a packet whose report is
missing or unreadable counts as all wrong (nothing predicted), never as skipped.

Metrics, each overall and per rendering (born_digital, scanned, fax, photo, mixed):

- page type accuracy: ``report.pages[i].type`` (else the type of the document holding the page)
  against the truth page type;
- split boundary precision/recall/F1: a boundary is a page that starts a new document
  (page 1 excluded), counted over all packets;
- document type macro-F1 over the document types seen in truth or predictions: predicted and
  true documents are matched one-to-one by page overlap (highest IoU first);
- field precision/recall/F1 per field and overall, on matched documents; values compared in
  CONTRACT normal form (strings case- and whitespace-insensitive, lists as sets, booleans and
  integers exact); a field with ``valid: false`` still counts as predicted. Fields of a true
  document with no match are misses; fields of a predicted document with no match are false
  positives;
- checklist id accuracy, status accuracy and missing_documents exact-match rate (as sets);
- packets whose report says ``status: failed``, and packets with no usable report.

Each packet is scored into plain counts (``PacketScore``) and the counts are summed per group,
so every rate is a ratio of totals (micro), except the document type macro-F1.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field as PydField, ValidationError, computed_field

from pipeline.model import DOC_TYPES, FIELD_NAMES, Model, Report

RENDERINGS: tuple[str, ...] = ("born_digital", "scanned", "fax", "photo", "mixed")
OVERALL = "overall"


# --------------------------------------------------------------------------- ground truth


class _Loose(BaseModel):
    """Truth files may carry more keys than the scorer reads; they are ignored."""

    model_config = ConfigDict(extra="ignore")


class TruthPage(_Loose):
    page: int
    type: str
    layout: str | None = None
    doc: int | None = PydField(None, description="1-based index into the packet's documents")


class TruthDocument(_Loose):
    type: str
    pages: list[int]
    layout: str | None = None
    patient: str | None = None
    fields: dict[str, Any] = {}


class TruthChecklist(_Loose):
    id: str | None = None
    status: str | None = None
    missing_documents: list[str] = []


class Truth(_Loose):
    packet_id: str
    source: str | None = None
    rendering: str = "unknown"
    seed: int | None = None
    workflow: str | None = None
    workflow_source: str | None = None
    checklist: TruthChecklist | None = None
    defects: list[str] = []
    page_count: int | None = None
    pages: list[TruthPage] = []
    documents: list[TruthDocument] = []


# --------------------------------------------------------------------------- results


class ScoreOptions(Model):
    """Settings of the scorer."""

    min_iou: float = PydField(0.0, ge=0, lt=1, description=(
        "Predicted and true documents are matched only when their page IoU is above this "
        "(0: any shared page is enough)"))
    keep_mismatches: int = PydField(2000, ge=0, description=(
        "How many individual mismatches (page, document, field, checklist) to keep for the "
        "failure examples; counts are never capped"))


class Ratio(Model):
    """correct / total; 1.0 when there is nothing to score."""

    correct: int = 0
    total: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def add(self, other: "Ratio") -> None:
        self.correct += other.correct
        self.total += other.total


class PRF(Model):
    """True positives, false positives and false negatives with precision/recall/F1.

    Empty cases are perfect: precision is 1.0 with nothing predicted, recall 1.0 with nothing
    to find, so a metric with no support never drags an average.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def add(self, other: "PRF") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


MismatchKind = Literal["report", "page_type", "boundary", "document", "field", "checklist"]


class Mismatch(Model):
    """One concrete thing the pipeline got wrong, for failure examples."""

    packet_id: str
    rendering: str
    kind: MismatchKind
    where: str = PydField(description="Page, document or field it is about, e.g. 'd2 p3-4 member_id'")
    expected: Any = None
    got: Any = None


class PacketScore(Model):
    """The counts of one packet; groups are sums of these."""

    packet_id: str
    rendering: str
    report: Literal["ok", "failed", "missing", "invalid"]
    page_type: Ratio = Ratio()
    boundaries: PRF = PRF()
    doc_types: dict[str, PRF] = {}
    fields: dict[str, PRF] = {}
    fields_by_type: dict[str, PRF] = PydField({}, description="'<doc type>.<field>' -> counts")
    checklist_id: Ratio = Ratio()
    checklist_status: Ratio = Ratio()
    missing_documents: Ratio = Ratio()
    mismatches: list[Mismatch] = []


class GroupScores(Model):
    """Summed counts of a group of packets (one rendering, or all)."""

    packets: int = 0
    failed: int = PydField(0, description="Reports with status 'failed'")
    missing_reports: int = PydField(0, description="No report.json, or one that does not parse")
    page_type: Ratio = Ratio()
    boundaries: PRF = PRF()
    doc_types: dict[str, PRF] = {}
    fields: dict[str, PRF] = {}
    fields_by_type: dict[str, PRF] = PydField({}, description=(
        "'<doc type>.<field>' -> counts; the true type for matched and missed documents, the "
        "predicted type for extra ones"))
    checklist_id: Ratio = Ratio()
    checklist_status: Ratio = Ratio()
    missing_documents: Ratio = Ratio()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def doc_type_macro_f1(self) -> float:
        """Mean F1 over the document types that occur in truth or predictions."""
        seen = [prf.f1 for prf in self.doc_types.values() if prf.tp + prf.fp + prf.fn]
        return sum(seen) / len(seen) if seen else 1.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def fields_overall(self) -> PRF:
        total = PRF()
        for prf in self.fields.values():
            total.add(prf)
        return total

    def add(self, packet: PacketScore) -> None:
        self.packets += 1
        self.failed += packet.report == "failed"
        self.missing_reports += packet.report in ("missing", "invalid")
        self.page_type.add(packet.page_type)
        self.boundaries.add(packet.boundaries)
        for name, prf in packet.doc_types.items():
            self.doc_types.setdefault(name, PRF()).add(prf)
        for name, prf in packet.fields.items():
            self.fields.setdefault(name, PRF()).add(prf)
        for name, prf in packet.fields_by_type.items():
            self.fields_by_type.setdefault(name, PRF()).add(prf)
        self.checklist_id.add(packet.checklist_id)
        self.checklist_status.add(packet.checklist_status)
        self.missing_documents.add(packet.missing_documents)


class Scores(Model):
    """What ``intakeiq eval`` computes: groups by rendering plus ``overall``."""

    truth_dir: str
    pred_dir: str
    groups: dict[str, GroupScores] = PydField(description="'overall' and each rendering present")
    packets: list[PacketScore] = []

    @property
    def overall(self) -> GroupScores:
        return self.groups[OVERALL]

    def mismatches(self) -> list[Mismatch]:
        return [m for p in self.packets for m in p.mismatches]


# --------------------------------------------------------------------------- value forms

_SPACE = re.compile(r"\s+")


def _norm_str(value: str) -> str:
    return _SPACE.sub(" ", value).strip().casefold()


def normal_form(value: Any) -> Any:
    """A comparable form of a field value, or None when the value is empty.

    Strings ignore case and runs of whitespace; lists compare as sets of such strings;
    booleans and integers compare exactly (a bool never equals an int).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("int", int(value)) if value.is_integer() else ("float", value)
    if isinstance(value, str):
        text = _norm_str(value)
        return ("str", text) if text else None
    if isinstance(value, (list, tuple, set)):
        items = frozenset(_norm_str(str(v)) for v in value if v is not None and str(v).strip())
        return ("set", items) if items else None
    return ("str", _norm_str(str(value)))


def values_equal(expected: Any, got: Any) -> bool:
    return normal_form(expected) == normal_form(got)


# --------------------------------------------------------------------------- one packet


def _truth_page_docs(truth: Truth) -> dict[int, int]:
    """page -> 1-based document index, from ``pages[].doc`` or else from ``documents``."""
    by_page = {p.page: p.doc for p in truth.pages if p.doc is not None}
    if not by_page:
        by_page = {page: i for i, doc in enumerate(truth.documents, 1) for page in doc.pages}
    return by_page


def _truth_page_types(truth: Truth) -> dict[int, str]:
    types = {p.page: p.type for p in truth.pages}
    if not types:
        types = {page: doc.type for doc in truth.documents for page in doc.pages}
    return types


def boundaries(page_docs: dict[int, Any], page_count: int) -> set[int]:
    """Pages 2..N whose document differs from the previous page's (unassigned pages count as
    one 'no document' group)."""
    return {p for p in range(2, page_count + 1) if page_docs.get(p) != page_docs.get(p - 1)}


def match_documents(true_pages: list[set[int]], pred_pages: list[set[int]],
                    min_iou: float = 0.0) -> list[tuple[int, int, float]]:
    """One-to-one matching by page IoU, greedily from the highest IoU down.

    Returns ``(true_index, pred_index, iou)``; ties break towards the earlier documents.
    """
    pairs = []
    for ti, t in enumerate(true_pages):
        for pi, p in enumerate(pred_pages):
            inter = len(t & p)
            if inter:
                iou = inter / len(t | p)
                if iou > min_iou:
                    pairs.append((-iou, ti, pi))
    pairs.sort()
    used_t: set[int] = set()
    used_p: set[int] = set()
    matches = []
    for neg_iou, ti, pi in pairs:
        if ti in used_t or pi in used_p:
            continue
        used_t.add(ti)
        used_p.add(pi)
        matches.append((ti, pi, -neg_iou))
    return sorted(matches)


def _span(pages: Iterable[int]) -> str:
    ordered = sorted(pages)
    if not ordered:
        return "p-"
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"p{ordered[0]}" if len(ordered) == 1 else f"p{ordered[0]}-{ordered[-1]}"
    return "p" + ",".join(str(p) for p in ordered)


def _predicted_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """name -> value for every field that carries a value (valid or not)."""
    out = {}
    for name, field in fields.items():
        value = field.value if hasattr(field, "value") else field
        if normal_form(value) is not None:
            out[name] = value
    return out


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if normal_form(v) is not None}


def score_packet(truth: Truth, report: Report | None, report_state: str = "ok",
                 options: ScoreOptions = ScoreOptions()) -> PacketScore:
    """Counts for one packet. ``report`` None (missing, unreadable) scores as nothing predicted."""
    pid, rendering = truth.packet_id, truth.rendering
    if report is not None and report.status == "failed":
        report_state = "failed"
    score = PacketScore(packet_id=pid, rendering=rendering, report=report_state)  # type: ignore[arg-type]
    mism = score.mismatches

    def miss(kind: MismatchKind, where: str, expected: Any, got: Any) -> None:
        if len(mism) < options.keep_mismatches:
            mism.append(Mismatch(packet_id=pid, rendering=rendering, kind=kind, where=where,
                                 expected=expected, got=got))

    if report_state != "ok":
        detail = report.error.code if report is not None and report.error else None
        miss("report", "report.json", "processed", f"{report_state}" + (f" ({detail})" if detail else ""))
    documents = report.documents if report is not None else []
    summaries = report.pages if report is not None else []

    # Page types.
    true_types = _truth_page_types(truth)
    page_count = truth.page_count or max([*true_types, *(p for d in truth.documents for p in d.pages)],
                                         default=0)
    pred_types: dict[int, str | None] = {}
    for doc in documents:
        for page in doc.pages:
            pred_types.setdefault(page, doc.type)
    for summary in summaries:
        if summary.type is not None:
            pred_types[summary.page] = summary.type
    for page, expected in sorted(true_types.items()):
        got = pred_types.get(page)
        score.page_type.total += 1
        if got == expected:
            score.page_type.correct += 1
        else:
            miss("page_type", f"p{page}", expected, got)

    # Split boundaries.
    true_bounds = boundaries(_truth_page_docs(truth), page_count)
    pred_page_docs: dict[int, int] = {}
    for i, doc in enumerate(documents, 1):
        for page in doc.pages:
            pred_page_docs.setdefault(page, i)
    pred_bounds = boundaries(pred_page_docs, page_count) if documents else set()
    score.boundaries = PRF(tp=len(true_bounds & pred_bounds), fp=len(pred_bounds - true_bounds),
                           fn=len(true_bounds - pred_bounds))
    for page in sorted(true_bounds - pred_bounds):
        miss("boundary", f"p{page}", "new document starts", "same document as previous page")
    for page in sorted(pred_bounds - true_bounds):
        miss("boundary", f"p{page}", "same document as previous page", "new document starts")

    # Documents: match, then types and fields.
    true_sets = [set(d.pages) for d in truth.documents]
    pred_sets = [set(d.pages) for d in documents]
    matches = match_documents(true_sets, pred_sets, options.min_iou)
    matched_true = {ti: pi for ti, pi, _ in matches}
    matched_pred = {pi for _, pi, _ in matches}
    doc_types = score.doc_types
    fields = score.fields
    by_type = score.fields_by_type

    def prf(table: dict[str, PRF], key: str) -> PRF:
        return table.setdefault(key, PRF())

    for ti, tdoc in enumerate(truth.documents):
        tname = f"d{ti + 1} {tdoc.type} {_span(tdoc.pages)}"
        true_fields = _present(tdoc.fields)
        pi = matched_true.get(ti)
        if pi is None:
            prf(doc_types, tdoc.type).fn += 1
            miss("document", tname, tdoc.type, None)
            for name, value in true_fields.items():
                prf(fields, name).fn += 1
                prf(by_type, f"{tdoc.type}.{name}").fn += 1
                miss("field", f"{tname} {name}", value, None)
            continue
        pdoc = documents[pi]
        if pdoc.type == tdoc.type:
            prf(doc_types, tdoc.type).tp += 1
        else:
            prf(doc_types, tdoc.type).fn += 1
            prf(doc_types, pdoc.type).fp += 1
            miss("document", tname, tdoc.type, f"{pdoc.type} {_span(pdoc.pages)}")
        pred_fields = _predicted_fields(pdoc.fields)
        for name in sorted(set(true_fields) | set(pred_fields)):
            expected, got = true_fields.get(name), pred_fields.get(name)
            counts, typed = prf(fields, name), prf(by_type, f"{tdoc.type}.{name}")
            if expected is not None and got is not None and values_equal(expected, got):
                counts.tp += 1
                typed.tp += 1
                continue
            if expected is not None:
                counts.fn += 1
                typed.fn += 1
            if got is not None:
                counts.fp += 1
                typed.fp += 1
            miss("field", f"{tname} {name}", expected, got)
    for pi, pdoc in enumerate(documents):
        if pi in matched_pred:
            continue
        pname = f"pred {pdoc.doc_id} {pdoc.type} {_span(pdoc.pages)}"
        prf(doc_types, pdoc.type).fp += 1
        miss("document", pname, None, pdoc.type)
        for name, value in _predicted_fields(pdoc.fields).items():
            prf(fields, name).fp += 1
            prf(by_type, f"{pdoc.type}.{name}").fp += 1
            miss("field", f"{pname} {name}", None, value)

    # Checklist.
    tcheck = truth.checklist or TruthChecklist(id=truth.workflow, status=None)
    pcheck = report.checklist if report is not None else None
    got_id = pcheck.id if pcheck is not None else "<no checklist>"
    got_status = pcheck.status if pcheck is not None else None
    got_missing = sorted(pcheck.missing_documents) if pcheck is not None else None
    score.checklist_id = Ratio(correct=int(pcheck is not None and got_id == tcheck.id), total=1)
    if not score.checklist_id.correct:
        miss("checklist", "id", tcheck.id, got_id)
    if tcheck.status is not None:
        score.checklist_status = Ratio(correct=int(got_status == tcheck.status), total=1)
        if not score.checklist_status.correct:
            miss("checklist", "status", tcheck.status, got_status)
    expected_missing = sorted(tcheck.missing_documents)
    ok = got_missing is not None and set(got_missing) == set(expected_missing)
    score.missing_documents = Ratio(correct=int(ok), total=1)
    if not ok:
        miss("checklist", "missing_documents", expected_missing, got_missing)
    return score


# --------------------------------------------------------------------------- folders


def truth_folder(path: Path) -> Path:
    """The folder of truth files: ``path`` itself, or ``path/truth`` when that exists."""
    path = Path(path)
    if (path / "truth").is_dir() and not any(path.glob("*.json")):
        return path / "truth"
    return path


def load_truths(path: Path) -> list[Truth]:
    folder = truth_folder(path)
    if not folder.is_dir():
        raise _error("E_EVAL_TRUTH", f"truth folder {folder} does not exist: pass the folder of "
                     "<packet_id>.json truth files (or its parent holding truth/)", str(folder))
    truths = []
    for file in sorted(folder.glob("*.json")):
        try:
            truths.append(Truth.model_validate_json(file.read_text()))
        except (ValidationError, ValueError) as exc:
            raise _error("E_EVAL_TRUTH", f"truth file {file.name} is not in the ground-truth "
                         f"format ({exc.__class__.__name__}: {str(exc)[:200]}); regenerate it with "
                         "samples.generate", str(file)) from exc
    if not truths:
        raise _error("E_EVAL_TRUTH", f"no <packet_id>.json truth files in {folder}", str(folder))
    return truths


def load_report(pred_dir: Path, packet_id: str) -> tuple[Report | None, str]:
    """The packet's report and 'ok', or None and 'missing' / 'invalid'."""
    file = Path(pred_dir) / packet_id / "report.json"
    if not file.is_file():
        return None, "missing"
    try:
        return Report.model_validate(json.loads(file.read_text())), "ok"
    except (ValidationError, ValueError):
        return None, "invalid"


def aggregate(packets: list[PacketScore]) -> dict[str, GroupScores]:
    groups: dict[str, GroupScores] = defaultdict(GroupScores)
    groups[OVERALL] = GroupScores()
    for packet in packets:
        groups[OVERALL].add(packet)
        groups[packet.rendering].add(packet)
    order = [OVERALL, *RENDERINGS, *sorted(set(groups) - {OVERALL, *RENDERINGS})]
    return {name: groups[name] for name in order if name in groups}


def score_dirs(truth_dir: Path, pred_dir: Path, options: ScoreOptions = ScoreOptions()) -> Scores:
    """Score every truth packet against ``pred_dir/<packet_id>/report.json``."""
    packets = []
    for truth in load_truths(Path(truth_dir)):
        report, state = load_report(Path(pred_dir), truth.packet_id)
        packets.append(score_packet(truth, report, state, options))
    return Scores(truth_dir=str(truth_dir), pred_dir=str(pred_dir), groups=aggregate(packets),
                  packets=packets)


def _error(code: str, message: str, file: str | None = None) -> Exception:
    from pipeline.errors import IntakeError

    return IntakeError(code, message, file)


# --------------------------------------------------------------------------- tables


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)  # noqa: E731
                               for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _p(prf: PRF) -> str:
    """Precision for a table; '-' when nothing was predicted (the JSON says 1.0)."""
    return f"{prf.precision:.3f}" if prf.tp + prf.fp else "-"


def _r(prf: PRF) -> str:
    """Recall for a table; '-' when there was nothing to find (the JSON says 1.0)."""
    return f"{prf.recall:.3f}" if prf.tp + prf.fn else "-"


def format_scores(scores: Scores, examples: int = 0) -> str:
    """Readable tables: headline metrics per rendering, document types, fields.

    Precision with nothing predicted and recall with nothing to find print as '-'."""
    names = list(scores.groups)
    groups = [scores.groups[n] for n in names]
    f = lambda x: f"{x:.3f}"  # noqa: E731
    headline = [
        ["packets", *[str(g.packets) for g in groups]],
        ["failed reports", *[str(g.failed) for g in groups]],
        ["missing reports", *[str(g.missing_reports) for g in groups]],
        ["page type accuracy", *[f(g.page_type.value) for g in groups]],
        ["boundary precision", *[_p(g.boundaries) for g in groups]],
        ["boundary recall", *[_r(g.boundaries) for g in groups]],
        ["boundary F1", *[f(g.boundaries.f1) for g in groups]],
        ["doc type macro-F1", *[f(g.doc_type_macro_f1) for g in groups]],
        ["field precision", *[_p(g.fields_overall) for g in groups]],
        ["field recall", *[_r(g.fields_overall) for g in groups]],
        ["field F1", *[f(g.fields_overall.f1) for g in groups]],
        ["checklist id accuracy", *[f(g.checklist_id.value) for g in groups]],
        ["checklist status accuracy", *[f(g.checklist_status.value) for g in groups]],
        ["missing_documents exact", *[f(g.missing_documents.value) for g in groups]],
    ]
    out = [f"truth: {scores.truth_dir}   predictions: {scores.pred_dir}", "",
           _table(["metric", *names], headline)]

    overall = scores.overall
    type_rows = _prf_rows(scores, names[1:], DOC_TYPES, "doc_types")
    out += ["", "Document types (F1 per rendering on the right)",
            _table(["type", "true", "pred", "P", "R", "F1", *names[1:]], type_rows)]

    field_rows = _prf_rows(scores, names[1:], FIELD_NAMES, "fields")
    total = overall.fields_overall
    field_rows.append(["(all fields)", str(total.support), str(total.tp + total.fp),
                       _p(total), _r(total), f(total.f1),
                       *[f(scores.groups[g].fields_overall.f1) for g in names[1:]]])
    out += ["", "Fields (F1 per rendering on the right)",
            _table(["field", "true", "pred", "P", "R", "F1", *names[1:]], field_rows)]

    if examples:
        shown = scores.mismatches()[:examples]
        out += ["", f"First {len(shown)} mismatches"]
        out += [f"  {m.packet_id} [{m.rendering}] {m.kind} {m.where}: expected {m.expected!r}, "
                f"got {m.got!r}" for m in shown]
    return "\n".join(out)


def _prf_rows(scores, groups: list[str], known: tuple[str, ...], attr: str) -> list[list[str]]:
    """One row per name (``known`` first, then any other seen): counts, P, R, F1, F1 per group."""
    f = lambda x: f"{x:.3f}"  # noqa: E731
    overall = getattr(scores.overall, attr)
    rows = []
    for name in [*known, *sorted(set(overall) - set(known))]:
        prf = overall.get(name)
        if prf is None:
            continue
        per_group = [f(getattr(scores.groups[g], attr)[name].f1) if name in getattr(scores.groups[g], attr)
                     else "-" for g in groups]
        rows.append([name, str(prf.support), str(prf.tp + prf.fp), _p(prf), _r(prf), f(prf.f1), *per_group])
    return rows
