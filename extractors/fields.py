"""Field readers shared by every document family: labelled values, codes, signatures, prose.

Each ``read_*`` function looks at a ``DocView`` (and the labels found on it) and returns a
``Field`` with evidence, or ``None`` when the document does not print that field.
Confidence = mean OCR confidence of the words x how the value was found x validation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from extractors import normalize, validate
from extractors.labels import Labeled, find_labeled
from extractors.patterns import NOT_CODE_LABELS, label_before
from extractors.view import DocView, Evidence, Segment, in_transmit_header
from pipeline.model import Field, Page

PLACEMENT_WEIGHT = {"inline": 0.97, "right": 0.95, "below": 0.9, "layout": 0.9, "pattern": 0.8, "fallback": 0.6}
INVALID_WEIGHT = 0.5
REPAIRED_WEIGHT = 0.85


@dataclass
class Value:
    """A parsed value and where in the text it was found."""

    value: str | int | bool | list[str]
    start: int
    end: int
    valid: bool = True
    reason: str | None = None
    repaired: bool = False


Parser = Callable[[str, bool], "Value | None"]  # (text, ocr) -> Value


def make_field(value: Value, evidence: Evidence, placement: str, label_evidence: Evidence | None = None) -> Field:
    weight = PLACEMENT_WEIGHT.get(placement, 0.8)
    if not value.valid:
        weight *= INVALID_WEIGHT
    elif value.repaired:
        weight *= REPAIRED_WEIGHT
    ev = label_evidence.join(evidence) if label_evidence is not None else evidence
    conf = max(0.0, min(1.0, evidence.confidence * weight))
    return Field(value=value.value, confidence=round(conf, 3), page=ev.page,
                 bbox=tuple(round(c, 2) for c in ev.bbox), text=ev.text, valid=value.valid, reason=value.reason)


# ----------------------------------------------------------------------------- value parsers

_NAME_STOP = re.compile(
    r"(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<=[A-Za-z]{2})\.\s+(?=[A-Z])|"
    r"\(|\d|;|:|\||\b(?:(?i:DOB|D\.O\.B|Date|NPI|MRN|Phone|Fax|Sex|Age|Member|ID|born)|is|was|a|an|who|presents|for|with|"
    r"and|at|on|of|to|in|has|had)\b")
_NAME_BAD_WORDS = {
    "clinic", "hospital", "medical", "center", "centre", "health", "healthcare", "insurance", "group", "llc", "inc",
    "associates", "imaging", "radiology", "laboratory", "labs", "lab", "plan", "care", "services", "department",
    "information", "provider", "physician", "patient", "name", "signature", "date", "the", "unknown", "none", "n/a",
    "request", "authorization", "prior", "form", "report", "note", "letter", "summary", "order", "referral",
    "diagnosis", "history", "assessment", "plan", "results", "result", "mri", "ct", "pet", "x-ray", "member",
    "education", "preparing", "your", "visit", "records", "confirmation", "appointment", "instructions", "self",
    "blue", "cross", "shield", "aetna", "cigna", "humana", "united", "medicare", "medicaid", "partners", "practice",
    "family", "internal", "medicine", "orthopedics", "oncology", "cardiology", "neurology", "university", "street",
    "suite", "road", "avenue", "office", "fax", "phone", "cover", "sheet", "to", "from", "pages", "approved", "denied",
    "use", "and", "ppo", "hmo", "epo", "choice", "advantage", "identification", "subscriber", "insured",
    "confidentiality", "confidential", "notice", "privileged",
}
US_STATES = set(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI".split()
)
_CITY_STATE = re.compile(r"[A-Za-z .'\-]+,\s*(?P<state>[A-Z]{2})")


# A middle initial OCR read as a digit ("VALDEZ, WILLIAM 8 MD"): a lone digit between name words.
_DIGIT_INITIAL = re.compile(r"(?<=[A-Za-z] )([0-9])(?=\.? [A-Z]|\.?$)")


def parse_name(text: str, ocr: bool = False) -> Value | None:
    if ocr:  # one character for one: offsets stay
        text = _DIGIT_INITIAL.sub(lambda m: validate.TO_LETTER.get(m.group(1), m.group(1)), text)
    stop = _NAME_STOP.search(text)
    cut = text[: stop.start()] if stop else text
    cut = cut.strip(" ,:-")
    city_state = _CITY_STATE.fullmatch(cut)
    if not cut or (city_state and city_state["state"] in US_STATES  # "Springfield, IL" is an address,
                   and city_state["state"].lower() not in normalize.CREDENTIALS):  # "Chen, MD" a name
        return None
    words = cut.split()
    printed = [w for w in words if normalize._cred_key(w) not in normalize.CREDENTIALS
               and normalize._cred_key(w) not in normalize.TITLES]
    if not printed or any(not (w[0].isupper()) for w in printed if w[0].isalpha()):
        return None
    value = normalize.person_name(cut)
    if not value:
        return None
    parts = value.split()
    if not 2 <= len(parts) <= 5 or any(p.lower().strip(".,") in _NAME_BAD_WORDS for p in parts):
        return None
    if sum(len(p) > 1 for p in parts) < 2:
        return None
    return Value(value, text.find(cut), text.find(cut) + len(cut))


# A colon or semicolon OCR read from a speck inside a date ("29: Mar-2002", "01/30:2002"), swapped for
# what was printed, one character for one so that offsets stay.
_DATE_SPECK_DIGITS = re.compile(r"(?<=\d)[:;](?=\d{2,4}\b)")
_DATE_SPECK = re.compile(r"(?<=\w)[:;](?=\s*\w)")


def date_parser(kind: str) -> Parser:
    def parse(text: str, ocr: bool = False) -> Value | None:
        found = normalize.find_dates(text, kind)
        if not found and ocr:
            found = normalize.find_dates(_DATE_SPECK.sub(" ", _DATE_SPECK_DIGITS.sub("/", text)), kind)
        if not found:
            return None
        d = found[0]
        verdict = validate.check_date(d, kind)
        return Value(verdict.value or d.value.isoformat(), d.start, d.end, verdict.valid, verdict.reason)

    return parse


_NPI_RE = re.compile(r"(?<![\w])[0-9OoIlSB|]{10}(?![\w])")
_NPI_DIGITS_RE = re.compile(r"(?<![\w])\d{10}(?![\w])")


def parse_npi(text: str, ocr: bool = False) -> Value | None:
    m = (_NPI_RE if ocr else _NPI_DIGITS_RE).search(text)
    if not m or sum(c.isdigit() for c in m.group(0)) < 7:
        return None
    v = validate.check_npi(m.group(0), ocr)
    return Value(v.value or m.group(0), m.start(), m.end(), v.valid, v.reason, v.repaired)


_ID_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/]*$")


def id_parser(need_digit: bool = True, min_len: int = 3) -> Parser:
    """An id as printed (up to 4 tokens); a value that reads as a date is a date, never an id."""

    def parse(text: str, ocr: bool = False) -> Value | None:
        tokens = list(re.finditer(r"\S+", text))
        while tokens and tokens[0].group(0).lower().strip(".:#") in ("on", "file", "is", "was", "of", "the", "number",
                                                                      "no", "num", ""):
            tokens.pop(0)
        picked = []
        for m in tokens:
            tok = m.group(0).strip(".,;:()\"'\u201c\u201d\u2018\u2019")  # a speck OCR read as a quote before the id
            if not tok or not _ID_TOKEN.match(tok):
                break
            has_digit = any(c.isdigit() for c in tok)
            if not has_digit and not (tok.isupper() and (not picked or len(tok) <= 4)):
                break
            if picked and not has_digit and not picked[-1][0].group(0)[-1].isdigit() and len(tok) > 4:
                break
            picked.append((m, tok))
            if len(picked) >= 4:
                break
        while picked and not any(c.isdigit() for c in picked[-1][1]) and len(picked) > 1:
            picked.pop()  # "W123 456 PPO" -> stop before the trailing word
        if not picked:
            return None
        raw = "".join(tok for _, tok in picked)
        span = text[picked[0][0].start():picked[-1][0].end()]
        if any(len(d.text) >= len(span.strip(".,;:()")) - 1 for d in normalize.find_dates(span)):
            return None
        if len(raw) < min_len or (need_digit and not any(c.isdigit() for c in raw)):
            return None
        v = validate.repair_id(raw, ocr)
        return Value(v.value or raw, picked[0][0].start(), picked[-1][0].end(), True, None, v.repaired)

    return parse


# A phone number with the specks a fax adds between its groups ("287:.546-1967", "287-546;1967").
_OCR_PHONE_RE = re.compile(r"(?<![\d\-,])(?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.,:;\-]{0,2}\d{3}[\s.,:;\-]{0,2}\d{4}(?![\d\-,])")


def parse_phone(text: str, ocr: bool = False) -> Value | None:
    m = normalize.PHONE_RE.search(text) or (_OCR_PHONE_RE.search(text) if ocr else None)
    if not m:
        return None
    v = validate.check_phone(m.group(0))
    return Value(v.value or "", m.start(), m.end(), v.valid, v.reason)


def parse_page_count(text: str, ocr: bool = False) -> Value | None:
    m = re.search(r"(?<!\d)(\d{1,3})(?:\s*(?:of|/)\s*(\d{1,3}))?(?!\d)", text)
    if m:
        n = int(m.group(2) or m.group(1))
        return Value(n, m.start(), m.end()) if 0 < n < 500 else None
    m = re.search(r"\b(" + "|".join(normalize.WORD_NUMBERS) + r")\b", text, re.I)
    if m:
        return Value(normalize.WORD_NUMBERS[m.group(1).lower()], m.start(), m.end())
    return None


def parse_determination(text: str, ocr: bool = False) -> Value | None:
    value = normalize.determination(text)
    return Value(value, 0, len(text.rstrip())) if value else None


_PAYER_STOP = re.compile(r"\.\s|\.$|\s{2,}|\b(?:phone|fax|member|group|id|policy|address|tel)\b|[|;]", re.I)


_PAYER_SENTENCE = re.compile(r"\s(?:The|This|That|Coverage|Patient|Please|Member|Policy)\b")  # prose goes on after the name


def parse_payer(text: str, ocr: bool = False) -> Value | None:
    sentence = _PAYER_SENTENCE.search(text)
    text = text[: sentence.start()] if sentence else text
    stop = _PAYER_STOP.search(text)
    cut = (text[: stop.start()] if stop else text).strip(" ,:-\"'\u201c\u201d\u2018\u2019")  # quotes OCR saw in specks
    if not re.search(r"[A-Za-z]{2}", cut) or len(cut.split()) > 8 or sum(c.isdigit() for c in cut) >= 3:
        return None
    if cut.lower() in ("yes", "no", "none", "n/a", "self", "primary", "secondary", "commercial"):
        return None
    if re.search(r"\b(information|details|section|verification|type|name|request|form|report|notice)\b", cut, re.I):
        return None
    return Value(cut, text.find(cut), text.find(cut) + len(cut))


FIELD_PARSERS: dict[str, Parser] = {
    "patient_name": parse_name,
    "ordering_provider_name": parse_name,
    "patient_dob": date_parser("dob"),
    "service_date": date_parser("any"),
    "document_date": date_parser("any"),
    "member_id": id_parser(need_digit=True, min_len=4),
    "group_number": id_parser(need_digit=False, min_len=2),
    "auth_number": id_parser(need_digit=True, min_len=4),
    "ordering_provider_npi": parse_npi,
    "fax_from": parse_phone,
    "fax_to": parse_phone,
    "page_count": parse_page_count,
    "determination": parse_determination,
    "payer_name": parse_payer,
}

# Generic labels take their field from the role of their section.
GENERIC = {
    ("name", "patient"): "patient_name",
    ("name", None): "patient_name",
    ("name", "ordering"): "ordering_provider_name",
    ("npi", "ordering"): "ordering_provider_npi",
    ("npi", None): "ordering_provider_npi",
    ("npi", "patient"): "ordering_provider_npi",
    ("npi", "sender"): "ordering_provider_npi",
    ("npi", "recipient"): "ordering_provider_npi",
    ("fax", "sender"): "fax_from",
    ("fax", "recipient"): "fax_to",
}
# (field, label key) pairs that are weaker than a specific label for the same field
WEAK_SOURCES = {("patient_name", "name"), ("ordering_provider_npi", "npi"), ("patient_name", "patient_name:weak")}


def field_of(item: Labeled) -> str | None:
    if item.key in FIELD_PARSERS:
        return item.key
    return GENERIC.get((item.key, item.role))


class Reader:
    """Labelled values of one document, parsed per field; built once per document."""

    def __init__(self, view: DocView):
        self.view = view
        # a fax machine's transmit header ("... MEDICAL GROUP 927 555 2069 PAGE 01/06") is not content
        self.labeled = [i for i in find_labeled(view) if not in_transmit_header(view, i.label_seg)
                        or i.key in ("fax", "fax_from", "fax_to", "role_sender", "role_recipient")]

    def labelled(self, name: str, parser: Parser | None = None, keys: tuple[str, ...] | None = None) -> Field | None:
        """The first parseable labelled value for ``name`` (specific labels before generic ones)."""
        parser = parser or FIELD_PARSERS[name]
        best: tuple[int, Field] | None = None
        for item in self.labeled:
            if (item.key not in keys) if keys is not None else (field_of(item) != name):
                continue
            rank = (2 if item.key in ("name", "npi") else 0) + (1 if item.weak else 0)
            if best is not None and best[0] <= rank:
                continue
            value = parser(item.value_text, item.value_seg.ocr)
            if value is None:
                continue
            ev = item.value_seg.evidence(item.value_start + value.start, item.value_start + value.end)
            if ev is None:
                continue
            label_ev = item.label_seg.evidence(item.label_start, item.label_end) if item.placement == "inline" else None
            best = (rank, make_field(value, ev, item.placement, label_ev))
            if rank == 0:
                break
        return best[1] if best else None

    def search(self, pattern: re.Pattern[str], parser: Parser, group: int | str = 0,
               segments: list[Segment] | None = None, placement: str = "pattern") -> Field | None:
        """First match of ``pattern`` in any segment whose ``group`` parses."""
        for seg in segments if segments is not None else self.view.segments:
            for m in pattern.finditer(seg.text):
                text = m.group(group)
                if text is None:
                    continue
                value = parser(text, seg.ocr)
                if value is None:
                    continue
                offset = m.start(group)
                ev = seg.evidence(offset + value.start, offset + value.end)
                if ev is not None:
                    return make_field(value, ev, placement)
        return None


# ----------------------------------------------------------------------------- codes

_ICD_RE = re.compile(r"(?<![\w.\-/])([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?|[A-Z][0-9][0-9A-Z][0-9][0-9A-Z]{0,3})(?![\w\-/])")
_ICD_OCR_RE = re.compile(r"(?<![\w.\-/])((?:E?\u00a3(?=[0-9OISlB][0-9A-Z][.,])|[A-Z1l0-9])[0-9OISlB][0-9A-Z](?:[.,][0-9A-Z]{1,4})?)"
                         r"(?![\w\-/])")
_POUND_E = re.compile("^E?\u00a3")  # "£05.90", "E£78.5": OCR reads a fax's "E" as a pound sign (dotted codes only)
# A code OCR split at its dot on a fax: "C90 00", "(M05. 79)", "(R19. 7)", "(M25.51 1)". Read only
# where it cannot be another number (``_icd_split_codes``): a letter first, a digit after the break,
# 1-4 characters after the category, and no further digits or a unit after it.
_ICD_SPLIT_RE = re.compile(r"(?<![\w.\-/])([A-Z][0-9OISlB][0-9A-Z])(?:[.,] ?| )([0-9OIl][0-9A-Z]{0,3})"
                           r"(?: ([0-9A-Z]{1,3}))?(?![\w\-/]|[.,]?\s?\d)")
# "(C 18.9)": the letter OCR set apart from its digits, read only inside parentheses.
_ICD_LETTER_SPLIT_RE = re.compile(r"(?<=\()([A-Z]) ([0-9OIl][0-9A-Z](?:[.,][0-9A-Z]{1,4})?)(?=\))")
_UNIT_AFTER = re.compile(r"\s*(?:mg|mcg|ml|g|kg|mmol|units?|iu|%|tabs?|caps?|x|times|days?|weeks?|months?|years?)\b", re.I)
_PHONE_BEFORE = re.compile(r"\b(?:phones?|tel|telephone|fax|call|cell|mobile)\b\W*(?:\w+\W+){0,2}\($", re.I)
_ICD_CONTEXT = re.compile(r"icd|diagnos|\bdx\b|assessment|impression|indication|problem|condition|reason", re.I)
_ICD_STRICT = re.compile(r"icd|\bdx\b|diagnos|codes?\b", re.I)
_CPT_RE = re.compile(r"(?<![\w.\-/$])(\d{5}|\d{4}[FTU]|[A-V]\d{4})(?![\w\-/]|\.\d)")
_CPT_OCR_RE = re.compile(r"(?<![\w.\-/$])([0-9OISB]{5}|[A-V][0-9OISB]{4})(?![\w\-/]|\.\d)")
_CPT_CONTEXT = re.compile(r"cpt|hcpcs|procedure|proc\.? code|service code|code\(s\)|codes?:|billing code|j-?code|drug code|"
                          r"requested service|service requested|^\s*services?\s*:|^\s*codes?\s*$", re.I)
_STATE_ZIP = re.compile(r"\b[A-Z]{2},?\s*$")


def _labels_other_value(text: str, start: int) -> bool:
    """A number right after the label of another value ("Zip 30301", "Member # 55512", "Ste 10021")."""
    hit = label_before(text, start)
    return hit is not None and hit.label.key in NOT_CODE_LABELS


def _context_rows(view: DocView, pattern: re.Pattern[str], reach: int = 6) -> set[int]:
    """Rows that carry a code context word, and the rows right below them (a code list)."""
    rows: set[int] = set()
    for r, row in enumerate(view.rows):
        if any(pattern.search(s.text) for s in row):
            rows.update(range(r, min(r + reach + 1, len(view.rows))))
    return rows


_ICD_CUE_BEFORE = re.compile(r"(?:icd(?:-?10)?(?:-cm)?|diagnos[ie]s|dx|codes?)\W{0,4}(?:[A-Z0-9.,]{3,8}[\s,;/]+){0,4}$", re.I)


def _icd_token_plausible(raw: str, before: str, in_context: bool) -> bool:
    """An OCR token may be repaired into an ICD-10-CM code only when it already looks code-like
    (a letter and two digits), sits right after an ICD / diagnosis cue, or has two digits in a
    diagnosis section; a token without digits is a word ("IIA", "DOS"), never a code."""
    plain = raw.replace(".", "").replace(",", "")
    digits = sum(c.isdigit() for c in plain)
    if digits == 0:
        return False
    if re.fullmatch(r"[A-Z]\d\d", plain[:3]) or re.fullmatch(r"[A-Z0-9]{3}[.,]\d[0-9A-Z]{0,3}", raw):
        return True  # "M5A.50", "DSO.9": the dotted shape of a code
    return bool(_ICD_CUE_BEFORE.search(before[-60:])) or (in_context and digits >= 2)


def _icd_split_codes(seg: Segment, row_text: str) -> list[tuple[int, int, str]]:
    """ICD-10-CM codes an OCR'd segment holds split at the dot ("C90 00", "(M05. 79)"), as (start,
    end, code text with its dot): inside parentheses, or on a row that names ICD / diagnosis codes;
    the second part of a split suffix only inside parentheses ("(M25.51 1)")."""
    found = []
    for m in _ICD_SPLIT_RE.finditer(seg.text):
        if " " not in m.group(0):
            continue  # not split: the ICD patterns read it
        before, after = seg.text[:m.start()].rstrip(), seg.text[m.end():]
        in_parens = before.endswith("(") and after.lstrip().startswith(")")
        suffix = m.group(2) + (m.group(3) or "")
        if len(suffix) > 4 or (m.group(3) and not in_parens):
            continue
        if not in_parens and (not _ICD_STRICT.search(row_text) or _UNIT_AFTER.match(after)
                              or _labels_other_value(seg.text, m.start())):
            continue  # "Suite A12 34", "B12 100 mg": an address or a dose
        found.append((m.start(), m.end(), f"{m.group(1)}.{suffix}"))
    found += [(m.start(), m.end(), m.group(1) + m.group(2)) for m in _ICD_LETTER_SPLIT_RE.finditer(seg.text)]
    return found


def read_codes(view: DocView, kind: str) -> Field | None:
    """All ICD-10-CM (``kind="icd10"``) or CPT/HCPCS (``kind="cpt"``) codes, deduplicated in order."""
    context_re = _ICD_CONTEXT if kind == "icd10" else _CPT_CONTEXT
    rows = _context_rows(view, context_re, reach=8 if kind == "icd10" else 6)
    values: list[str] = []
    evidences: list[Evidence] = []
    invalid: list[str] = []
    for seg in view.segments:
        in_context = seg.row in rows
        if kind == "icd10":
            patterns = [_ICD_OCR_RE] if seg.ocr else [_ICD_RE]
        else:
            patterns = [_CPT_OCR_RE] if seg.ocr else [_CPT_RE]
        split: list[tuple[int, int, str]] = []
        if kind == "icd10" and seg.ocr:
            split = _icd_split_codes(seg, " ".join(s.text for s in view.rows[seg.row][:seg.index + 1]))
        for start, end, raw in split:
            verdict = validate.check_icd10(raw, True)
            ev = seg.evidence(start, end)
            if verdict.valid and verdict.value is not None and ev is not None and verdict.value not in values:
                values.append(verdict.value)
                evidences.append(ev)
        for pattern in patterns:
            for m in pattern.finditer(seg.text):
                raw = _POUND_E.sub("E", m.group(1)) if seg.ocr else m.group(1)
                before = seg.text[: m.start(1)]
                if any(start <= m.start(1) < end for start, end, _ in split):
                    continue  # read whole above
                if kind == "icd10":
                    dotted = "." in raw or "," in raw
                    if not dotted and re.fullmatch(r"[A-V]\d{4}", raw):
                        continue  # a HCPCS code, not an undotted ICD-10 code
                    if not dotted and not in_context and not re.search(r"\($", before.rstrip()[-1:] or ""):
                        continue
                    if seg.ocr and not dotted and _PHONE_BEFORE.search(before[-24:]):
                        continue  # "Phone: (S04) 555 0971": an area code OCR read with a letter
                    in_parens = before.rstrip().endswith("(") and seg.text[m.end(1):].lstrip().startswith(")")
                    if raw[0].isdigit() and not (seg.ocr and (_ICD_STRICT.search(
                            " ".join(s.text for s in view.rows[seg.row][:seg.index + 1])) or (in_context and in_parens))):
                        continue  # a number, unless OCR'd in a code's place: "Diagnoses ... hypertension (110)"
                    row_before = " ".join(s.text for s in view.rows[seg.row][:seg.index]) + " " + before
                    if seg.ocr and not _icd_token_plausible(raw, row_before, in_context):
                        continue  # "stage IIA", "DOS:" are words, not codes repaired by OCR
                    verdict = validate.check_icd10(raw.replace(",", "."), seg.ocr)
                else:
                    if not in_context and not before.rstrip().endswith("("):
                        continue
                    if raw.isdigit() and (_STATE_ZIP.search(before) or _labels_other_value(seg.text, m.start(1))):
                        continue
                    verdict = validate.check_cpt(raw, seg.ocr)
                if not verdict.valid or verdict.value is None:
                    if in_context:
                        invalid.append(verdict.reason or raw)
                    continue
                ev = seg.evidence(m.start(1), m.end(1))
                if ev is None:
                    continue
                if verdict.value not in values:
                    values.append(verdict.value)
                    evidences.append(ev)
    if not values:
        return None
    first = evidences[0]
    same_page = [e for e in evidences if e.page == first.page]
    ev = Evidence(first.page, first.bbox, sum(e.confidence for e in evidences) / len(evidences),
                  " ".join(e.text for e in evidences))
    if len(same_page) > 1:
        from pipeline.geometry import union

        ev.bbox = union([e.bbox for e in same_page])
    return make_field(Value(normalize.dedupe(values), 0, 0), ev, "inline")


# ----------------------------------------------------------------------------- signatures

_SIGNED_CUES = re.compile(
    r"(/s/\s*\S+|electronically\s+signed|e-?signed\s+by|digitally\s+signed|signed\s+electronically|"
    r"signed\s+by\s*:?\s*\S+|authenticated\s+by)", re.I)
_SIGNATURE_LABEL = re.compile(r"\b(signature|signed)\b\s*(?:of\s+[\w\s/']{0,45}?)?(?:[:\-]|$)", re.I)
_CLOSING = re.compile(r"^\s*(sincerely|respectfully(?: yours)?|regards|best regards|kind regards|yours truly)\b", re.I)
_UNSIGNED = re.compile(r"(not\s+signed|unsigned|signature\s+(?:missing|required|pending))", re.I)
_BLANK_VALUE = re.compile(r"^[\s_\.\-]*$|^\s*(?:date|print|printed|name|x)\b", re.I)


def read_signature(view: DocView) -> Field | None:
    """True when the document is signed: an ink/electronic mark from layout, "/s/", "Electronically
    signed by", or a name written after a "Signature:" label; False when it has a signature line
    that is blank; None when it has neither."""
    for page in view.pages:
        for mark in page.signatures:
            return Field(value=True, confidence=0.9, page=page.page, bbox=mark.bbox, text=mark.text or f"{mark.kind} signature")
    for seg in view.segments:
        m = _SIGNED_CUES.search(seg.text)
        if m and not _UNSIGNED.search(seg.text):
            ev = seg.evidence(m.start(), len(seg.text))
            if ev:
                return make_field(Value(True, 0, 0), ev, "inline")
    blank: Evidence | None = None
    for i, row in enumerate(view.rows):
        if not row or not _CLOSING.match(row[0].text):
            continue
        closing_ev = row[0].evidence(0, len(row[0].text))
        for nxt in view.rows[i + 1:i + 4]:
            seg = nxt[0]
            if seg.page != row[0].page or closing_ev is None:
                break
            if parse_name(seg.text.lstrip("/s "), seg.ocr) or _signature_date(view, seg):
                ev = seg.evidence(0, len(seg.text))
                return make_field(Value(True, 0, 0), closing_ev.join(ev), "fallback")
    for seg in view.segments:
        m = _SIGNATURE_LABEL.search(seg.text)
        if not m or _in_prose(seg.text, m):
            continue
        after = seg.text[m.end():]
        label_ev = seg.evidence(m.start(), m.end())
        if label_ev is None:
            continue
        if _UNSIGNED.search(seg.text):
            blank = blank or label_ev
            continue
        if after.strip() and not _BLANK_VALUE.match(after) and parse_name(after.strip(" :"), seg.ocr):
            ev = seg.evidence(m.start(), len(seg.text))
            return make_field(Value(True, 0, 0), ev or label_ev, "inline")
        right = view.right_of(seg)
        if not after.strip() and right is not None and parse_name(right.text, right.ocr) and \
                not _SIGNATURE_LABEL.search(right.text):
            ev = right.evidence(0, len(right.text))
            return make_field(Value(True, 0, 0), label_ev.join(ev), "right")
        dated = _signature_date(view, seg)
        if dated is True:
            return make_field(Value(True, 0, 0), label_ev, "fallback")
        blank = blank or label_ev
    if blank is not None:
        return make_field(Value(False, 0, 0), blank, "fallback")
    return None


def _in_prose(text: str, m: re.Match[str]) -> bool:
    """"... one year from the date signed unless revoked": the word in a sentence, not a signature
    line label (which starts its segment, ends with ':', or stands in a short caption)."""
    if m.group(0).rstrip().endswith((":", "-")) or not text[: m.start()].strip():
        return False
    before = text[: m.start()].split()
    if len(text.split()) <= 6 and all(w[:1].isupper() for w in before):
        return False  # "Patient Signature", "Provider Signature of Record"
    return True


def _signature_date(view: DocView, seg: Segment) -> bool | None:
    """The "Date:" next to a signature line: filled in (True), left blank (False), or absent (None)."""
    for row in view.rows[seg.row:seg.row + 3]:
        for other in row:
            if other.page != seg.page:
                return None
            m = re.search(r"\bdate\b\s*(?:signed)?\s*:?\s*(.*)", other.text, re.I)
            if not m:
                continue
            rest = m.group(1)
            if normalize.find_dates(rest):
                return True
            if re.match(r"^[_\s]*$", rest):
                return False
    return None


def page_of(view: DocView, number: int) -> Page | None:
    return view.page(number)
