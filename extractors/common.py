"""Building blocks the family extractors compose: the usual identity, provider and date fields."""

from __future__ import annotations

import re

from extractors import normalize
from extractors.fields import Reader, Value, date_parser, make_field, parse_name, parse_npi, read_codes
from extractors.patterns import NPI_LABELS, entities, labels_in
from extractors.view import Evidence, in_transmit_header
from pipeline.model import Field

# "Jane Doe is a 63-year-old", "patient Jane Doe (DOB ...)", "RE: Jane Doe"
_NAME = r"[A-Z][A-Za-z'\-]+(?:,\s+[A-Z][A-Za-z'\-]+(?:\s+[A-Z]\b\.?)?|(?:\s+[A-Z]\.?)?(?:\s+[A-Z][A-Za-z'\-]+){1,2})"
_PROSE_PATIENT = re.compile(
    r"(?:\b(?i:patient|pt|member|re|regarding|for)\b[:,]?\s+(?:(?i:mr|mrs|ms|miss)\.?\s+)?)(" + _NAME + ")"
    r"|(" + _NAME + r")(?=,?\s+(?:is\s+an?\s+\d{1,3}[\s\-]*(?:year|yo)|\(?(?:DOB|born|date of birth)))")
_SIGNED_BY = re.compile(
    r"(?:electronically\s+signed\s+by|e-?signed\s+by|signed\s+by|digitally\s+signed\s+by|authenticated\s+by|/s/|"
    r"dictated\s+by|authored\s+by|author|provider|physician|signed)\s*:?\s*(.+)", re.I)
_CLOSINGS = re.compile(r"^\s*(sincerely|respectfully|regards|best regards|kind regards|thank you)\b", re.I)



def patient_name(r: Reader) -> Field | None:
    return (r.labelled("patient_name") or split_name(r) or name_after_for(r)
            or r.search(_PROSE_PATIENT, _name_from_groups, group=1) or r.search(_PROSE_PATIENT, _name_from_groups, group=2))


def _name_from_groups(text: str, ocr: bool) -> Value | None:
    return parse_name(text, ocr)


def provider_from_signature(r: Reader) -> Field | None:
    """The author from "Electronically signed by Dr. X", "/s/ X", or the name under a closing."""
    for seg in r.view.segments:
        m = _SIGNED_BY.search(seg.text)
        if m and re.match(r"(?:electronically|e-?signed|signed|digitally|authenticated|/s/|dictated|authored)", m.group(0), re.I):
            value = parse_name(m.group(1), seg.ocr)
            if value is not None:
                ev = seg.evidence(m.start(1) + value.start, m.start(1) + value.end)
                if ev:
                    return make_field(value, ev, "pattern")
    rows = r.view.rows
    for i, row in enumerate(rows):
        if row and _CLOSINGS.match(row[0].text):
            for nxt in rows[i + 1:i + 5]:
                seg = nxt[0]
                value = parse_name(seg.text.lstrip("/s "), seg.ocr)
                if value is not None:
                    ev = seg.evidence(value.start, value.end)
                    if ev:
                        return make_field(value, ev, "pattern")
    return None


def ordering_provider(r: Reader, signature_fallback: bool = True) -> Field | None:
    found = r.labelled("ordering_provider_name")
    if found is None and signature_fallback:
        found = provider_from_signature(r)
    return found


def ordering_npi(r: Reader, author_orders: bool = False) -> Field | None:
    """The orderer's NPI; ``author_orders``: the note's author ("Seen by") is the orderer."""
    found = r.labelled("ordering_provider_npi")
    if found is not None:
        return found
    # A lone NPI anywhere (not in a referred-to / radiologist section) is the orderer's.
    npis = [item for item in r.labeled if item.key == "npi"]
    if not npis:
        return npi_after_label(r) or npi_near_provider(r)
    others = ("other",) if author_orders else ("other", "author")
    claimed = [parse_npi(i.value_text, i.value_seg.ocr) for i in npis if i.role in others]
    return npi_near_provider(r, exclude={str(v.value) for v in claimed if v is not None})


def npi_after_label(r: Reader) -> Field | None:
    """An NPI right after any NPI label, even one in running text ("... her npi 1234567893")."""
    for seg in r.view.segments:
        for hit in labels_in(seg.text):
            if hit.label.key not in NPI_LABELS:
                continue
            value = parse_npi(seg.text[hit.end:hit.end + 16], seg.ocr)
            ev = seg.evidence(hit.end + value.start, hit.end + value.end) if value is not None else None
            if value is not None and value.start <= 4 and ev is not None:
                return make_field(value, ev, "pattern")
    return None


# A provider's role, name and credentials near the number (an NPI label OCR broke, "NP!", "NPT",
# "National Provider Identitier", is read by the label patterns).
_PROVIDER_CUE = re.compile(
    r"\bprovider\b|physician|prescrib|ordering|requesting|referring|"
    r"seen\s+by|signed\s+by|\b(?:MD|DO|NP|PA-C|DNP|Dr)\b", re.I)
_OTHER_PROVIDER = re.compile(r"referred\s+to|refer\s+to|radiologist|interpreting|specialist|consultant|facility|pharmacy", re.I)


def npi_near_provider(r: Reader, exclude: frozenset[str] | set[str] = frozenset()) -> Field | None:
    """A 10-digit number starting with 1 or 2 that passes the NPI check digit, on a row (or right
    under a row) naming a provider, when no label reads cleanly: the label split or OCR-broken.
    A number labelled as a phone or fax number is never one (``patterns``: numbers in context)."""
    rows = r.view.rows
    for i, row in enumerate(rows):
        for seg in row:
            for ent in entities(seg.text, ("NPI",)):
                value = parse_npi(ent.text, seg.ocr)
                if value is None or not value.valid or value.repaired or value.value in exclude:  # no label: no guessing
                    continue
                context = " ".join(s.text for s in row)
                prev = rows[i - 1] if i > 0 and rows[i - 1] and rows[i - 1][0].page == seg.page else []
                near = " ".join(s.text for s in prev)[-80:] + " " + context
                cue = _PROVIDER_CUE.search(near) or any(h.label.key in NPI_LABELS for h in labels_in(near))
                if not cue or _OTHER_PROVIDER.search(near):
                    continue
                ev = seg.evidence(ent.start + value.start, ent.start + value.end)
                if ev is not None:
                    return make_field(value, ev, "fallback")
    return None


def dated(r: Reader, name: str) -> Field | None:
    return r.labelled(name)


def first_date_line(r: Reader, max_rows: int = 12) -> Field | None:
    """A date standing alone near the top (a letter's date line)."""
    parse = date_parser("any")
    for row in r.view.rows[:max_rows]:
        if len(row) > 2:
            continue
        for seg in row:
            found = normalize.find_dates(seg.text)
            if len(found) == 1 and len(seg.text) - len(found[0].text) <= 12:
                value = parse(seg.text, seg.ocr)
                ev = seg.evidence(value.start, value.end) if value else None
                if value and ev:
                    return make_field(value, ev, "pattern")
    return None


def codes(r: Reader, out: dict[str, Field], icd: bool = True, cpt: bool = True) -> None:
    if icd and (f := read_codes(r.view, "icd10")):
        out["icd10_codes"] = f
    if cpt and (f := read_codes(r.view, "cpt")):
        out["cpt_codes"] = f


def put(out: dict[str, Field], name: str, f: Field | None) -> None:
    if f is not None and name not in out:
        out[name] = f


def evidence_of(f: Field) -> Evidence:
    return Evidence(f.page, f.bbox, f.confidence, f.text)


# ----------------------------------------------------------------------------- payer names

_PAYER_WORDS = re.compile(
    r"\b(health|insurance|plan|mutual|benefits?|medicare|medicaid|blue|trust|alliance|assurance|healthcare|"
    r"casualty|life|care)\b", re.I)
_NOT_PAYER = re.compile(
    r"\b(associates|clinic|physicians?|medical group|practice|specialty|imaging|radiology|laborator\w*|lab|hospital|"
    r"center|centre|family|internal medicine|orthopedic|neurology|oncology|rheumatology|department|dept|utilization|"
    r"management|review|appeals?|information|notice|request|form|letter|summary|explanation|statement|"
    r"confidential|instructions?|policy|id|member|services?|customer|pharmacy|address)\b|\d", re.I)


def _payer_value(text: str, ocr: bool) -> Value | None:
    cut = re.split(r"\s*[,|\-\u2013]\s+|\s{2,}", text.strip())[0]
    if not _PAYER_WORDS.search(cut) or _NOT_PAYER.search(cut) or not 1 <= len(cut.split()) <= 6:
        return None
    start = text.find(cut)
    return Value(cut.strip(), start, start + len(cut.strip()))


def payer_from_letterhead(r: Reader, max_rows: int = 8) -> Field | None:
    """A payer letter or EOB names the payer in its letterhead, near the top."""
    for row in r.view.rows[:max_rows]:
        if row and in_transmit_header(r.view, row[0]):
            continue  # "11/12/2026 15:00 LAKESHORE COMMUNITY HEALTH P 770 246 3025": the fax machine's header
        for i, seg in enumerate(row):
            if i + 1 < len(row):  # a name split by a wide gap: "Heartland   Benefit Trust"
                nxt = row[i + 1]
                value = _payer_value(f"{seg.text} {nxt.text}", seg.ocr)
                if value and value.end > len(seg.text) + 1 and not _payer_value(seg.text, seg.ocr):
                    ev = seg.evidence(0, len(seg.text))
                    if ev:
                        return make_field(value, ev.join(nxt.evidence(0, value.end - len(seg.text) - 1)), "pattern")
            value = _payer_value(seg.text, seg.ocr)
            ev = seg.evidence(value.start, value.end) if value else None
            if value and ev:
                return make_field(value, ev, "pattern")
    return None


def payer_from_recipient(r: Reader) -> Field | None:
    """A provider's letter to a payer: "To: Summit Health Plan, Appeals Department"."""
    return r.labelled("payer_name", parser=_payer_value, keys=("role_recipient",))


# ----------------------------------------------------------------------------- split names


def split_name(r: Reader) -> Field | None:
    """"Last Name: DOE" / "First Name: Jane" / "MI: A" printed as separate boxes."""
    parts: dict[str, tuple[str, Evidence]] = {}
    for item in r.labeled:
        if item.key not in ("last_name", "first_name", "middle_initial") or item.key in parts:
            continue
        words = item.value_text.split()
        if not words:
            continue
        word = words[0].strip(",.")
        if item.key == "middle_initial":
            if not re.fullmatch(r"[A-Za-z]", word):
                continue
        elif not re.fullmatch(r"[A-Za-z][A-Za-z'\-]+", word):
            continue
        ev = item.value_seg.evidence(item.value_start, item.value_start + len(words[0]))
        if ev is not None:
            parts[item.key] = (word, ev)
    if "last_name" not in parts or "first_name" not in parts:
        return None
    names = [parts[k][0] for k in ("first_name", "middle_initial", "last_name") if k in parts]
    value = normalize.person_name(" ".join(names))
    if not value:
        return None
    evs = [parts[k][1] for k in ("first_name", "middle_initial", "last_name") if k in parts]
    ev = evs[0]
    for other in evs[1:]:
        ev = ev.join(other)
    return make_field(Value(value, 0, 0), ev, "inline")


def name_after_for(r: Reader) -> Field | None:
    """A fax cover's "Re: Prior authorization request for DOE, JANE A"."""
    for item in r.labeled:
        if item.key != "patient_name":
            continue
        text = item.value_text
        m = re.search(r"\b(?:for|patient:?)\s+(.+)$", text)
        if not m:
            continue
        value = parse_name(m.group(1), item.value_seg.ocr)
        if value is None:
            continue
        offset = item.value_start + m.start(1)
        ev = item.value_seg.evidence(offset + value.start, offset + value.end)
        if ev:
            return make_field(value, ev, "pattern")
    return None
