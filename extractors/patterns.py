"""Token patterns: field labels and value shapes, found with one spaCy ``blank("en")`` pipeline.

Why spaCy and not regular expressions here: a label is a short run of *words* whose spelling
varies in real forms ("Member ID", "Member #", "Mbr ID", "Insured's I.D. Number", "ID No.")
and whose punctuation and letters OCR garbles ("D. O. B.", "Member 1D", "NP1", "Grp#"). The
vocabulary below says each label once, in words; every spelling it stands for is a
``PhraseMatcher`` pattern over normalised tokens (lower case, abbreviation dots and hyphens
dropped, known OCR misreadings and one-letter misreadings of long label words mapped back, OCR
noise between words skipped): hash lookups, fast on every segment of every page. Value shapes
are ``EntityRuler`` token patterns (dates, 10-digit numbers, phone numbers, ICD-10-CM,
CPT/HCPCS); those that need context take it from the label before them (a 10-digit number
after an NPI label is an NPI, after a phone or fax label a phone number).

In OCR'd text only (``labels_in(text, ocr=True)``), a label a fax misread beyond what NORM repairs
("NAML.", "DAIL", "SUBSCHIBE HID", "HET URN FAX") is read by a guessing pass: each unknown word of
4+ letters is compared with the label words near it in a precomputed index (look-alike letters,
one other edit in longer words; two words a fax split or misspaced are tried joined), a guess is
taken only when exactly one label word is that near, and a guessed label counts only before a
':' or in a cell of nothing but labels. Born-digital text is matched exactly.

Regular expressions stay where they are the right tool: normalising and validating exact
formats (``normalize.py``, ``validate.py``: dates, check digits, code formats).

The pipeline is built once per process (``nlp()``) and its components are registered under
versioned names; ``PATTERNS_VERSION`` names the pattern sets below and changes whenever they
change behaviour (spaCy style: a published name never changes what it does).

Vocabulary syntax (``_LABELS``): words separated by spaces; ``a|b`` alternatives for one token;
a trailing ``?`` makes a token optional; macros: ``NUM`` is any of "number", "no", "num", "nbr",
"#" (and "&", "@": OCR's "#"), ``PLURAL`` an optional "(s)", ``WHEN`` "requested", "scheduled", ...
Between two words OCR noise (".", ",", "-", "/", "_") is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

PATTERNS_VERSION = "patterns.v2"

# ----------------------------------------------------------------------------- label vocabulary

_MACROS = {"NUM": "number|no|num|nbr|#|&|@", "PLURAL": "(? s? )?", "WHEN": "requested|anticipated|planned|proposed|scheduled|expected?"}

# key, role it sets (or None), strong, phrases
_LABELS: list[tuple[str, str | None, bool, list[str]]] = [
    ("patient_name", "patient", False, [
        "patient 's? full|legal? name", "name of patient|insured", "pt name", "member|subscriber|cardholder|enrollee name",
        "insured 's? name", "beneficiary|client name", "patient name ( last , first ,? mi? )", "name ( last , first ,? mi? )",
        "patient / member name", "member / patient|subscriber name", "patient", "member", "subscriber", "insured",
        "beneficiary", "enrollee", "re", "regarding", "pt", "cardholder"]),
    ("patient_dob", "patient", True, [
        "date of birth", "dob", "d o b", "do b", "d ob", "birth date|dt", "birthdate", "patient|member|pt dob", "patient 's birth date",
        "born"]),
    ("member_id", "patient", True, [
        "member id|identification NUM?", "member NUM", "member id #", "mbr id|# NUM?", "subscriber|enrollee|beneficiary id NUM?",
        "subscriber NUM", "insurance|insured id NUM?", "insured 's id NUM?", "policy NUM|id", "identification NUM",
        "medicare|medicaid NUM|id", "id NUM", "member identification", "policy / member id", "member / policy id",
        "subscriber / member id", "member / subscriber id", "cardholder id NUM?", "plan id", "mbi",
        "medicare beneficiary identifier"]),
    ("group_number", None, True, [
        "group NUM|id", "grp NUM|id?", "employer group NUM?", "group / plan NUM",
        "insured 's? policy group or feca NUM", "policy group NUM?"]),
    # A bare "Group" ends many an organisation's name ("Roberson Medical Group"): a label only with
    # ':' or at the start of its cell.
    ("group_number", None, False, ["group"]),
    ("payer_name", None, False, [
        "payer name?", "insurance company|plan|carrier|name|provider", "health plan name?", "plan name", "insurer",
        "insurance", "carrier", "payor name?", "insurance co", "insurance plan name or program name"]),
    # Specific enough mid-sentence ("... 1993-04-02. Primary Insurance  Heartland Benefit Trust"), when capitalised.
    ("payer_name", None, True, ["primary insurance", "insurance carrier", "primary payer|payor", "insurance plan"]),
    ("ordering_provider_name", "ordering", False, [
        "ordering|requesting|referring|treating provider|physician|clinician|practitioner|doctor name?",
        "ordering|referring / referring|ordering|requesting provider|physician name?",
        "prescriber name?", "prescribing provider|physician|practitioner name?",
        "ordered|requested|referred|prescribed|authored by", "provider|physician|clinician name", "provider", "physician",
        "clinician", "author", "ordering md", "name of referring provider or other source"]),
    # Who saw the patient: the author of a clinical note, but not of a discharge summary or a report.
    ("note_author", "author", False, [
        "seen by", "attending|rendering provider", "attending physician", "visit|encounter provider"]),
    ("ordering_provider_npi", "ordering", True, [
        "ordering|requesting|referring|prescriber|prescribing|provider|physician|treating npi NUM?"]),
    ("npi", None, True, ["npi NUM?", "n pi NUM?", "npi id", "national provider identifier|id"]),
    ("service_date", None, True, [
        "WHEN date PLURAL of service", "WHEN dates of service", "dos", "WHEN service date|dates", "scheduled date|for",
        "planned for", "procedure date", "date of procedure", "appointment|appt date", "requested date", "start date",
        "exam|study|svc date", "date of exam|study"]),
    # "SERVICE: 12/17/2026" (the rest of a label wrapped from the line above): only as a label with ':'
    # or at the start of a cell, and only a date parses as its value.
    ("service_date", None, False, ["service|services"]),
    ("document_date", None, False, [
        "date of visit|note|report|letter|encounter|request|order|referral|determination|notice|consent|dictation",
        "visit|note|report|letter|encounter|request|order|referral|determination|notice|form|signature|dictation date",
        "date signed", "signed on|date", "date reported", "reported", "report date", "resulted", "final report",
        "dictated", "date completed", "date issued", "issue date", "notice date", "date sent", "sent", "discharge date",
        "date of discharge", "date ordered", "date submitted", "today 's? date", "todays date", "registration date",
        "statement date", "date processed", "processed date|on?", "date of the? letter", "date"]),
    ("document_date", None, True, ["completed on", "signed on", "dated"]),
    ("auth_number", None, True, [
        "prior? auth|authorization NUM|id|reference", "reference NUM", "ref NUM", "case NUM|id", "claim NUM|id",
        "tracking NUM", "certification NUM", "pa NUM", "request NUM|id", "precert|precertification NUM", "review NUM|id",
        "authorization / reference NUM"]),
    ("determination", None, False, ["determination", "decision", "status", "outcome", "review outcome", "request status"]),
    ("fax_from", "sender", True, ["sender|from 's? fax NUM?", "return fax NUM?"]),
    ("fax_to", "recipient", True, ["recipient|to 's? fax NUM?"]),
    ("fax", None, False, ["fax NUM?", "facsimile", "fax phone"]),
    ("role_sender", "sender", False, ["from", "sender", "sent by"]),
    ("role_recipient", "recipient", False, ["to", "recipient", "attn", "attention"]),
    ("page_count", None, True, [
        "number|no|# of page|pages", "total page|pages", "page|pages", "page count", "pages sent",
        "number|no|#? of? page|pages ( including this? cover sheet|page? )", "number|no|#? of? page|pages including cover sheet|page?"]),
    ("name", None, False, ["name", "full name"]),
    ("cpt_codes", None, True, [
        "cpt|hcpcs code|codes? PLURAL", "cpt / hcpcs code|codes? PLURAL", "procedure code|codes PLURAL"]),
    ("icd10_codes", None, True, [
        "icd10|icd10cm|icd code|codes? PLURAL", "icd10 cm code|codes? PLURAL", "icd 10 cm? code|codes? PLURAL", "diagnosis code|codes PLURAL", "dx code|codes"]),
    ("phone", None, False, ["home|cell|mobile|work|office? phone NUM?", "tel|telephone NUM?"]),
    # A bare "ID" (cards print "ID 123456789"): a label of no field by itself; the card reads it as the member id.
    ("id", None, False, ["id"]),
    # Labels that belong to no field: they end values and set roles.
    ("other", "other", False, [
        "referred|refer|referral to", "specialist name?", "consultant", "consulting physician|provider", "radiologist",
        "interpreting|reading physician|radiologist", "interpreted|read by", "performing|rendering provider|physician|facility",
        "servicing|billing|supervising provider|facility|physician", "attending physician?", "facility name?", "pcp",
        "primary care physician|provider?", "pathologist", "lab|medical director", "reviewer", "reviewed|verified by", "cc",
        "place of service"]),
    ("last_name", "patient", False, ["patient? last name", "surname", "family name"]),
    ("first_name", "patient", False, ["patient? first name", "given name"]),
    ("middle_initial", "patient", False, ["mi", "middle initial|name"]),
    # Numbers of no CONTRACT field: record, account, tax, pharmacy routing and postal numbers.
    ("other_id", None, False, [
        "zip code?", "postal code", "mrn", "medical record NUM?", "account NUM?", "acct NUM?", "ssn", "patient id",
        "federal? tax id NUM?", "tin", "ein", "dea NUM?", "license NUM?", "rx grp|group|bin|pcn|id", "rxgrp", "rxbin",
        "rxpcn", "bin", "pcn", "suite|ste|apt", "accession NUM?", "payer|payor id"]),
    ("ignore", None, False, [
        "address", "street", "city", "state", "email",
        "sex", "gender", "age", "specialty", "practice name?", "signature", "signed",
        "diagnosis", "procedure", "description", "units", "quantity", "relationship", "copay", "deductible", "effective|expiration date?", "plan type", "subject", "time",
        "urgency", "priority", "comment|comments", "note|notes", "message", "contact person?", "amount billed", "billed",
        "allowed", "paid", "patient responsibility", "clinic", "organization", "company", "department", "dept", "title",
        "credentials", "collected", "collection date", "date of collection|admission", "admission|admit date",
        "received", "date received", "marital status", "emergency contact", "visits requested", "exam",
        "drug", "dose", "site of care", "clinical indication", "reason for referral|visit", "chief complaint",
        "issuer"]),
]

# Section headings (a short cell without digits) set the role of the generic labels below them.
_ROLE_CUES: list[tuple[str, list[str]]] = [
    ("other", ["referred|refer|referral to", "specialist", "consultant", "radiologist", "interpreting|interpreted|interpret",
               "reading", "rendering", "servicing", "performing", "facility", "attending", "pcp", "primary care"]),
    ("ordering", ["ordering", "requesting", "referring", "prescriber|prescribing|prescribed|prescription", "provider",
                  "physician", "clinician", "practitioner"]),
    ("patient", ["patient", "member", "subscriber", "insured", "enrollee", "beneficiary"]),
    ("sender", ["from", "sender"]),  # only as the cell's first word
    ("recipient", ["to", "recipient", "attn"]),
]
_ANCHORED_ROLES = {"sender", "recipient"}

# Label words OCR misreads often (NORM of a token): "1D" / "lD" for "ID", "NP1" / "NPl" for "NPI".
_NORM_FIXES = {
    "1d": "id", "ld": "id", "|d": "id", "!d": "id",
    "np1": "npi", "npl": "npi", "np!": "npi", "npt": "npi",
    "d0b": "dob", "n0": "no", "nurnber": "number",
}
# Letters OCR reads for one another: a one-letter difference from a label word counts only
# within one group ("Insuranco" is "Insurance"; "provided" is not "provider").
_OCR_CONFUSIONS = ["oeca", "iltfj", "nuhrm", "bh", "gq", "vy", "sz"]
_NOISE = [".", ",", "-", "/", "_", "\u2013"]

# ----------------------------------------------------------------------------- the pipeline


@lru_cache(maxsize=None)
def _label_words() -> dict[str, str | None]:
    """Long label words by their one-letter-masked forms ("insur?nce" -> "insurance"), for
    reading a label word OCR misread by one letter ("Insuranco", "Identilier"); None where two
    label words share a masked form (then no guess is made)."""
    words = {w for _, _, _, phrases in _LABELS for phrase in phrases for word in _expand(phrase)
             for w in word.rstrip("?").split("|") if len(w) >= 6 and w.isalpha()}
    masked: dict[str, str | None] = {}
    for w in sorted(words):
        for i in range(len(w)):
            key = w[:i] + "?" + w[i + 1:]
            masked[key] = w if key not in masked or masked[key] == w else None
    return masked | {w: w for w in words}


@lru_cache(maxsize=50000)
def _norm(text: str) -> str:
    low = text.lower()
    if re.search(r"[a-z0-9]", low):
        if "." in low:
            low = low.replace(",", ".")  # "D.O,B.": a dot OCR read as a comma
        low = low.replace(".", "").replace("-", "") or low
    low = _NORM_FIXES.get(low, low)
    if len(low) >= 6 and low.isalpha():
        known = _label_words()
        if low not in known:  # one letter OCR misread in a long label word ("Insuranco", "Subscrlber")
            guesses = set()
            for i, c in enumerate(low):
                word = known.get(low[:i] + "?" + low[i + 1:])
                if word is not None and any(c in group and word[i] in group for group in _OCR_CONFUSIONS):
                    guesses.add(word)
            if len(guesses) == 1:
                return guesses.pop()
    return low


# ----------------------------------------------------------------------------- OCR-tolerant label words

# Letter pairs a low-resolution fax (204x98 dpi) reads for one another in small capitals
# ("NAML." for "NAME", "DAIL" for "DATE", "PHOVIDER" for "PROVIDER"); "rn" read for "m" apart.
_FAX_CONFUSIONS = {frozenset(pair) for pair in (
    "el", "rh", "tl", "ti", "oq", "o0", "cg", "b8", "il", "i1", "l1", "lj", "ij", "ec", "oc", "ce", "bh", "gq", "sz",
    "s5", "vy", "z2", "g6", "nh", "nu", "mn", "ao")}
# English words a look-alike letter away from a label word ("provided" is not "provider").
_NEVER_GUESSED = {"provided", "provides", "providing", "provide", "data", "dates", "noted", "pager", "rates", "gate",
                  "late", "mate", "hate", "fate", "nose"}
FUZZY_MAX_CELL_WORDS = 4  # two misread words are read as one two-word label only in a cell this short
FUZZY_MIN_LEN = 4  # OCR'd words shorter than this are never guessed
FUZZY_MAX_CONFUSIONS = 2  # look-alike letters per word ...
FUZZY_MAX_EDITS = 1  # ... plus at most this many other edits, only in OCR'd words of 5+ letters


def _skeleton(word: str) -> str:
    """``word`` with every look-alike letter replaced by its group's first letter (a hash key that
    puts "naml" next to "name"; candidates are then checked exactly)."""
    return word.translate(_SKELETON_TABLE)


def _skeleton_table() -> dict[int, str]:
    groups: list[set[str]] = []
    for pair in _FAX_CONFUSIONS:
        joined = [g for g in groups if g & pair]
        merged = set(pair).union(*joined)
        groups = [g for g in groups if not g & pair] + [merged]
    return {ord(c): min(g) for g in groups for c in g}


_SKELETON_TABLE = _skeleton_table()


def _label_word_sequences() -> list[tuple[str, ...]]:
    """Every spelling of every label phrase, as raw words (not yet normalised)."""
    seqs = []
    for _, _, _, phrases in _LABELS:
        for phrase in phrases:
            words: list[list[str]] = [[]]
            for word in _expand(phrase):
                optional = word.endswith("?") and len(word) > 1
                alts = [a for w in (word[:-1] if optional else word).split("|")
                        for a in (_MACROS[w].split("|") if w in _MACROS else [w])]
                words = [seq + [a] for seq in words for a in alts] + (words if optional else [])
            seqs.extend(tuple(seq) for seq in words)
    return seqs


@dataclass(frozen=True)
class _FuzzyIndex:
    """Label words (or two-word label runs, joined) of 4+ letters by skeleton and by skeleton with
    one letter dropped: hash lookups that find the few a misread OCR word may stand for."""

    by_skeleton: dict[str, frozenset[str]]
    by_deletion: dict[str, frozenset[str]]

    @staticmethod
    def of(words: set[str]) -> _FuzzyIndex:
        by_skeleton: dict[str, set[str]] = {}
        by_deletion: dict[str, set[str]] = {}
        for w in words:
            if len(w) < FUZZY_MIN_LEN:
                continue
            skel = _skeleton(w)
            by_skeleton.setdefault(skel, set()).add(w)
            for i in range(len(skel)):
                by_deletion.setdefault(skel[:i] + skel[i + 1:], set()).add(w)
        return _FuzzyIndex({k: frozenset(v) for k, v in by_skeleton.items()},
                           {k: frozenset(v) for k, v in by_deletion.items()})

    def near(self, read: str) -> set[str]:
        """Words whose skeleton is at most one letter inserted, dropped or changed from ``read``'s."""
        skel = _skeleton(read)
        found = set(self.by_skeleton.get(skel, ())) | set(self.by_deletion.get(skel, ()))
        for i in range(len(skel)):
            shorter = skel[:i] + skel[i + 1:]
            found |= self.by_skeleton.get(shorter, set()) | self.by_deletion.get(shorter, set())
        return found


@lru_cache(maxsize=1)
def _fuzzy_indexes() -> tuple[frozenset[str], _FuzzyIndex, dict[str, tuple[str, str]], _FuzzyIndex]:
    """The label words (never guessed: they are read as they are), the index of single label
    words, and two-word label runs joined ("subscriberid" -> ("subscriber", "id")) with their index."""
    seqs = _label_word_sequences()
    known = {_norm(w) for seq in seqs for w in seq if w.isalnum()}  # "icd10" too: never guessed away
    pairs: dict[str, tuple[str, str] | None] = {}
    for seq in seqs:
        for a, b in zip(seq, seq[1:]):
            if a.isalpha() and b.isalpha():
                joined = a + b
                pairs[joined] = (a, b) if pairs.get(joined, (a, b)) == (a, b) else None
    runs = {k: v for k, v in pairs.items() if v is not None}
    return frozenset(known), _FuzzyIndex.of({w for w in known if w.isalpha()}), runs, _FuzzyIndex.of(set(runs))


def _edits(read: str, word: str) -> tuple[int, int] | None:
    """(other edits, look-alike substitutions) that turn the label ``word`` into what OCR ``read``,
    with at most one inserted or dropped letter; None when it takes more."""
    if len(read) == len(word):
        pairs = [(a, b) for a, b in zip(read, word) if a != b]
        confusions = sum(frozenset((a, b)) in _FAX_CONFUSIONS for a, b in pairs)
        return len(pairs) - confusions, confusions
    if abs(len(read) - len(word)) != 1:
        return None
    long, short = (read, word) if len(read) > len(word) else (word, read)
    best = None
    for i in range(len(long)):
        if i and long[i] == long[i - 1]:
            continue  # dropping either of two equal letters is the same edit
        found = _edits(long[:i] + long[i + 1:], short)
        if found is not None and (best is None or found < best):
            best = found
    return (best[0] + 1, best[1]) if best is not None else None


def _nearest(norm: str, index: _FuzzyIndex) -> str | None:
    """The one entry of ``index`` that ``norm`` is an OCR misreading of: look-alike letters only
    (at most two) in words of four letters, one other edit besides in longer ones; None when
    none or several are that near."""
    reads = {norm, norm.replace("rn", "m")} if "rn" in norm else {norm}
    found: set[str] = set()
    for read in reads:
        extra = 1 if read != norm else 0  # "rn" for "m" is one look-alike
        for word in index.near(read):
            cost = _edits(read, word)
            if cost is None:
                continue
            edits, confusions = cost[0], cost[1] + extra
            max_edits = FUZZY_MAX_EDITS if len(read) >= 5 else 0
            if edits <= max_edits and confusions <= FUZZY_MAX_CONFUSIONS and edits + confusions <= max(2, len(word) // 3):
                found.add(word)
    return found.pop() if len(found) == 1 else None


def _guessable(norm: str) -> bool:
    return len(norm) >= FUZZY_MIN_LEN and sum(c.isalpha() for c in norm) >= 3 and norm.isalnum() \
        and norm not in _NEVER_GUESSED


@lru_cache(maxsize=50000)
def fuzzy_label_word(norm: str) -> str | None:
    """The label word an OCR'd word (its NORM) stands for when a fax misread some of its letters
    ("naml" -> "name", "dail" -> "date", "phovide" -> "provider") or glued a box rule to it
    ("datel" -> "date"); None for a label word, a short or common word, or one that two label
    words are equally near (no guessing)."""
    known, words, _, _ = _fuzzy_indexes()
    if norm in known or not _guessable(norm):
        return None
    for cut in (norm[:-1], norm[1:]):
        if norm[-1 if cut == norm[:-1] else 0] in "il1" and len(cut) >= FUZZY_MIN_LEN and cut in known:
            return cut  # "DATEL", "lNAME": a box rule read as a letter
    return _nearest(norm, words)


@lru_cache(maxsize=50000)
def fuzzy_label_join(first: str, second: str) -> str | None:
    """Two OCR'd words (NORMs) that are one label word a fax split at a wide letter gap, letters
    misread or not ("het urn" -> "return"); None when not exactly one label word is near."""
    known, words, _, _ = _fuzzy_indexes()
    if first in known or second in known or not (first + second).isalnum() or len(first + second) < 5:
        return None
    joined = first + second
    return joined if joined in known else _nearest(joined, words)


@lru_cache(maxsize=50000)
def fuzzy_label_run(first: str, second: str) -> tuple[str, str] | None:
    """Two OCR'd words (NORMs) that are a two-word label with its letters misread and the space
    misplaced ("subschibe hid" -> ("subscriber", "id")); None when not exactly one run is near."""
    known, _, runs, index = _fuzzy_indexes()
    joined = first + second
    if (first in known and second in known) or not first.isalnum() or not second.isalnum() or len(joined) < 7:
        return None
    found = _nearest(joined, index)
    return runs[found] if found is not None else None


@Language.component("intakeiq_ocr_norm_v1")
def ocr_norm(doc: Doc) -> Doc:
    """Set each token's NORM: lower case, abbreviation dots and hyphens dropped ("D.O.B." -> "dob",
    "ICD-10" -> "icd10"), OCR misreadings of label words mapped back ("1D" -> "id", "NP1" -> "npi")."""
    for token in doc:
        token.norm_ = _norm(token.text)
    return doc


def _expand(phrase: str) -> list[str]:
    words = []
    for word in phrase.split():
        words.extend(_MACROS[word].split() if word in _MACROS else
                     [_MACROS[word[:-1]] + "?"] if word.endswith("?") and word[:-1] in _MACROS else [word])
    return words


def phrase_variants(phrase: str) -> list[tuple[str, ...]]:
    """Every normalised token sequence one vocabulary phrase stands for (noise tokens left out)."""
    seqs: list[tuple[str, ...]] = [()]
    for word in _expand(phrase):
        optional = word.endswith("?") and len(word) > 1
        word = word[:-1] if optional else word
        alternatives = [_norm(alt) for w in word.split("|") for alt in (_MACROS[w].split("|") if w in _MACROS else [w])]
        alternatives = [alt for alt in dict.fromkeys(alternatives) if alt not in _NOISE]
        if not alternatives:
            continue
        seqs = [seq + (alt,) for seq in seqs for alt in alternatives] + (seqs if optional else [])
    return [seq for seq in dict.fromkeys(seqs) if seq]


@dataclass(frozen=True)
class Label:
    """What a label names: a field (or a generic key like "name", "npi"), the role it sets for
    the generic labels near it, and whether it is trusted mid-sentence."""

    key: str
    role: str | None
    strong: bool


# Value shapes whose meaning depends on context (EntityRuler): 10-digit numbers and phone
# numbers, whole or split by the tokenizer ("(212) 555-0105", "1-260-645-2573"). Dates and
# ICD-10-CM / CPT / HCPCS codes are exact formats read (OCR-tolerantly) and parsed by regular
# expressions in normalize.py / fields.py; they need no context to be what they are.
_D = lambda n: {"TEXT": {"REGEX": rf"^\d{{{n}}}$"}}  # noqa: E731
_SEP = {"ORTH": {"IN": ["-", "."]}, "OP": "?"}
ENTITY_PATTERNS: list[dict] = [
    {"label": "DIGITS10", "pattern": [_D(10)]},
    {"label": "PHONE", "pattern": [{"ORTH": {"IN": ["1", "+1"]}, "OP": "?"}, {"ORTH": "("}, _D(3), {"ORTH": ")"},
                                   _D(3), _SEP, _D(4)]},
    {"label": "PHONE", "pattern": [{"ORTH": {"IN": ["1", "+1"]}, "OP": "?"}, _SEP, _D(3), _SEP, _D(3), _SEP, _D(4)]},
    {"label": "PHONE", "pattern": [{"TEXT": {"REGEX": r"^(1[\-.])?\d{3}[\-.]\d{3}[\-.]\d{4}$"}}]},
    {"label": "PHONE", "pattern": [{"TEXT": {"REGEX": r"^\(\d{3}\)\d{3}-?\d{4}$"}}]},
]
NPI_LABELS = {"npi", "ordering_provider_npi"}
# Labels of values that are never a procedure code ("Zip 30301", "Member # 55512", "Ste 10021").
NOT_CODE_LABELS = {"member_id", "group_number", "auth_number", "npi", "ordering_provider_npi", "phone", "fax",
                   "fax_from", "fax_to", "id", "other_id"}
PHONE_LABELS = {"fax", "fax_from", "fax_to", "phone"}


@Language.component("intakeiq_number_context_v1")
def number_context(doc: Doc) -> Doc:
    """A 10-digit number (or a phone-shaped one) is an NPI after an NPI label and a phone number
    after a phone / fax label; unlabelled, a bare 10 digits starting with 1 or 2 may be an NPI
    (the validator's check digit decides), anything else is a phone number."""
    doc.ents = _numbers_in_context(doc)
    return doc


def _numbers_in_context(doc: Doc) -> list[Span]:
    """The doc's entities with each 10-digit / phone-shaped one labelled by its context (predict
    only: the component above writes them)."""
    spans = label_spans_of(doc)
    ents = []
    for ent in doc.ents:
        if ent.label_ not in ("DIGITS10", "PHONE"):
            ents.append(ent)
            continue
        before = [s for s in spans if s.end <= ent.start and ent.start - s.end <= 3]
        near = before[-1].label_ if before else ""
        if near in NPI_LABELS and ent.label_ == "DIGITS10":
            label = "NPI"
        elif near in PHONE_LABELS or ent.label_ == "PHONE":
            label = "PHONE"
        else:
            label = "NPI" if ent.text[0] in "12" else "PHONE"
        span = Span(doc, ent.start, ent.end, label=label)
        span._.labelled = bool(near)  # type: ignore[attr-defined]
        ents.append(span)
    return ents


if not Span.has_extension("labelled"):
    Span.set_extension("labelled", default=False)


def _tokenizer_rules(nlp: Language) -> None:
    """Split ':', '#', ';', '|' and brackets off words ("Grp#12345", "DOB:01/02/80", "Date(s)",
    "FIRST):") and an abbreviation's dot off a number ("No.1234")."""
    infixes = list(nlp.Defaults.infixes) + [r"[:#;|]", r"[()\[\]]", r"(?<=[A-Za-z]{2})\.(?=\d)"]
    suffixes = list(nlp.Defaults.suffixes) + [r"[:#;|)\]]"]
    prefixes = list(nlp.Defaults.prefixes) + [r"[:#;|(\[]"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    # emoticons ("):", ":-)") are punctuation on forms, not one token
    nlp.tokenizer.rules = {k: v for k, v in nlp.tokenizer.rules.items() if re.search(r"[A-Za-z0-9]", k)}


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The one pipeline of this process: blank English tokenizer, the NORM component, the shape
    entity ruler and the number-context component."""
    pipeline = spacy.blank("en")
    _tokenizer_rules(pipeline)
    pipeline.add_pipe("intakeiq_ocr_norm_v1")
    ruler = pipeline.add_pipe("entity_ruler", config={"validate": True})
    ruler.add_patterns(ENTITY_PATTERNS)  # type: ignore[attr-defined]
    pipeline.add_pipe("intakeiq_number_context_v1")
    return pipeline


@lru_cache(maxsize=1)
def _label_matchers() -> tuple[PhraseMatcher, dict[str, Label], PhraseMatcher]:
    """Phrase matchers (hash lookups over normalised tokens) for the label vocabulary and the
    role cues, built once: every spelling a phrase stands for is one pattern."""
    vocab = nlp().vocab
    labels: dict[str, Label] = {}
    matcher = PhraseMatcher(vocab)
    for order, (key, role, strong, phrase) in enumerate(
            (key, role, strong, phrase) for key, role, strong, phrases in _LABELS for phrase in phrases):
        name = f"L{order:03d}:{key}"
        labels[name] = Label(key, role, strong)
        matcher.add(name, [Doc(vocab, words=list(seq)) for seq in phrase_variants(phrase)])
    roles = PhraseMatcher(vocab)
    for role, phrases in _ROLE_CUES:
        roles.add(role, [Doc(vocab, words=list(seq)) for phrase in phrases for seq in phrase_variants(phrase)])
    return matcher, labels, roles


@lru_cache(maxsize=4096)
def tokens(text: str) -> Doc:
    """``text`` tokenised (no pipeline components: labels need only the tokens)."""
    return nlp().make_doc(text)


@lru_cache(maxsize=4096)
def _label_doc(text: str) -> tuple[Doc, tuple[int, ...]]:
    """The normalised words of ``text`` without OCR noise tokens, and each one's token index in
    ``tokens(text)``: what the phrase matchers run over."""
    doc = tokens(text)
    kept = [(t.i, _norm(t.text)) for t in doc if not t.is_space and _norm(t.text) not in _NOISE]
    return Doc(doc.vocab, words=[w for _, w in kept]), tuple(i for i, _ in kept)


@lru_cache(maxsize=4096)
def _fuzzy_label_doc(text: str) -> tuple[Doc, tuple[int, ...], tuple[int, ...], frozenset[int]] | None:
    """``_label_doc(text)`` with OCR'd words read as the label words a fax misread them from
    (``fuzzy_label_word``; in a short cell also two words a fax split or misspaced, read as one
    label word or a two-word label: ``fuzzy_label_join``, ``fuzzy_label_run``): the words, each
    one's first and last token index in ``tokens(text)``, and which words are guesses; None when
    nothing was guessed."""
    words, index = _label_doc(text)
    norms = [w.text for w in words]
    read: list[str | None] = [fuzzy_label_word(w) for w in norms]
    out: list[tuple[str, int, int, bool]] = []  # word, first token, last token, guessed
    cell = len(norms) <= FUZZY_MAX_CELL_WORDS
    i = 0
    while i < len(norms):
        if cell and i + 1 < len(norms) and (read[i] is None or read[i + 1] is None):
            one = fuzzy_label_join(norms[i], norms[i + 1])
            if one is not None:
                out.append((one, index[i], index[i + 1], True))
                i += 2
                continue
            run = fuzzy_label_run(norms[i], norms[i + 1])
            if run is not None and (read[i] or norms[i], read[i + 1] or norms[i + 1]) != run:
                out.extend([(run[0], index[i], index[i], True), (run[1], index[i + 1], index[i + 1], True)])
                i += 2
                continue
        out.append((read[i] or norms[i], index[i], index[i], read[i] is not None))
        i += 1
    if not any(guessed for *_, guessed in out):
        return None
    return (Doc(words.vocab, words=[w for w, *_ in out]), tuple(f for _, f, _, _ in out), tuple(t for _, _, t, _ in out),
            frozenset(i for i, (*_, guessed) in enumerate(out) if guessed))


def _label_spans(doc: Doc, ocr: bool = False) -> list[tuple[Span, bool]]:
    """Labels in ``doc`` (see ``label_spans_of``), each with whether it holds a guessed OCR word;
    guesses only for OCR'd text (``ocr``)."""
    matcher, labels, _ = _label_matchers()
    fuzzy = _fuzzy_label_doc(doc.text) if ocr else None
    guessed: frozenset[int] = frozenset()
    if fuzzy is not None:
        words, firsts, lasts, guessed = fuzzy
    else:
        words, firsts = _label_doc(doc.text)
        lasts = firsts
    found = sorted((start, -end, doc.vocab.strings[match_id]) for match_id, start, end in matcher(words))
    out: list[tuple[Span, bool]] = []
    taken = 0
    for start, neg_end, name in found:
        if start < taken:
            continue
        span = Span(doc, firsts[start], lasts[-neg_end - 1] + 1, label=labels[name].key, span_id=name)
        out.append((span, any(start <= i < -neg_end for i in guessed)))
        taken = -neg_end
    return out


def label_spans_of(doc: Doc) -> list[Span]:
    """Labels in ``doc``, leftmost-longest and not overlapping (ties: the earlier vocabulary
    entry); each span's ``label_`` is the label key, its ``id_`` the vocabulary entry."""
    return [span for span, _ in _label_spans(doc)]


@lru_cache(maxsize=2048)
def analyse(text: str) -> Doc:
    """``text`` through the whole pipeline: tokens, NORM, value-shape entities in context."""
    return nlp()(text)


# ----------------------------------------------------------------------------- label hits


@dataclass(frozen=True)
class LabelHit:
    """A label in a text: character span, what it labels, and how it stands."""

    label: Label
    start: int
    end: int  # after the label and its ':' / '#' / 'No.'
    label_end: int  # after the label's words
    has_colon: bool
    guessed: bool = False  # read from OCR'd words a fax misread ("NAML." for "NAME")


_AFTER_WORDS = {"is", "was"}


def _colon_after(doc: Doc, end: int) -> int | None:
    """Token index after a ':' / ';' / '#' / 'no.' / 'is' that follows a label ending at token ``end``."""
    if doc[end - 1].text == "#":
        return end  # "Member #", "NPI #": the '#' ends the label
    if end < len(doc) and doc[end].text == ".":
        end += 1  # "Pt." / "No." read with their dot split off
    if end >= len(doc):
        return None
    tok = doc[end]
    if tok.text in (":", ";", "#") or tok.text.startswith(":"):
        return end + 1
    if tok.norm_ == "no" and (tok.text.endswith(".") or (end + 1 < len(doc) and doc[end + 1].text == ".")):
        return end + (1 if tok.text.endswith(".") else 2)
    if tok.lower_ in _AFTER_WORDS and end + 1 < len(doc):
        return end + 1
    if tok.lower_ == "on" and doc[end:end + 3].text.lower() == "on file is" and end + 3 < len(doc):
        return end + 3
    return None


_JUNK = re.compile(r"^[^\w]*(?:[A-Za-z]{1,2}[^\w]*)?$")  # a table rule or a speck read as a letter or two


@lru_cache(maxsize=20000)
def labels_in(text: str, ocr: bool = False) -> tuple[LabelHit, ...]:
    """Every label in ``text`` (before any judging of whether it stands as a label there).

    In OCR'd text (``ocr``) a label may also be read from words a fax misread ("NAML." for "NAME",
    "SUBSCHIBE ID"); such a guessed label counts only where it cannot be a word of a value: when
    a ':' follows it, or when the text holds nothing but labels (a form's label cell), a letter
    or two of speckle after the last one included."""
    doc = tokens(text)
    out = []
    _, labels, _ = _label_matchers()
    for span, guessed in _label_spans(doc, ocr):
        label = labels[span.id_]
        after = _colon_after(doc, span.end)
        end = doc[after - 1].idx + len(doc[after - 1].text) if after else span.end_char
        out.append(LabelHit(label, span.start_char, end, span.end_char, after is not None, guessed))
    if not any(h.guessed for h in out):
        return tuple(out)
    rest = "".join(text[(out[i - 1].end if i else 0):h.start] for i, h in enumerate(out))
    label_cell = not re.search(r"[A-Za-z0-9]", rest) and _JUNK.match(text[out[-1].end:]) is not None
    if label_cell and text[out[-1].end:].strip():
        last = out[-1]
        out[-1] = LabelHit(last.label, last.start, len(text.rstrip()), last.label_end, last.has_colon, True)
    return tuple(h for h in out if not h.guessed or h.has_colon or label_cell)


def label_before(text: str, start: int) -> LabelHit | None:
    """The label that ends right before character ``start`` (only spaces and punctuation between)."""
    before = [h for h in labels_in(text) if h.end <= start and not re.search(r"[A-Za-z0-9]", text[h.end:start])]
    return before[-1] if before else None


def label_at(text: str, start: int = 0) -> LabelHit | None:
    """The label starting at character ``start`` of ``text``, if any."""
    return next((h for h in labels_in(text) if h.start == start), None)


def whole_label(text: str) -> Label | None:
    """The label ``text`` is, entirely (ignoring a trailing ':' and spaces)."""
    stripped = text.strip().rstrip(":").rstrip()
    hits = labels_in(stripped) if stripped else ()
    return hits[0].label if len(hits) == 1 and hits[0].start == 0 and hits[0].label_end == len(stripped) else None


def role_cue(text: str) -> str | None:
    """The role a short heading sets ("Ordering Provider" -> "ordering"), or None."""
    words, _ = _label_doc(text)
    _, _, roles = _label_matchers()
    found = sorted((start, words.vocab.strings[mid]) for mid, start, _ in roles(words))
    order = [r for r, _ in _ROLE_CUES]
    for role in order:
        for start, name in found:
            if name == role and (role not in _ANCHORED_ROLES or start == 0):
                return role
    return None


# ----------------------------------------------------------------------------- value shapes


@dataclass(frozen=True)
class Entity:
    kind: str  # DATE | NPI | PHONE | ICD10 | CPT
    start: int
    end: int
    text: str
    labelled: bool  # an NPI / phone with its label right before it


def entities(text: str, kinds: tuple[str, ...] = ()) -> list[Entity]:
    """Value shapes in ``text`` (all kinds, or only ``kinds``)."""
    doc = analyse(text)
    return [Entity(e.label_, e.start_char, e.end_char, e.text, bool(e._.labelled)) for e in doc.ents
            if not kinds or e.label_ in kinds]
