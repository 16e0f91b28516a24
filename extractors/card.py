"""Insurance card (front or back): member id, group, payer, member name."""

from __future__ import annotations

import re
from datetime import date

from extractors import common, normalize
from extractors.common import put
from extractors.fields import Reader, Value, date_parser, id_parser, make_field, parse_name, parse_payer
from extractors.registry import register
from extractors.view import DocView, Segment, Token, in_transmit_header
from pipeline.model import Field

_PAYER_WORDS = re.compile(r"\b(health|insurance|plan|care|mutual|benefits?|medicare|medicaid|blue|trust|alliance|partners|"
                          r"assurance|advantage|healthcare|cross|shield)\b", re.I)
# Captions around a copied card and words every card prints: never the payer's name.
_CAPTION = re.compile(r"\b(copy|card|front|back|side|scan(?:ned)?|image|photo|attached|page|reverse|member services?|"
                      r"providers?|claims?|pharmacy|emergency|coverage|customer|call|visit|www|rx\w*)\b", re.I)
_GENERIC = {"health", "insurance", "plan", "care", "medical", "benefits", "benefit", "healthcare", "member", "the", "of",
            "and", "ppo", "hmo", "epo", "pos", "plus", "dental", "vision", "id"}


def _payer_candidate(text: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z'&\-]*", text)
    return (bool(_PAYER_WORDS.search(text)) and not _CAPTION.search(text) and not re.search(r"\d", text)
            and 1 <= len(text.split()) <= 6 and any(w.lower() not in _GENERIC for w in words))


def _labelled_payer(text: str, ocr: bool) -> Value | None:
    value = parse_payer(text, ocr)
    return value if value is not None and not _CAPTION.search(str(value.value)) else None


def _height(seg: Segment) -> float:
    return sum(t.bbox[3] - t.bbox[1] for t in seg.tokens) / len(seg.tokens)


def _runs(row: list[Segment]) -> list[list[Segment]]:
    """Neighbouring cells of one row in the same type size: a brand name OCR split at a wide gap
    ("Heartland" | "Benefit Trust"); every single cell is a run too."""
    runs = [[seg] for seg in row]
    for i, seg in enumerate(row):
        run = [seg]
        for nxt in row[i + 1:]:
            h0, h1 = _height(run[-1]), _height(nxt)
            if re.search(r"\d", nxt.text) or not 0.75 <= h1 / max(h0, 0.1) <= 1.33 or nxt.bbox[0] - run[-1].bbox[2] > 3 * h0:
                break
            run.append(nxt)
        if len(run) > 1:
            runs.append(run)
    return runs


def _brand_word(r: Reader) -> str | None:
    """The first word of the largest text on the card: the payer's brand ("Evergreen MA")."""
    best: tuple[float, str] | None = None
    for row in r.view.rows:
        text = " ".join(seg.text for seg in row)
        words = re.findall(r"[A-Za-z][A-Za-z'&\-]{2,}", text)
        if not words or re.search(r"\d", text) or _CAPTION.search(text) or in_transmit_header(r.view, row[0]):
            continue
        height = sum(_height(seg) for seg in row) / len(row)
        if best is None or height > best[0]:
            best = (height, words[0].lower())
    return best[1] if best else None


def _payer_by_size(r: Reader) -> Field | None:
    """The payer's brand: the largest payer-like text on the card (plan words, no digits), not a
    caption above a copied card ("Copy of insurance card", "CARD (FRONT/BACK)") nor a generic
    subtitle ("HEALTH INSURANCE"); text that OCR garbled (non-ASCII letters) counts less. A name
    that starts with the brand's word printed largest ("Evergreen MA" over "Evergreen Medicare
    Advantage" on the back) is preferred to a plan-type subtitle ("Medicare Advantage HMO")."""
    found: list[tuple[float, int, Field]] = []
    for row in r.view.rows:
        for run in _runs(row):
            text = " ".join(seg.text for seg in run)
            if not _payer_candidate(text):
                continue
            value = parse_payer(text, run[0].ocr)
            if not value:
                continue
            ev = run[0].evidence(0, len(run[0].text))
            for seg in run[1:]:
                ev = ev.join(seg.evidence(0, len(seg.text))) if ev else None
            if ev is None:
                continue
            height = sum(_height(seg) for seg in run) / len(run)
            score = height * (0.5 if any(ord(c) > 127 for c in text) else 1.0)
            found.append((score, len(text.split()), make_field(value, ev, "pattern")))
    brand = _brand_word(r)
    branded = [c for c in found if str(c[2].value).split()[0].lower() == brand]
    best: tuple[float, int, Field] | None = None
    for cand in branded or found:
        # clearly larger type wins; in about the same size, the longer name (the whole brand)
        if best is None or cand[0] > best[0] * 1.15 or (cand[0] > best[0] * 0.87 and cand[1] > best[1]):
            best = cand
    if best is None:
        return None
    chosen = str(best[2].value).lower()
    for cand in found:  # "Granite State Health Partnersgver HMo": OCR glued specks onto the name printed cleanly elsewhere
        other = str(cand[2].value).lower()
        if other != chosen and chosen.startswith(other) and chosen[len(other)].isalpha():
            return cand[2]
    return best[2]


# A value standing alone on its line, the way cards print them under a tiny label OCR often loses.
_ID_ALONE = re.compile(r"^[A-Z0-9]\S{4,19}$")
_ID_CHARS = re.compile(r"[A-Z0-9\-]")
_JUNK = re.compile(r"^(?:[^A-Za-z0-9]+|[A-Za-z]|[a-z]{2})$")  # specks OCR reads next to a value: "-", ")", "a"
_NOT_ID_ROW = re.compile(r"rx|\bbin\b|\bpcn\b|\$|phone|call|\bfax\b|\btel\b|\bbox\b|copay", re.I)
_PHONE_LIKE = re.compile(r"^(?:1-)?\d{3}-\d{3}-\d{4}$")  # a bare run of 10-11 digits is an id, not a phone
# An id printed in groups, a letter first ("CR1 9405 43603", "LMV 6085 16620"), at the end of its line
# after a label OCR garbled ("TB) LMV 6085 16620"); all-digit groups are left alone (phone numbers).
_GROUPED_ID = re.compile(r"(?:^|\s)([A-Z][A-Z0-9]{1,4}(?: \d{3,6}){1,3})$")


def _alone(seg: Segment) -> str:
    """The segment's text without OCR specks at its ends."""
    words = seg.text.split()
    while words and _JUNK.match(words[-1]) and len(words) > 1:
        words.pop()
    while words and _JUNK.match(words[0]) and len(words) > 1:
        words.pop(0)
    return " ".join(words)


def _id_alone(seg: Segment, row: list[Segment]) -> str | None:
    text = _alone(seg).strip(".,:;")
    words = text.split()
    grouped = _GROUPED_ID.search(text)
    if grouped:
        text = grouped.group(1)
    elif 1 < len(words) <= 3 and all(w.isalpha() and len(w) <= 8 for w in words[:-1]):
        text = words[-1].strip(".,:;")  # "Member if 15341763939": a label OCR garbled, then the id
    compact = text.replace(" ", "")
    if not _ID_ALONE.match(compact) or sum(c.isdigit() for c in compact) < 3 or compact.upper().startswith("RX"):
        return None
    if len(compact) - len(_ID_CHARS.findall(compact)) > 2:
        return None  # up to two characters OCR garbled ("6F75-\u00a5S2-ZX12") still mark the id's place
    left = row[: row.index(seg)][-1:] if seg in row else []
    if _PHONE_LIKE.match(text) or normalize.find_dates(text) or any(_NOT_ID_ROW.search(s.text) for s in [seg, *left]):
        return None  # "RxGRP  RX3157" / "RxBIN 610936": the pharmacy routing numbers, never member id or group
    return text


def _stacked_values(r: Reader) -> list[tuple[Segment, str]]:
    """Ids standing alone on their lines, in reading order ("47552022523" under the member's name)."""
    out = []
    for row in r.view.rows:
        for seg in row:
            text = None if in_transmit_header(r.view, seg) else _id_alone(seg, row)
            if text is not None:
                out.append((seg, text))
    return out


def _field_from(seg: Segment, text: str, parser) -> Field | None:
    start = seg.text.find(text)
    value = parser(text, seg.ocr)
    ev = seg.evidence(start + value.start, start + value.end) if value is not None and start >= 0 else None
    return make_field(value, ev, "fallback") if ev is not None else None


def _alnum(text: str) -> int:
    return sum(c.isalnum() for c in text)


def _distance(a: Segment, b: Segment) -> float:
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a.bbox, b.bbox
    return (((ax0 + ax1) - (bx0 + bx1)) ** 2 + ((ay0 + ay1) - (by0 + by1)) ** 2) ** 0.5 / 2


def _ids_by_shape(r: Reader, out: dict[str, Field]) -> None:
    """Member id and group when their labels are unreadable, wherever the card prints them.

    Among the ids standing alone on their lines (RxBIN / RxPCN / RxGrp rows, phones, dates and
    amounts are never either), the member id is the longest one: member ids run 9 to 12+
    characters (a letter prefix and 8+ digits, an 11-character MBI), group numbers 4 to 10. The
    group is the id nearest the member id (above, below or beside it), never longer than it.
    """
    stacked = [(seg, text) for seg, text in _stacked_values(r) if _alnum(text) >= 3]
    member = out.get("member_id")
    member_seg: Segment | None = None
    taken = str(out["group_number"].value) if "group_number" in out else None
    if member is None:
        pool = [(seg, text) for seg, text in stacked if text.replace(" ", "") != taken and _alnum(text) >= 6]
        if not pool:
            return
        member_seg, text = max(pool, key=lambda c: (_alnum(c[1]), -c[0].row))
        put(out, "member_id", _field_from(member_seg, text, id_parser(True, 5)))
        member = out.get("member_id")
    elif member.page is not None:
        member_seg = next((seg for seg, text in stacked if seg.page == member.page
                           and text.replace(" ", "") == str(member.value)), None)
        if member_seg is None:  # a labelled id: its place is its evidence box
            member_seg = Segment(member.page, [Token(str(member.value), member.bbox, member.confidence)], -1, 0, True)
    if member is None or member_seg is None or "group_number" in out:
        return
    height = max(member_seg.bbox[3] - member_seg.bbox[1], 4.0)
    groups = [(seg, text) for seg, text in stacked if seg is not member_seg and seg.page == member_seg.page
              and text.replace(" ", "") != str(member.value) and 3 <= _alnum(text) <= _alnum(str(member.value))
              and _distance(seg, member_seg) < 16 * height + 40]
    if groups:
        seg, text = min(groups, key=lambda c: _distance(c[0], member_seg))
        put(out, "group_number", _field_from(seg, text, id_parser(False, 3)))


def _name_above(r: Reader, member: Field | None) -> Field | None:
    """The member's name printed right above the id, its label too small to read (OCR may split
    the name at a wide letter gap: "HAROLD | PENNINGTON")."""
    if member is None:
        return None
    reach = 4 * (member.bbox[3] - member.bbox[1]) + 12
    candidates = []
    for row in r.view.rows:
        for run in _runs(row):
            first = run[0]
            if first.page != member.page or abs(first.bbox[0] - member.bbox[0]) > 40:
                continue
            bottom = max(seg.bbox[3] for seg in run)
            if bottom <= member.bbox[1] + 2 and member.bbox[1] - bottom < reach:
                candidates.append(run)
    for run in sorted(candidates, key=lambda run: -run[0].bbox[1]):
        text = " ".join(_alone(seg) for seg in run)
        if re.search(r"\d", text) or _PAYER_WORDS.search(text) or _CAPTION.search(text):
            continue
        value = parse_name(text, run[0].ocr)
        if value is None or value.end - value.start < len(text) - 1:
            continue
        ev = run[0].evidence(0, len(run[0].text))
        for seg in run[1:]:
            ev = ev.join(seg.evidence(0, len(seg.text))) if ev else None
        if ev is not None:
            return make_field(value, ev, "fallback")
    return None


def _date_alone(r: Reader) -> Field | None:
    """A birth date standing alone on its line under an unreadable label: the only past date
    printed that way (an effective date is recent, so a date within two years is never taken)."""
    parse = date_parser("dob")
    found = []
    for row in r.view.rows:
        for seg in row:
            text = _alone(seg)
            dates = normalize.find_dates(text)
            if len(dates) != 1 or len(text) - len(dates[0].text) > 2:
                continue
            value = parse(text, seg.ocr)
            if value is None or not value.valid or str(value.value) > f"{date.today().year - 2}":
                continue
            start = seg.text.find(text)
            ev = seg.evidence(start + value.start, start + value.end)
            if ev is not None:
                found.append(make_field(value, ev, "fallback"))
    return found[0] if len({f.value for f in found}) == 1 else None


@register("insurance_card.v2", types=["insurance_card"])
def insurance_card(view: DocView) -> dict[str, Field]:
    r = Reader(view)
    out: dict[str, Field] = {}
    put(out, "member_id", r.labelled("member_id") or r.labelled("member_id", parser=id_parser(True, 4), keys=("id",)))
    put(out, "group_number", r.labelled("group_number"))
    put(out, "payer_name", r.labelled("payer_name", parser=_labelled_payer) or _payer_by_size(r))
    _ids_by_shape(r, out)
    put(out, "patient_name", common.patient_name(r) or _name_above(r, out.get("member_id")))
    put(out, "patient_dob", r.labelled("patient_dob") or _date_alone(r))
    return out
