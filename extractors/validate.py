"""Validators: is a normalised value plausible, and if not, why. OCR repairs live here too,
because only a validator can tell that a repair turned a bad value into a good one.

Each ``check_*`` returns ``Verdict(value, valid, reason, repaired)``: the (possibly repaired)
value, whether it passes, a reason naming the value and what is wrong, and whether an OCR
repair was applied. Repairs run only when the caller says the text came from OCR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractors import normalize

ICD10_RE = re.compile(r"^[A-Z][0-9][0-9AB](\.[0-9A-HJ-NP-Z]{1,4})?$")
CPT_RE = re.compile(r"^(\d{5}|\d{4}[FTU])$")
HCPCS_RE = re.compile(r"^[A-V]\d{4}$")

# Letters OCR reads for digits, and back.
TO_DIGIT = {"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "i": "1", "|": "1", "L": "1",
            "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6", "b": "6", "g": "9", "T": "7"}
TO_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}
# Digits OCR confuses with each other (for the NPI single-substitution repair).
DIGIT_CONFUSIONS = {"0": "86", "1": "7", "3": "8", "5": "6", "6": "58", "7": "1", "8": "0369", "9": "8"}


@dataclass(frozen=True)
class Verdict:
    value: str | None
    valid: bool
    reason: str | None = None
    repaired: bool = False


# ----------------------------------------------------------------------------- NPI


def npi_check_digit_ok(npi: str) -> bool:
    """Luhn over "80840" + the NPI (the card-issuer prefix for US health identifiers)."""
    if not re.fullmatch(r"\d{10}", npi or ""):
        return False
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def check_npi(text: str, ocr: bool = False) -> Verdict:
    raw = normalize.npi(text)
    value = raw
    repaired = False
    if ocr and len(value) == 10 and not value.isdigit():
        value = "".join(TO_DIGIT.get(c, c) for c in value)
        repaired = value != raw
    if not re.fullmatch(r"\d{10}", value):
        return Verdict(raw, False, f"NPI {raw!r} is not 10 digits")
    if npi_check_digit_ok(value):
        return Verdict(value, True, None, repaired)
    if ocr:
        fixes = {value[:i] + alt + value[i + 1:] for i, c in enumerate(value) for alt in DIGIT_CONFUSIONS.get(c, "")}
        good = [f for f in fixes if npi_check_digit_ok(f)]
        if len(good) == 1:
            return Verdict(good[0], True, None, True)
    return Verdict(value, False, f"NPI {value} fails the check digit (Luhn with prefix 80840)", repaired)


# ----------------------------------------------------------------------------- codes


def check_icd10(text: str, ocr: bool = False) -> Verdict:
    code = normalize.icd10(text)
    if ICD10_RE.match(code):
        return Verdict(code, True)
    if ocr:
        plain = code.replace(".", "")
        chars = list(plain)
        if chars:
            chars[0] = TO_LETTER.get(chars[0], chars[0])
            if len(chars) > 1:
                chars[1] = TO_DIGIT.get(chars[1], chars[1])
            if len(chars) > 2 and chars[2] in "OISZG":
                chars[2] = TO_DIGIT[chars[2]]
            chars[3:] = [{"O": "0", "I": "1"}.get(c, c) for c in chars[3:]]  # never letters after the category
        fixed = normalize.icd10("".join(chars))
        if ICD10_RE.match(fixed):
            return Verdict(fixed, True, None, True)
    return Verdict(code, False, f"ICD-10-CM code {code!r} is malformed (letter, digit, character, then up to 4 after a dot)")


def check_cpt(text: str, ocr: bool = False) -> Verdict:
    code = normalize.cpt(text)
    if CPT_RE.match(code) or HCPCS_RE.match(code):
        return Verdict(code, True)
    if ocr and len(code) == 5:
        head = code[0]
        tail = "".join(TO_DIGIT.get(c, c) for c in code[1:])
        for first in (TO_DIGIT.get(head, head), head):
            fixed = first + tail
            if CPT_RE.match(fixed) or HCPCS_RE.match(fixed):
                return Verdict(fixed, True, None, True)
    return Verdict(code, False, f"procedure code {code!r} is neither CPT (5 digits) nor HCPCS (letter + 4 digits)")


# A Medicare Beneficiary Identifier: 11 characters, each position a digit (N), a letter (A: no S, L, O,
# I, B or Z) or either (C), printed whole or as 4-3-4 ("1EG4-TE5-MK73").
_MBI_SHAPE = "NACNACNAANN"
_MBI_LETTERS = set("ACDEFGHJKMNPQRTUVWXY")
_MBI_AS_LETTER = {"0": "D", "O": "D", "6": "G", "I": "J"}  # a letter position OCR read as one it cannot hold


def _mbi_ok(chars: list[str]) -> bool:
    return chars[0] != "0" and all(
        c.isdigit() if kind == "N" else c in _MBI_LETTERS if kind == "A" else (c.isdigit() or c in _MBI_LETTERS)
        for c, kind in zip(chars, _MBI_SHAPE))


def _repair_mbi(value: str) -> str | None:
    """``value`` with OCR slips mended position by position when it has an MBI's length and layout
    and the mended id is a valid MBI; None otherwise."""
    plain = value.replace("-", "")
    if len(plain) != 11 or not plain.isalnum() or (len(value) != 11 and [len(p) for p in value.split("-")] != [4, 3, 4]):
        return None
    chars = list(plain)
    for i, kind in enumerate(_MBI_SHAPE):
        c = chars[i]
        if kind == "N":
            chars[i] = TO_DIGIT.get(c, c)
        elif kind == "A":
            chars[i] = _MBI_AS_LETTER.get(c, c)
        elif c.isalpha() and c not in _MBI_LETTERS:
            chars[i] = TO_DIGIT.get(c, c)
    if not _mbi_ok(chars):
        return None
    fixed = "".join(chars)
    return fixed if "-" not in value else f"{fixed[:4]}-{fixed[4:7]}-{fixed[7:]}"


def repair_id(text: str, ocr: bool = False) -> Verdict:
    """Member / auth / group ids: a letter OCR read inside a run of digits becomes that digit; an id
    laid out as an MBI is mended position by position."""
    value = normalize.member_id(text)
    if not value:
        return Verdict(None, False, "empty id")
    if not ocr:
        return Verdict(value, True)
    mbi = _repair_mbi(value)
    if mbi is not None:
        return Verdict(mbi, True, None, mbi != value)
    body = value.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # "W123..." / "GRP123...": a letter prefix is printed
    if any(c.isalpha() and c not in TO_DIGIT for c in body):
        return Verdict(value, True)  # an alphanumeric id ("4Z31-SE4-XE36"): its letters are real
    chars = list(value)
    for i, c in enumerate(chars):
        if c in TO_DIGIT and 0 < i < len(chars) - 1 and chars[i - 1].isdigit() and chars[i + 1].isdigit():
            chars[i] = TO_DIGIT[c]
    fixed = "".join(chars)
    return Verdict(fixed, True, None, fixed != value)


# ----------------------------------------------------------------------------- dates and phones


def check_date(parsed: normalize.ParsedDate, kind: str = "any", today: date | None = None) -> Verdict:
    today = today or date.today()
    iso = parsed.value.isoformat()
    if parsed.day_first:
        return Verdict(iso, False, f"date {parsed.text!r} reads only as day-first (DD/MM/YYYY); US forms use MM/DD/YYYY")
    if kind == "dob":
        if parsed.value > today:
            return Verdict(iso, False, f"date of birth {iso} is in the future")
        if parsed.value.year < today.year - 125:
            return Verdict(iso, False, f"date of birth {iso} is more than 125 years ago")
    elif parsed.value.year < 1990 or parsed.value.year > today.year + 5:
        return Verdict(iso, False, f"date {iso} is implausible for a document or service date")
    return Verdict(iso, True)


def check_phone(text: str) -> Verdict:
    digits = normalize.phone_digits(text)
    if not digits:
        return Verdict(None, False, "no digits in the fax number")
    if len(digits) != 10:
        return Verdict(digits, False, f"fax number {digits} has {len(digits)} digits; US numbers have 10")
    if digits[0] in "01":
        return Verdict(digits, False, f"fax number {digits} has an area code starting with {digits[0]}")
    return Verdict(digits, True)
