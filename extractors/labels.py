"""Field labels as printed on forms, and the pass that pairs each label with its value.

A label names a CONTRACT field directly ("Date of Birth" -> patient_dob), or is generic
("Name", "NPI", "Fax") and takes its meaning from the *role* of the section it sits in
("Ordering Provider" / "Patient Information" / "Referred To" / "From" / "To"). Labels that
belong to no field ("Address", "Referred To", "Radiologist") are listed too: they end the
previous value and set the role, so a specialist's NPI is never read as the orderer's.

The vocabulary and its spaCy token patterns live in ``patterns.py``. A label counts when it is
followed by ``:`` or ``#``, starts a segment, or is *strong* (specific enough to be trusted
mid-sentence, like "DOB" or "NPI").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.patterns import Label, labels_in, role_cue, whole_label
from extractors.view import DocView, Segment, Token

_COLON_ONLY = {"service", "services"}  # a heading or a word unless followed by ':'
_LEAD = re.compile(r"^[\s\-\*\u2022\d\.\)]*$")


@dataclass
class Labeled:
    """One label and the text it labels."""

    key: str
    role: str | None  # role of the section it sits in (for generic labels)
    label_seg: Segment
    label_start: int
    label_end: int
    value_seg: Segment
    value_start: int
    value_end: int
    placement: str  # "inline" | "right" | "below"
    weak: bool = False  # a bare label inside running text (no ':' and not starting its segment)

    @property
    def value_text(self) -> str:
        return self.value_seg.text[self.value_start:self.value_end]


@dataclass
class _Hit:
    label: Label
    start: int
    end: int  # after the label and its ':' / '#'
    has_colon: bool
    at_start: bool = True


def label_hits(seg: Segment) -> list[_Hit]:
    """The labels of a segment that stand as labels there (see the module docstring); in OCR'd
    segments also labels a fax misread, where they stand alone or before a ':' (``labels_in``)."""
    hits = []
    text = seg.text
    for found in labels_in(text, seg.ocr):
        label, words = found.label, text[found.start:found.label_end]
        colon = found.has_colon
        at_start = bool(_LEAD.match(text[: found.start]))
        if not (colon or at_start or label.strong) or (not colon and words.lower() in _COLON_ONLY):
            continue
        if not colon and not at_start and label.strong and words.islower() and len(words) <= 4:
            continue  # "dos" / "npi" in running lower-case text is a word, not a label
        if re.match(r"\s*dear\b", text, re.I):
            continue  # "Dear Appeals Reviewer:": a salutation, not a label
        if not colon and not at_start and label.key == "payer_name" and not words[0].isupper():
            continue  # "her primary insurance denied it": prose, not a label
        hits.append(_Hit(label, found.start, found.end, colon, at_start))
    return hits


def _pseudo_segment(tokens: list[Token], like: Segment) -> Segment:
    return Segment(like.page, tokens, like.row, like.index, like.ocr)


def find_labeled(view: DocView) -> list[Labeled]:
    """Every label in the document with the value it labels, in reading order."""
    out: list[Labeled] = []
    section_role: str | None = None  # from headings: lasts until the next heading
    row_role: tuple[str, int] | None = None  # from a labelled value: lasts for its row and the next two
    for row_index, row in enumerate(view.rows):
        if row_role is not None and row_index - row_role[1] > 2:
            row_role = None
        for seg in row:
            hits = label_hits(seg)
            if not hits:
                if len(seg.text.split()) <= 6 and not re.search(r"\d", seg.text):
                    role = role_cue(seg.text)
                    if role is not None:
                        section_role, row_role = role, None
                continue
            for i, hit in enumerate(hits):
                if hit.label.role and hit.label.key not in ("patient_dob", "member_id"):
                    has_value = not _only_label(seg.text[hit.end:hits[i + 1].start if i + 1 < len(hits) else len(seg.text)])
                    if has_value:
                        row_role = (hit.label.role, row_index)
                    else:
                        section_role, row_role = hit.label.role, None
                role = row_role[0] if row_role is not None else section_role
                weak = not hit.has_colon and not hit.at_start
                end = hits[i + 1].start if i + 1 < len(hits) else len(seg.text)
                value_start = hit.end
                while value_start < end and seg.text[value_start] in " :;#-.\u2013":
                    value_start += 1
                value = seg.text[value_start:end].strip()
                if value and not _only_label(value):
                    out.append(Labeled(hit.label.key, role, seg, hit.start, hit.end, seg, value_start,
                                       value_start + len(value), "inline", weak))
                    wrapped = _wrapped_value(view, seg, value_start) if i + 1 == len(hits) else None
                    if wrapped is not None:  # "Completed on 02-" / "Nov-2026.": the value goes on below
                        out.append(Labeled(hit.label.key, role, seg, hit.start, hit.end, wrapped, 0,
                                           len(wrapped.text), "below", weak))
                    continue
                if i + 1 < len(hits):
                    continue  # a label directly followed by another label: empty field
                right = view.right_of(seg)
                if right is not None and not _misread_label_cell(right):
                    right_hits = label_hits(right)
                    stop = right_hits[0].start if right_hits else len(right.text)
                    text = right.text[:stop].rstrip()
                    if text:
                        out.append(Labeled(hit.label.key, role, seg, hit.start, hit.end, right, 0, len(text), "right", weak))
                    run = _cell_run(view, right) if not right_hits else None
                    if run is not None:  # "D.O.B.: | January | 22, | 2001": OCR split the value into cells
                        out.append(Labeled(hit.label.key, role, seg, hit.start, hit.end, run, 0, len(run.text), "right", weak))
                if right is None and seg.row + 1 < len(view.rows) and view.rows[seg.row + 1][0].page == seg.page:
                    nxt = view.rows[seg.row + 1][0]  # prose wrapped after the label: "..., NPI" / "1234567893."
                    nxt_hits = label_hits(nxt)
                    stop = nxt_hits[0].start if nxt_hits else len(nxt.text)
                    if stop > 0 and hit.start > 0:
                        out.append(Labeled(hit.label.key, role, seg, hit.start, hit.end, nxt, 0,
                                           len(nxt.text[:stop].rstrip()), "below", weak))
                        run = _cell_run(view, nxt) if not nxt_hits else None
                        if run is not None:  # "... ATTENDING PROVIDER:" / "Thomas, | Jasmine | MD"
                            out.append(Labeled(hit.label.key, role, seg, hit.start, hit.end, run, 0, len(run.text),
                                               "below", weak))
                label_tokens = seg.tokens_in(hit.start, hit.end)
                x0 = label_tokens[0].bbox[0] if label_tokens else seg.bbox[0]
                if len(seg.text[: hit.start].strip()) <= 8:  # "# OF PAGES" read as "#4 OF PAGES": the cell's column
                    x0 = min(x0, seg.bbox[0])
                x1 = right.bbox[0] if right is not None else 1e9
                tokens = view.below(seg, x0, x1, label_x1=label_tokens[-1].bbox[2] if label_tokens else None)
                if tokens:
                    below = _pseudo_segment(tokens, seg)
                    stop_hits = label_hits(below)
                    stop = stop_hits[0].start if stop_hits else len(below.text)
                    if stop > 0:
                        out.append(Labeled(hit.label.key, role, seg, hit.start, hit.end, below, 0,
                                           len(below.text[:stop].rstrip()), "below", weak))
                elif right is None and hit.start == 0 and seg.index > 0:
                    wrapped = _run_on_value(view, seg)
                    if wrapped is not None:  # "... | ATTENDING PROVIDER:" / "Thomas, | Jasmine | MD"
                        out.append(Labeled(hit.label.key, role, seg, hit.start, hit.end, wrapped, 0,
                                           len(wrapped.text), "below", weak))
    out.extend(_from_key_values(view))
    out.extend(_wrapped_labels(view))
    return _with_continued_names(view, out)


_LABEL_TAIL = re.compile(r"(?:^|[|;]|\.\s)\s*([A-Za-z][A-Za-z ]{0,30})$")
_LABEL_HEAD = re.compile(r"\s*([A-Za-z#][A-Za-z .#]{0,20}?)\s*:")
_PROSE_HEADS = (re.compile(r"\s*([A-Za-z]+)\b"), re.compile(r"\s*([A-Za-z]+ [A-Za-z]+)\b"))


def _split_label(tail: str, first_text: str):
    """The label whose words end one line and start the next, and where its value starts: after
    a ':' ("SUBSCRIBER" / "ID: ..."), or with no ':' for a label trusted in prose ("Completed" /
    "on 2026-11-23")."""
    head = _LABEL_HEAD.match(first_text)
    if head:
        label = whole_label(f"{tail} {head.group(1).strip()}")
        return (label, head) if label else (None, None)
    for pattern in _PROSE_HEADS:
        head = pattern.match(first_text)
        label = whole_label(f"{tail} {head.group(1)}") if head else None
        if label is not None and label.strong:
            return label, head
    return None, None


def _wrapped_labels(view: DocView) -> list[Labeled]:
    """A label that prose or a run-on form line breaks across two lines ("... | SUBSCRIBER" /
    "ID: W578569973 | ..."; "... | ID" / "#: 27884287551 | ..."; "... Completed" / "on 2026-11-23."):
    the end of one line and the start of the next read together as one label."""
    out: list[Labeled] = []
    for row, nxt in zip(view.rows, view.rows[1:]):
        if not row or not nxt or nxt[0].page != row[-1].page:
            continue
        last, first = row[-1], nxt[0]
        tail = _LABEL_TAIL.search(last.text)
        label, head = _split_label(tail.group(1).strip(), first.text) if tail else (None, None)
        if label is None:
            continue
        alone = whole_label(head.group(1).strip())
        if alone is not None and alone.key == label.key:
            continue  # the second line holds the whole label already
        start = head.end()
        while start < len(first.text) and first.text[start] == " ":
            start += 1
        stops = [h.start for h in label_hits(first) if h.start >= start]
        value = first.text[start:stops[0] if stops else len(first.text)].rstrip(" |;")
        if value:
            out.append(Labeled(label.key, label.role, last, tail.start(1), len(last.text), first, start,
                               start + len(value), "inline"))
    return out


_NAME_WORD = re.compile(r"^[A-Z][A-Za-z'&\-]*[.,]?$")
_SENTENCE_START = re.compile(r"^(?:the|this|that|these|those|a|an|it|he|she|they|we|i|patient|coverage|please|"
                             r"and|or|but|is|was|with|for|to)$", re.I)


def _with_continued_names(view: DocView, found: list[Labeled]) -> list[Labeled]:
    """A payer name the value's cell does not hold whole, placed right before the cut value:
    the rest in the next cells of the row ("Lakeshore | Community | Health Plan" read word by
    word), wrapped under the value in its column ("Lakeshore Community" / "Health Plan"), or
    wrapped to the next line of prose ("Primary Insurance: Evergreen Medicare" / "Advantage.")."""
    out: list[Labeled] = []
    for item in found:
        longer = _continued(view, item) if item.key == "payer_name" and item.value_seg.row >= 0 else None
        if longer is not None:
            out.append(longer)
        out.append(item)
    return out


def _other_label(seg: Segment) -> bool:
    """A label in the cell, other than the plan words a payer's name holds ("... Health Plan")."""
    return any(h.has_colon or h.label.key != "payer_name" for h in label_hits(seg))


def _continued(view: DocView, item: Labeled) -> Labeled | None:
    seg = item.value_seg
    if seg.text[item.value_end:].strip() or re.search(r"[.;,|]$", item.value_text):
        return None  # the value does not run to the end of its cell, or ends a sentence
    row = view.rows[seg.row] if seg.row < len(view.rows) else []
    tokens = seg.tokens_in(item.value_start, item.value_end)
    if not tokens or seg not in row:
        return None
    height = max(t.bbox[3] - t.bbox[1] for t in tokens)
    extra: list[Token] = []
    for nxt in row[row.index(seg) + 1:]:  # the next cells of the same row
        gap = nxt.bbox[0] - (extra or tokens)[-1].bbox[2]
        if _other_label(nxt) or gap > 2.5 * height or not all(_NAME_WORD.match(t.text) for t in nxt.tokens) \
                or _SENTENCE_START.match(nxt.tokens[0].text):
            break
        extra.extend(nxt.tokens)
        if nxt.text.endswith((".", ",")):
            break
    ended_row = not extra or extra[-1] is row[-1].tokens[-1]
    if not extra and ended_row:
        after = row[row.index(seg) + 1:]
        for below_row in view.rows[seg.row + 1:seg.row + 3]:  # wrapped under the value (skipping a speck row)
            if not below_row or below_row[0].page != seg.page:
                break
            x0, x1 = tokens[0].bbox[0] - 1.5 * height, tokens[-1].bbox[2]
            cell = next((s for s in below_row if x0 <= s.bbox[0] < x1), None)
            left_empty = cell is not None and not any(re.search(r"[A-Za-z0-9]", s.text) for s in below_row
                                                      if s.bbox[0] < cell.bbox[0])
            if cell is not None and left_empty and not _other_label(cell) and len(cell.tokens) <= 3 \
                    and all(_NAME_WORD.match(t.text) for t in cell.tokens):
                extra = list(cell.tokens)
                break
            if any(re.search(r"[A-Za-z0-9]{2}", s.text) for s in below_row):
                if not after and below_row[0].bbox[0] < tokens[0].bbox[0]:  # prose: the line goes on at the margin
                    words, ended = [], False
                    for t in below_row[0].tokens[:4]:
                        if t.text in ("|", ";"):  # a run-on form line's field separator ends the name
                            ended = bool(words)
                            break
                        if not _NAME_WORD.match(t.text) or _SENTENCE_START.match(t.text.rstrip(".,")):
                            break
                        words.append(t)
                        if t.text.endswith((".", ",")):
                            ended = True
                            break
                    if words and ended and len(words) <= 3 and not label_hits(_pseudo_segment(words, seg)):
                        extra = words
                break
    if not extra:
        return None
    merged = tokens + [Token(t.text.rstrip(".,"), t.bbox, t.confidence) for t in extra]
    longer = _pseudo_segment(merged, seg)
    return Labeled(item.key, item.role, item.label_seg, item.label_start, item.label_end, longer, 0,
                   len(longer.text), item.placement, item.weak)


def _run_on_value(view: DocView, seg: Segment) -> Segment | None:
    """The value of a label that ends a run-on form line, wrapped to the start of the next line."""
    if seg.row + 1 >= len(view.rows) or not view.rows[seg.row + 1] or view.rows[seg.row + 1][0].page != seg.page:
        return None
    nxt = view.rows[seg.row + 1][0]
    if nxt.bbox[0] > view.rows[seg.row][0].bbox[0] + 10 or label_hits(nxt):
        return None  # not at the line's margin, or a label of its own
    return _cell_run(view, nxt) or nxt


def _cell_run(view: DocView, first: Segment, max_cells: int = 3) -> Segment | None:
    """A value cell and the short cells right after it in its row, read as one value: a date or a
    name OCR split at wide letter gaps. None when no cell follows closely, or the next holds a label."""
    row = view.rows[first.row] if 0 <= first.row < len(view.rows) else []
    if first not in row or len(first.tokens) > 2:
        return None
    height = max(t.bbox[3] - t.bbox[1] for t in first.tokens)
    tokens = list(first.tokens)
    for nxt in row[row.index(first) + 1:row.index(first) + 1 + max_cells]:
        if nxt.bbox[0] - tokens[-1].bbox[2] > 3 * height or len(nxt.tokens) > 2 or label_hits(nxt) \
                or not re.search(r"[A-Za-z0-9]", nxt.text):
            break
        tokens.extend(nxt.tokens)
    return _pseudo_segment(tokens, first) if len(tokens) > len(first.tokens) else None


def _wrapped_value(view: DocView, seg: Segment, value_start: int) -> Segment | None:
    """The end of a line's value joined with the start of the next line, when the value is short
    and runs to the end of a line that has nothing to its right (prose wrapped mid-value)."""
    value = seg.text[value_start:].strip()
    if view.right_of(seg) is not None or len(value) > 12 or seg.row + 1 >= len(view.rows):
        return None
    nxt = view.rows[seg.row + 1][0]
    if nxt.page != seg.page or label_hits(nxt) and label_hits(nxt)[0].start == 0:
        return None
    tokens = seg.tokens_in(value_start, len(seg.text)) + nxt.tokens[:3]
    return _pseudo_segment(tokens, seg) if tokens else None


def _misread_label_cell(seg: Segment) -> bool:
    """An OCR'd cell in capitals that ends with a label word: the next box's label with its first
    words misread ("HMR TEE DATE" for "BIRTH DATE"), not a value (payer names end in plan words)."""
    text = seg.text.rstrip(" :#")
    if not seg.ocr or not text.isupper():
        return False
    hits = labels_in(text)
    return bool(hits) and hits[-1].label_end == len(text) and hits[-1].label.key != "payer_name" \
        and not re.search(r"\d", text[:hits[-1].start])


def _only_label(text: str) -> bool:
    return not text.strip(" :#-.")


def _from_key_values(view: DocView) -> list[Labeled]:
    """Pairs found by the layout stage (``page.key_values``), as fallback candidates."""
    out: list[Labeled] = []
    for page in view.pages:
        for kv in page.key_values:
            key_text = kv.key.text.lstrip("|[]!:;. ")  # "| GROUP NO.": a table rule read as a character
            if not key_text:
                continue
            key_seg = Segment(page.page, [Token(key_text, kv.key.bbox, kv.confidence)], -1, 0, page.method == "ocr")
            hits = label_hits(key_seg)
            if not hits or hits[0].start > 0:
                continue
            words = [Token(w.text, w.bbox, w.confidence) for w in page.words
                     if _inside(w.bbox, kv.value.bbox)]
            tokens = sorted(words, key=lambda t: (round(t.bbox[1] / 4), t.bbox[0])) or \
                [Token(kv.value.text, kv.value.bbox, kv.confidence)]
            value_seg = Segment(page.page, tokens, -1, 0, page.method == "ocr")
            out.append(Labeled(hits[0].label.key, None, key_seg, 0, len(key_seg.text), value_seg, 0,
                               len(value_seg.text), "layout"))
    return out


def _inside(inner: tuple[float, float, float, float], outer: tuple[float, float, float, float]) -> bool:
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] - 1 <= cx <= outer[2] + 1 and outer[1] - 1 <= cy <= outer[3] + 1
