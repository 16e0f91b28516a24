"""Field labels as printed on forms, and the pass that pairs each label with its value.

A label names a CONTRACT field directly ("Date of Birth" -> patient_dob), or is generic
("Name", "NPI", "Fax") and takes its meaning from the *role* of the section it sits in
("Ordering Provider" / "Patient Information" / "Referred To" / "From" / "To"). Labels that
belong to no field ("Address", "Referred To", "Radiologist") are listed too: they end the
previous value and set the role, so a specialist's NPI is never read as the orderer's.

A label counts when it is followed by ``:`` or ``#``, starts a segment, or is *strong*
(specific enough to be trusted mid-sentence, like "DOB" or "NPI").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.view import DocView, Segment, Token

# key, role it sets (or None), strong, phrases (regex fragments, matched case-insensitively)
_TABLE: list[tuple[str, str | None, bool, list[str]]] = [
    ("patient_name", "patient", False, [
        r"patient(?:'s)? (?:full )?name", r"name of patient", r"pt\.? name", r"member name", r"subscriber name",
        r"insured(?:'s)? name", r"beneficiary name", r"enrollee name", r"client name", r"patient name \(last, first\)",
        r"name \(last, first(?:, mi)?\)", r"patient/member name", r"member/patient name", r"patient", r"member",
        r"subscriber", r"insured", r"beneficiary", r"enrollee", r"re", r"regarding", r"pt"]),
    ("patient_dob", "patient", True, [
        r"date of birth", r"d\.?o\.?b\.?", r"birth ?date", r"patient dob", r"member dob", r"born"]),
    ("member_id", "patient", True, [
        r"member (?:id|identification)(?: (?:number|no\.?|#))?", r"member (?:number|no\.?|#)", r"member id#?", r"member#",
        r"subscriber (?:id|number|no\.?|#)", r"insurance id(?: (?:number|no\.?|#))?", r"insured id(?: number)?",
        r"policy (?:number|no\.?|#|id)", r"identification (?:number|no\.?)", r"medicare (?:number|id|#)",
        r"medicaid (?:number|id|#)", r"id (?:number|no\.?|#)", r"mbr id", r"member identification", r"policy/member id",
        r"member/policy id", r"plan id"]),
    ("group_number", None, True, [r"group (?:number|no\.?|#|id)", r"grp(?: (?:number|no\.?|#))?", r"group"]),
    ("payer_name", None, False, [
        r"payer(?: name)?", r"insurance (?:company|plan|carrier|name|provider)", r"health plan(?: name)?",
        r"plan name", r"insurer", r"insurance", r"carrier", r"payor(?: name)?", r"insurance co\.?"]),
    # Specific enough mid-sentence ("... 1993-04-02. Primary Insurance  Heartland Benefit Trust"), when capitalised.
    ("payer_name", None, True, [r"primary insurance", r"insurance carrier", r"primary payer", r"insurance plan"]),
    ("ordering_provider_name", "ordering", False, [
        r"ordering (?:provider|physician|clinician|practitioner|doctor)(?: name)?", r"requesting (?:provider|physician|clinician|practitioner)(?: name)?",
        r"referring (?:provider|physician|clinician|practitioner|doctor)(?: name)?", r"prescrib(?:er|ing (?:provider|physician|practitioner))(?: name)?",
        r"ordered by", r"requested by", r"referred by", r"prescribed by", r"treating (?:provider|physician)(?: name)?",
        r"(?:provider|physician|clinician) name", r"provider", r"physician", r"clinician", r"author", r"authored by",
        r"ordering md"]),
    # Who saw the patient: the author of a clinical note, but not of a discharge summary or a report.
    ("note_author", "author", False, [r"seen by", r"attending provider", r"rendering provider", r"attending physician",
                                     r"visit provider", r"encounter provider"]),
    ("ordering_provider_npi", "ordering", True, [
        r"(?:ordering|requesting|referring|prescriber|prescribing|provider|physician|treating) npi(?: (?:number|no\.?|#))?"]),
    ("npi", None, True, [r"npi(?: (?:number|no\.?|#))?", r"national provider identifier"]),
    ("service_date", None, True, [
        r"(?:requested |anticipated |planned |proposed |scheduled |expected )?date(?:\(s\))? of service", r"dos",
        r"(?:requested |anticipated |planned |proposed |scheduled |expected )?service date", r"scheduled (?:date|for)", r"planned for",
        r"procedure date", r"date of procedure", r"appointment date", r"requested date", r"start date",
        r"exam date", r"date of exam", r"study date", r"date of study", r"service dates?"]),
    # "SERVICE: 12/17/2026" (the rest of a label wrapped from the line above): only as a label with ':'
    # or at the start of a cell, and only a date parses as its value.
    ("service_date", None, False, [r"services?"]),
    ("document_date", None, False, [
        r"date of (?:visit|note|report|letter|encounter|request|order|referral|determination|notice|consent)",
        r"(?:visit|note|report|letter|encounter|request|order|referral|determination|notice|form|signature) date",
        r"date signed", r"signed (?:on|date)", r"date reported", r"reported", r"report date", r"resulted", r"final report",
        r"dictated", r"date completed", r"date issued", r"issue date", r"notice date", r"date sent", r"sent", r"discharge date",
        r"date of discharge", r"date ordered", r"date submitted", r"today'?s date", r"registration date", r"statement date",
        r"date processed", r"processed(?: date| on)?", r"date of (?:the )?letter", r"date"]),
    ("document_date", None, True, [r"completed on", r"signed on", r"dated"]),
    ("auth_number", None, True, [
        r"(?:prior )?auth(?:orization)? (?:number|no\.?|#|id|reference)", r"reference (?:number|no\.?|#)", r"ref(?:erence)? ?#",
        r"case (?:number|no\.?|#|id)", r"claim (?:number|no\.?|#|id)", r"tracking (?:number|no\.?|#)",
        r"certification (?:number|no\.?|#)", r"pa (?:number|no\.?|#)", r"request (?:number|id|no\.?|#)", r"precert(?:ification)? (?:number|no\.?|#)",
        r"review (?:number|id|#)"]),
    ("determination", None, False, [r"determination", r"decision", r"status", r"outcome", r"review outcome", r"request status"]),
    ("fax_from", "sender", True, [r"(?:sender(?:'s)?|from) fax(?: (?:number|no\.?|#))?", r"fax from", r"return fax"]),
    ("fax_to", "recipient", True, [r"(?:recipient(?:'s)?|to) fax(?: (?:number|no\.?|#))?", r"fax to"]),
    ("fax", None, False, [r"fax(?: (?:number|no\.?|#))?", r"facsimile", r"fax phone"]),
    ("role_sender", "sender", False, [r"from", r"sender", r"sent by"]),
    ("role_recipient", "recipient", False, [r"to", r"recipient", r"attn", r"attention"]),
    ("page_count", None, True, [
        r"(?:number of |total |no\.? of |# of )?pages?(?: \(including (?:this )?cover(?: sheet| page)?\))?(?: including cover(?: sheet| page)?)?",
        r"page count", r"pages? sent"]),
    ("name", None, False, [r"name", r"full name"]),
    ("cpt_codes", None, True, [r"cpt(?:/hcpcs)?(?: codes?)?(?:\(s\))?", r"hcpcs(?: codes?)?", r"procedure codes?(?:\(s\))?", r"cpt/hcpcs codes?"]),
    ("icd10_codes", None, True, [r"icd-?10(?:-cm)?(?: codes?)?(?:\(s\))?", r"diagnosis codes?(?:\(s\))?", r"dx codes?", r"icd codes?"]),
    # Labels that belong to no field: they end values and set roles.
    ("other", "other", False, [
        r"referred to", r"refer to", r"referral to", r"specialist(?: name)?", r"consultant", r"radiologist", r"interpreting (?:physician|radiologist)",
        r"reading (?:physician|radiologist)", r"interpreted by", r"read by", r"performing (?:provider|physician|facility)",
        r"rendering (?:provider|physician|facility)", r"servicing (?:provider|facility)", r"attending(?: physician)?", r"facility(?: name)?",
        r"pcp", r"primary care(?: physician| provider)?", r"pathologist", r"lab director", r"medical director", r"reviewer",
        r"reviewed by", r"verified by", r"cc", r"place of service"]),
    ("last_name", "patient", False, [r"last name", r"patient last name", r"surname", r"family name"]),
    ("first_name", "patient", False, [r"first name", r"patient first name", r"given name"]),
    ("middle_initial", "patient", False, [r"mi", r"m\.i\.", r"middle initial", r"middle name"]),
    ("ignore", None, False, [
        r"address", r"street", r"city", r"state", r"zip(?: code)?", r"phone(?: number)?", r"tel(?:ephone)?", r"email", r"e-mail",
        r"sex", r"gender", r"age", r"mrn", r"medical record(?: number| #)?", r"account(?: number| #)?", r"acct", r"ssn",
        r"patient id", r"tax id", r"tin", r"dea(?: number| #)?", r"license(?: number| #)?", r"specialty", r"practice(?: name)?",
        r"signature", r"signed", r"diagnosis", r"procedure", r"description", r"units", r"quantity", r"relationship",
        r"rx ?grp", r"rx ?bin", r"rx ?pcn", r"bin", r"pcn", r"copay", r"deductible", r"effective(?: date)?", r"plan type",
        r"subject", r"time", r"urgency", r"priority", r"comments?", r"notes?", r"message", r"contact(?: person)?",
        r"amount billed", r"billed", r"allowed", r"paid", r"patient responsibility", r"clinic", r"organization", r"company",
        r"department", r"dept", r"title", r"credentials", r"collected", r"collection date", r"date of collection",
        r"admission date", r"admit date", r"date of admission", r"received", r"date received", r"accession(?: #| number)?",
        r"effective date", r"expiration date",
        r"marital status", r"emergency contact", r"visits requested", r"exam", r"drug", r"dose", r"site of care",
        r"clinical indication", r"reason for (?:referral|visit)", r"chief complaint"]),
]


@dataclass(frozen=True)
class Label:
    key: str
    role: str | None
    strong: bool


_LABELS: dict[str, Label] = {}
_ALTERNATIVES: list[tuple[str, str]] = []
for _key, _role, _strong, _phrases in _TABLE:
    for _phrase in _phrases:
        _group = f"L{len(_ALTERNATIVES)}"
        _LABELS[_group] = Label(_key, _role, _strong)
        # OCR reads "ID" as "1D" / "lD": accept those in labels.
        _pattern = re.sub(r"(?<![a-z\\])id(?![a-z])", "[i1l|!]d", _phrase)
        _ALTERNATIVES.append((_group, _pattern.replace(" ", r"\s+")))
_ALTERNATIVES.sort(key=lambda g: -len(g[1]))
LABEL_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:" + "|".join(f"(?P<{g}>{p})" for g, p in _ALTERNATIVES) + r")(?![A-Za-z'])",
    re.IGNORECASE,
)
_AFTER = re.compile(r"\s*(?:[:;#]|no\.)|\s+(?:is|was|on file is)\s+(?=\S)")
_COLON_ONLY = {"service", "services"}  # a heading or a word unless followed by ':'
_LEAD = re.compile(r"^[\s\-\*\u2022\d\.\)]*$")

# Section headings set a role for the generic labels below them.
ROLE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("other", re.compile(r"\b(referred to|refer(?:ral)? to|specialist|consultant|radiologist|interpret|reading|rendering|servicing|performing|facility|attending|pcp|primary care)\b", re.I)),
    ("ordering", re.compile(r"\b(ordering|requesting|referring|prescrib\w*|provider|physician|clinician|practitioner)\b", re.I)),
    ("patient", re.compile(r"\b(patient|member|subscriber|insured|enrollee|beneficiary)\b", re.I)),
    ("sender", re.compile(r"^\s*(from|sender)\b", re.I)),
    ("recipient", re.compile(r"^\s*(to|recipient|attn)\b", re.I)),
]


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
    hits = []
    for m in LABEL_RE.finditer(seg.text):
        label = _LABELS[m.lastgroup or ""]
        after = _AFTER.match(seg.text, m.end())
        colon = after is not None
        at_start = bool(_LEAD.match(seg.text[: m.start()]))
        if not (colon or at_start or label.strong) or (not colon and m.group(0).lower() in _COLON_ONLY):
            continue
        if m.end() < len(seg.text) and seg.text[m.end()].isdigit() and m.group(0).lower() not in ("npi", "fax", "dob"):
            continue  # "GRP64540" is a value, not a label glued to one
        if not colon and not at_start and label.strong and m.group(0).islower() and len(m.group(0)) <= 4:
            continue  # "dos" / "npi" in running lower-case text is a word, not a label
        if re.match(r"\s*dear\b", seg.text, re.I):
            continue  # "Dear Appeals Reviewer:": a salutation, not a label
        if not colon and not at_start and label.key == "payer_name" and not m.group(0)[0].isupper():
            continue  # "her primary insurance denied it": prose, not a label
        hits.append(_Hit(label, m.start(), after.end() if after else m.end(), colon, at_start))
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
                    for name, pattern in ROLE_WORDS:
                        if pattern.search(seg.text):
                            section_role, row_role = name, None
                            break
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
                if right is not None:
                    right_hits = label_hits(right)
                    stop = right_hits[0].start if right_hits else len(right.text)
                    text = right.text[:stop].rstrip()
                    if text:
                        out.append(Labeled(hit.label.key, role, seg, hit.start, hit.end, right, 0, len(text), "right", weak))
                if right is None and seg.row + 1 < len(view.rows) and view.rows[seg.row + 1][0].page == seg.page:
                    nxt = view.rows[seg.row + 1][0]  # prose wrapped after the label: "..., NPI" / "1234567893."
                    nxt_hits = label_hits(nxt)
                    stop = nxt_hits[0].start if nxt_hits else len(nxt.text)
                    if stop > 0 and hit.start > 0:
                        out.append(Labeled(hit.label.key, role, seg, hit.start, hit.end, nxt, 0,
                                           len(nxt.text[:stop].rstrip()), "below", weak))
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
    out.extend(_from_key_values(view))
    out.extend(_wrapped_labels(view))
    return _with_continued_names(view, out)


_LABEL_TAIL = re.compile(r"(?:^|[|;]|\.\s)\s*([A-Za-z][A-Za-z ]{0,30})$")
_LABEL_HEAD = re.compile(r"\s*([A-Za-z#][A-Za-z .#]{0,20}?)\s*:")


def _wrapped_labels(view: DocView) -> list[Labeled]:
    """A label that prose or a run-on form line breaks across two lines ("... | SUBSCRIBER" /
    "ID: W578569973 | ..."; "... | ID" / "#: 27884287551 | ..."): the end of one line and the
    start of the next read together as one label, its value after the ':'."""
    out: list[Labeled] = []
    for row, nxt in zip(view.rows, view.rows[1:]):
        if not row or not nxt or nxt[0].page != row[-1].page:
            continue
        last, first = row[-1], nxt[0]
        tail, head = _LABEL_TAIL.search(last.text), _LABEL_HEAD.match(first.text)
        if not tail or not head:
            continue
        full = LABEL_RE.fullmatch(f"{tail.group(1).strip()} {head.group(1).strip()}")
        if not full:
            continue
        label = _LABELS[full.lastgroup or ""]
        alone = LABEL_RE.fullmatch(head.group(1).strip())
        if alone and _LABELS[alone.lastgroup or ""].key == label.key:
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
                    words = []
                    for t in below_row[0].tokens[:3]:
                        if not _NAME_WORD.match(t.text) or _SENTENCE_START.match(t.text.rstrip(".,")):
                            break
                        words.append(t)
                        if t.text.endswith((".", ",")):
                            break
                    if words and words[-1].text.endswith((".", ",")) and not label_hits(_pseudo_segment(words, seg)):
                        extra = words
                break
    if not extra:
        return None
    merged = tokens + [Token(t.text.rstrip(".,"), t.bbox, t.confidence) for t in extra]
    longer = _pseudo_segment(merged, seg)
    return Labeled(item.key, item.role, item.label_seg, item.label_start, item.label_end, longer, 0,
                   len(longer.text), item.placement, item.weak)


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
