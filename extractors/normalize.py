"""Turn printed values into the CONTRACT section 3 forms (names, dates, ids, codes, numbers).

Every function takes the raw text and returns the normal form, or ``None`` when the text is
not a value of that kind. Judging whether a well-formed value is *plausible* (check digits,
dates in the future) is ``validate.py``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# ----------------------------------------------------------------------------- names

TITLES = {"dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "professor"}
CREDENTIALS = {
    "md", "do", "np", "pa", "pa-c", "pac", "facp", "facs", "facc", "facr", "facog", "faafp", "faap",
    "rn", "bsn", "msn", "aprn", "arnp", "crnp", "cnp", "fnp", "fnp-bc", "fnp-c", "anp", "agnp", "dnp",
    "phd", "mph", "mbbs", "dpm", "dc", "od", "dds", "dmd", "pharmd", "rph", "lcsw", "pt", "dpt",
    "ot", "otr", "ccc-slp", "slp", "cns", "crna", "mba", "ms", "ma", "lpn", "facep", "faan", "fccp",
    "faha", "ranp", "pa-s", "lmft", "psyd", "abfm", "dabr",
}
SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v"}
_NAME_CHARS = re.compile(r"[^A-Za-z\u00C0-\u024F'\-\., ]")


def _cred_key(token: str) -> str:
    return token.lower().replace(".", "").strip(",;")


def _proper(word: str) -> str:
    """JANE -> Jane, O'BRIEN -> O'Brien, SMITH-JONES -> Smith-Jones."""
    out = []
    for part in re.split(r"([\-'])", word):
        out.append(part[:1].upper() + part[1:].lower() if part not in ("-", "'") else part)
    return "".join(out)


# Credentials OCR glued to a name ("Davidmd", "MatthewNP", "DAVIDMD") or split ("Pa- C"); a lower-case
# or all-capitals glued credential only where no name ends so ("Orlando", "ALFREDO", "Alpa" keep theirs).
_GLUED_CREDENTIAL = re.compile(r"\b([A-Z][a-z]{2,})(?:md|MD|NP|PA|DO|RN|PA-C)\b|\b([A-Z]{3,})MD\b")
_SPLIT_CREDENTIAL = re.compile(r"\b(PA|FNP)\s*-\s+(C|BC)\b", re.I)


def person_name(text: str) -> str | None:
    """"DOE, JANE A" -> "Jane A Doe"; "Dr. John Smith, MD, FACP" -> "John Smith"."""
    if not text:
        return None
    text = _GLUED_CREDENTIAL.sub(lambda m: m.group(1) or m.group(2), _SPLIT_CREDENTIAL.sub(r"\1-\2", text))
    raw = _NAME_CHARS.sub(" ", text)
    raw = re.sub(r"\s+", " ", raw).strip(" ,.;-")
    if not raw:
        return None
    # Drop credentials (anywhere after the first word) and titles (at the start).
    parts = [p for p in re.split(r"\s*,\s*", raw) if p]
    kept_parts: list[str] = []
    for part in parts:
        words = [w for w in part.split(" ") if any(c.isalpha() for c in w)]  # "Spencer, - Scott": no stray dash
        words = [w for w in words if _cred_key(w) not in CREDENTIALS or len(kept_parts) + len(words) == 1]
        if kept_parts == [] and words and _cred_key(words[0]) in TITLES:
            words = words[1:]
        if words and all(_cred_key(w) in CREDENTIALS for w in words):
            continue
        if words:
            kept_parts.append(" ".join(words))
    if not kept_parts:
        return None
    suffix = ""
    if len(kept_parts) > 1 and _cred_key(kept_parts[-1]) in SUFFIXES:
        suffix = kept_parts.pop()
    if len(kept_parts) >= 2:
        # "Family, Given Middle" -> "Given Middle Family"
        family, given = kept_parts[0], " ".join(kept_parts[1:])
        words = given.split() + family.split()
    else:
        words = kept_parts[0].split()
    words = [w for w in words if _cred_key(w) not in TITLES or len(words) == 1]
    if suffix:
        words.append(suffix)
    # Single-letter initials lose their period: "Jane A. Doe" -> "Jane A Doe".
    words = [w.rstrip(".") if len(w.rstrip(".")) == 1 else w for w in words]
    words = [w.strip(".") if w.strip(".") else w for w in words]
    letters = "".join(ch for ch in "".join(words) if ch.isalpha())
    if not letters:
        return None
    if letters.isupper() or letters.islower():
        words = [_proper(w) for w in words]
    return " ".join(words)


# ----------------------------------------------------------------------------- dates

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
             r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")

DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(r"(?<![\d/.\-])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d/\-])")),
    ("mdy", re.compile(r"(?<![\d/.\-])(?P<m>\d{1,2})\s?(?P<sep>[/\-.])\s?(?P<d>\d{1,2})\s?(?P=sep)\s?(?P<y>\d{4}|\d{2})(?![\d/\-])")),
    ("text_mdy", re.compile(rf"(?<![A-Za-z])(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)", re.I)),
    ("text_dmy", re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s\-]+(?P<mon>{_MONTH_RE})\.?[\s\-,]+(?P<y>\d{{4}}|\d{{2}})(?!\d)", re.I)),
    ("compact", re.compile(r"(?<![\d/\-])(?P<m>[01]\d)(?P<d>[0-3]\d)(?P<y>(?:19|20)\d{2})(?![\d/\-])")),
]


@dataclass(frozen=True)
class ParsedDate:
    value: date
    text: str
    start: int
    end: int
    day_first: bool = False  # read as DD/MM/YYYY because MM/DD/YYYY is impossible
    two_digit_year: bool = False


def _year(y: str, kind: str, today: date) -> int:
    if len(y) == 4:
        return int(y)
    yy = int(y)
    if kind == "dob":
        return 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    return 2000 + yy if 2000 + yy <= today.year + 20 else 1900 + yy


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, kind: str = "any", today: date | None = None) -> list[ParsedDate]:
    """All dates in ``text`` in order. ``kind="dob"`` applies the birth-date century rule.

    US order (month first) is assumed for numeric dates; a numeric date that only makes sense
    day-first (``31/12/2020``) is returned with ``day_first=True`` so a validator can flag it.
    """
    today = today or date.today()
    found: list[ParsedDate] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            g = m.groupdict()
            day_first = False
            if name in ("text_mdy", "text_dmy"):
                month = MONTHS[g["mon"].lower()[:4] if g["mon"].lower().startswith("sept") else g["mon"].lower()[:3]]
                year = _year(g["y"], kind, today)
                value = _make(year, month, int(g["d"]))
            else:
                year = _year(g["y"], kind, today)
                mm, dd = int(g["m"]), int(g["d"])
                value = _make(year, mm, dd)
                if value is None and name == "mdy" and mm <= 31 and dd <= 12:
                    value = _make(year, dd, mm)
                    day_first = value is not None
            if value is None:
                continue
            found.append(ParsedDate(value, m.group(0), m.start(), m.end(), day_first, len(g["y"]) == 2))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda p: p.start)
    return found


def parse_date(text: str, kind: str = "any", today: date | None = None) -> ParsedDate | None:
    """The first date in ``text``, or None."""
    dates = find_dates(text, kind, today)
    return dates[0] if dates else None


# ----------------------------------------------------------------------------- ids, numbers, codes


def member_id(text: str) -> str | None:
    """As printed, spaces removed; trailing punctuation dropped."""
    value = re.sub(r"\s+", "", text or "").strip(".,;:()[]")
    return value or None


def phone_digits(text: str) -> str | None:
    """US phone/fax number as digits: 10 digits, a leading country code 1 dropped."""
    digits = re.sub(r"\D", "", text or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits or None


# "715.978,5849": a fax's dot read as a comma still separates the groups
PHONE_RE = re.compile(r"(?<![\d\-,])(?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.,\-]?\d{3}[\s.,\-]?\d{4}(?![\d\-,])")


def dedupe(values: list[str]) -> list[str]:
    """Drop repeats, keep first-seen order."""
    seen: set[str] = set()
    out = []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def icd10(text: str) -> str:
    """Upper case, no spaces, the dot after the third character when longer than three."""
    code = re.sub(r"[\s]", "", text or "").upper().rstrip(".,;")
    code = code.replace(".", "")
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def cpt(text: str) -> str:
    return re.sub(r"\s", "", text or "").upper()


def npi(text: str) -> str:
    return re.sub(r"[\s\-]", "", text or "")


def page_count(text: str) -> int | None:
    """"4", "4 pages", "Pages (including cover): 04" -> 4; "2 of 5" -> 5."""
    m = re.search(r"(\d+)\s*(?:of|/)\s*(\d+)", text or "")
    if m:
        return int(m.group(2))
    m = re.search(r"\d+", text or "")
    return int(m.group(0)) if m else None


WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

# ----------------------------------------------------------------------------- determinations

_DETERMINATIONS: list[tuple[str, re.Pattern[str]]] = [
    ("more_info_requested", re.compile(
        r"(additional|more|further|missing|supporting)\s+(clinical\s+)?(information|documentation|records|info)|"
        r"request(ing)?\s+(for\s+)?(additional\s+)?(information|records|documentation)|information\s+(is\s+)?(needed|required|requested)|"
        r"more[\s_]info|incomplete\s+request", re.I)),
    ("denied", re.compile(
        r"\b(denied|denial|deny|denies|not\s+(been\s+)?approved|non[-\s]?certif\w*|not\s+medically\s+necessary|"
        r"adverse\s+(benefit\s+)?determination|not\s+authorized|rejected|not\s+covered)\b", re.I)),
    ("pended", re.compile(r"\b(pended|pending|pend|under\s+review|in\s+review|on\s+hold|in\s+process)\b", re.I)),
    ("approved", re.compile(r"\b(approved|approval|approve|authorized|certified|granted|partially\s+approved)\b", re.I)),
]


def determination(text: str) -> str | None:
    """Map a determination phrase to approved | denied | pended | more_info_requested."""
    for value, pattern in _DETERMINATIONS:
        if pattern.search(text or ""):
            return value
    return None
