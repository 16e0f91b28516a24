"""Key-value pairs: "DOB: 03/14/1961", "Member ID  W123", a boxed label with its value below.

Rules, strongest first; a word takes part in one pair at most:
1. a label ending in a colon with its value after it on the same phrase ("DOB: 03/14/1961");
2. a boxed field: the label on the first row of a ruled cell, the value on the rows below;
3. a label ending in a colon and nothing after it: the value is the next phrase to its right,
   else the phrase right below it (aligned with it);
4. a known label without a colon ("Member ID W123", "DOB 03/14/1961"), value to its right or below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.model import BBox, KeyValue, Word
from pipeline.layout.options import LayoutOptions
from pipeline.layout.text import Phrase, mean_confidence, phrases_of, rows_of, span

# Words that often make up a label; used to find where a second label starts inside a phrase
# ("Name: Ann Lee DOB: 01/02/1960") and to recognise labels written without a colon.
LABEL_WORDS = {
    "account", "acct", "address", "auth", "authorization", "birth", "bin", "case", "cell", "city",
    "claim", "code", "codes", "contact", "copay", "cpt", "date", "diagnosis", "dob", "dos", "dx",
    "email", "fax", "first", "from", "gender", "group", "grp", "icd", "icd-10", "id", "insurance",
    "insured", "last", "member", "mrn", "name", "no", "no.", "npi", "number", "of", "order",
    "ordering", "pages", "patient", "payer", "pcn", "phone", "physician", "plan", "policy",
    "provider", "re", "record", "ref", "reference", "referring", "rx", "service", "sex", "ssn",
    "state", "subscriber", "tel", "telephone", "time", "to", "zip", "#", "subject", "sender",
    "recipient", "company", "attn", "cc", "dept", "department", "code", "amount", "total", "type",
    "quantity", "qty", "price", "cost", "fee", "period", "year", "job", "file", "matter", "page",
    "center", "dates", "value", "expiration", "signature", "title", "facsimile", "num", "ext",
    "effective", "due", "balance", "charge", "charges", "units", "visit", "admission", "discharge",
}

# Labels recognised without a colon (lower case, inner punctuation removed).
KNOWN_LABELS = [
    "member id", "member number", "member no", "member #", "subscriber id", "subscriber number",
    "id number", "id #", "patient name", "patient id", "date of birth", "birth date", "dob",
    "group number", "group no", "group #", "group", "policy number", "policy #", "npi",
    "mrn", "account number", "acct #", "claim number", "claim #", "auth number",
    "authorization number", "reference number", "phone", "telephone", "tel", "fax", "fax number",
    "date of service", "dos", "rx bin", "rxbin", "rx pcn", "rx grp", "pcn", "plan", "payer",
    "date", "name", "to", "from", "re", "subject", "pages", "sex", "gender",
]
_SHORT_GENERIC = {"date", "name", "to", "from", "re", "subject", "pages", "plan", "phone", "group", "sex"}

_FILLER = re.compile(r"^[\s_.\-–—…|=~:*]*$")
_URLISH = re.compile(r"^(https?|ftp|mailto|www)", re.I)
_HAS_LETTER = re.compile(r"[A-Za-z]")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9#\- ]", "", text.lower()).strip()


def _is_colon_key(word: Word) -> bool:
    text = word.text
    return text.endswith(":") and bool(_HAS_LETTER.search(text)) and not _URLISH.match(text)


def _split_glued(words: list[Word]) -> list[Word]:
    """"Fax:614-466-5087" -> "Fax:" + "614-466-5087", boxes split by character share."""
    out: list[Word] = []
    for w in words:
        m = re.match(r"^([^:\s]*[A-Za-z][^:\s]*:)(\S+)$", w.text)
        if not m or _URLISH.match(w.text) or not w.text.strip():
            out.append(w)
            continue
        left, right = m.group(1), m.group(2)
        x0, y0, x1, y1 = w.bbox
        cut = x0 + (x1 - x0) * len(left) / len(w.text)
        out.append(Word(text=left, bbox=(x0, y0, round(cut, 2), y1), confidence=w.confidence))
        out.append(Word(text=right, bbox=(round(cut, 2), y0, x1, y1), confidence=w.confidence))
    return out


def _clean_value(words: list[Word]) -> list[Word]:
    return [w for w in words if not _FILLER.match(w.text)]


def _is_upper_label(word: Word) -> bool:
    letters = [c for c in word.text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _label_like(word: Word, colon_word: Word) -> bool:
    if _norm(word.text) in LABEL_WORDS:
        return True
    return _is_upper_label(colon_word) and _is_upper_label(word)


_FORM_FURNITURE = {"mm", "dd", "yy", "yyyy", "yes", "no", "from", "to", "m", "f", "qual", "code", "$", "id", "npi"}
_CONNECTORS = {"of", "to", "#", "&", "/", "and", "no", "no.", "(s)", "for", "by", "-"}


def _has_digit(words: list[Word]) -> bool:
    return any(ch.isdigit() for w in words for ch in w.text)


def _value_like(words: list[Word]) -> bool:
    """Not a label in disguise: no trailing colon, not only a parenthetical remark."""
    text = " ".join(w.text for w in words).strip()
    if not any(ch.isalnum() for ch in text) or text.endswith(":"):
        return False
    return not (text.startswith("(") and text.endswith(")"))


def _sentence(words: list[Word]) -> bool:
    """Four or more words of running text before a colon ("Please note the following:")."""
    if len(words) < 4 or any(_norm(w.text) in LABEL_WORDS for w in words):
        return False
    return not all(_is_upper_label(w) for w in words if _HAS_LETTER.search(w.text))


def _label_phrase(words: list[Word]) -> bool:
    """Short, capitalised, digit-free words that read like a field label ("CODE ASSIGNED")."""
    if not 1 <= len(words) <= 5 or _has_digit(words) or words[-1].text.endswith("."):
        return False
    for w in words:
        text = w.text.strip("()[]'\"")
        if text.lower() in _CONNECTORS:
            continue
        if not text or not text[0].isupper() or not any(c.isalpha() for c in text):
            return False
    return any(_norm(w.text) in LABEL_WORDS for w in words) and any(len(w.text) > 1 for w in words)


@dataclass
class _Pair:
    key: list[Word]
    value: list[Word]
    weight: float


class _Finder:
    def __init__(self, words: list[Word], cells: list[BBox], em: float, options: LayoutOptions):
        self.words = _split_glued([w for w in words if w.text.strip()])
        self.cells = cells
        self.em = em
        self.options = options
        self.used: set[int] = set()
        self.rows = rows_of(self.words)
        self.row_phrases = [phrases_of(row, options.segment_gap_em * em) for row in self.rows]
        self.pairs: list[_Pair] = []

    # ------------------------------------------------------------------ helpers
    def _free(self, words: list[Word]) -> bool:
        return all(id(w) not in self.used for w in words)

    def _take(self, key: list[Word], value: list[Word], weight: float) -> None:
        self.used.update(id(w) for w in key + value)
        self.pairs.append(_Pair(key, value, weight))

    def _key_start(self, ws: list[Word], k: int, lower: int) -> int:
        j = k
        while j - 1 >= lower and k - j + 2 <= self.options.max_key_words and _label_like(ws[j - 1], ws[k]):
            j -= 1
        return j

    def _style_break(self, ws: list[Word], k: int) -> bool:
        """"ATT. GEN. OFFICE Fax:" - a known label after words that do not belong to it."""
        return k > 0 and bool(self._known_label_length(ws[k:])) and not _label_like(ws[k - 1], ws[k])

    def _starts_with_key(self, phrase: Phrase) -> bool:
        """Whether a phrase is itself a label (so it cannot be a value)."""
        return any(_is_colon_key(w) for w in phrase.words[: self.options.max_key_words])

    # ------------------------------------------------------------------ rules
    def inline_colon(self) -> list[tuple[list[Word], int]]:
        """Rule 1; returns the labels left without a value (with their row index)."""
        key_only: list[tuple[list[Word], int]] = []
        max_key = self.options.max_key_words
        for row_index, phrases in enumerate(self.row_phrases):
            for phrase in phrases:
                ws = phrase.words
                colons = [i for i, w in enumerate(ws) if _is_colon_key(w)]
                if not colons:
                    continue
                starts: list[int] = []
                for n, k in enumerate(colons):
                    if n == 0:
                        whole = k + 1 <= max_key and not self._style_break(ws, k)
                        starts.append(0 if whole else self._key_start(ws, k, 0))
                    else:
                        starts.append(self._key_start(ws, k, colons[n - 1] + 2))
                for n, (start, k) in enumerate(zip(starts, colons)):
                    key = ws[start : k + 1]
                    if _sentence(key):
                        continue  # "Please note the following: ..." is prose, not a label
                    end = starts[n + 1] if n + 1 < len(starts) else len(ws)
                    value = _clean_value(self._cut_at_known_label(ws[k + 1 : end]))
                    if not self._free(key):
                        continue
                    if value:
                        self._take(key, value, 0.9)
                    elif n == len(colons) - 1:
                        key_only.append((key, row_index))
        return key_only

    def boxed(self) -> None:
        """Rule 2: label on top of a ruled cell, value below it in the same cell."""
        for cell in self.cells:
            inside = [
                w
                for w in self.words
                if id(w) not in self.used
                and cell[0] <= (w.bbox[0] + w.bbox[2]) / 2 <= cell[2]
                and cell[1] <= (w.bbox[1] + w.bbox[3]) / 2 <= cell[3]
            ]
            rows = rows_of(inside)
            if len(rows) < 2:
                continue
            key, value = rows[0], _clean_value([w for row in rows[1:] for w in row])
            if not value or len(key) > self.options.max_key_words + 5:
                continue
            if any(_is_colon_key(w) for w in key[:-1]) or any(
                _is_colon_key(w) for row in rows[1:] for w in row[: self.options.max_key_words]
            ):
                continue  # "Label: value" rows inside a box are rule 1's
            key_text = " ".join(w.text for w in key)
            if not _HAS_LETTER.search(key_text):
                continue
            key_h = sum(w.bbox[3] - w.bbox[1] for w in key) / len(key)
            value_h = sum(w.bbox[3] - w.bbox[1] for w in value) / len(value)
            looks_like_label = (
                key_text.rstrip().endswith(":")
                or all(_is_upper_label(w) or not _HAS_LETTER.search(w.text) for w in key)
                or key_h <= 0.85 * value_h
                or any(_norm(w.text) in LABEL_WORDS for w in key)
            )
            # A blank printed form: what sits under the label is more small print ("MM DD YY", "YES NO").
            printed = value_h < 1.05 * key_h and all(
                _norm(w.text) in _FORM_FURNITURE or not (_HAS_LETTER.search(w.text) or _has_digit([w])) for w in value
            )
            if looks_like_label and not printed:
                self._take(key, value, 0.75)

    def _value_right(self, key_box: BBox, row_index: int) -> list[Word] | None:
        for phrase in self.row_phrases[row_index]:
            b = phrase.bbox
            if b[0] < key_box[2] - 0.5 * self.em:
                continue
            if b[0] - key_box[2] > max(self.options.value_right_gap_em * self.em, self.options.value_right_min_pt):
                return None
            if self._starts_with_key(phrase):
                return None
            value = _clean_value([w for w in phrase.words if id(w) not in self.used])
            return value if value and _value_like(value) else None
        return None

    def _value_below(self, key_box: BBox, row_index: int) -> list[Word] | None:
        em = self.em
        for next_index in range(row_index + 1, len(self.row_phrases)):
            phrases = self.row_phrases[next_index]
            top = min(p.bbox[1] for p in phrases)
            if top - key_box[3] > self.options.value_below_gap_em * em:
                return None
            for phrase in phrases:
                b = phrase.bbox
                if b[2] < key_box[0] - 0.5 * em or b[0] > key_box[2] + 4 * em or b[0] < key_box[0] - 2 * em:
                    continue
                if self._starts_with_key(phrase):
                    return None
                value = _clean_value([w for w in phrase.words if id(w) not in self.used])
                return value if value and _value_like(value) else None
        return None

    def key_only(self, keys: list[tuple[list[Word], int]], below: bool) -> None:
        """Rule 3: a label with a colon whose value is to its right (or, with ``below``, right below it)."""
        for key, row_index in keys:
            if not self._free(key):
                continue
            key_box = span(key).bbox
            value = self._value_below(key_box, row_index) if below else self._value_right(key_box, row_index)
            if value:
                self._take(key, value, 0.7 if below else 0.8)

    def labels_without_colon(self) -> None:
        """Rule 4: labels written without a colon.

        A known label followed by a value holding a digit in the same phrase ("Member ID W123");
        a label-looking phrase ("CODE ASSIGNED", "Patient Name") followed, after a gap, by a
        phrase holding a digit (or by any value, for a known label); a known label with a value
        holding a digit right below it.
        """
        for row_index, phrases in enumerate(self.row_phrases):
            for phrase in phrases:
                ws = phrase.words
                while ws and id(ws[0]) in self.used:  # what an earlier rule left at the end of a phrase
                    ws = ws[1:]
                if not ws or not self._free(ws) or len(ws) > 10 or any(_is_colon_key(w) for w in ws):
                    continue
                n = self._known_label_length(ws)
                if n and n < len(ws):
                    self._known_label_runs(ws, n)
                    continue
                known = n == len(ws)
                if not known and not _label_phrase(ws):
                    continue
                key_box = phrase.bbox
                value = self._value_right(key_box, row_index)
                if value and (_has_digit(value) or (known and not _label_phrase(value))):
                    self._take(ws, value, 0.55)
                    continue
                if known:
                    value = self._value_below(key_box, row_index)
                    if value and _has_digit(value):
                        self._take(ws, value, 0.5)

    def _cut_at_known_label(self, ws: list[Word]) -> list[Word]:
        """A value up to a known label followed by a number ("Ann Lee DOB 01/02/1960" -> "Ann Lee")."""
        for j in range(1, len(ws)):
            m = self._known_label_length(ws[j:])
            if m and j + m < len(ws) and _has_digit(ws[j + m : j + m + 1]):
                return ws[:j]
        return ws

    def _known_label_runs(self, ws: list[Word], n: int) -> None:
        """"Phone 603-746-8061 Fax 568 269 2087": one pair per known label followed by digits."""
        start = 0
        while n:
            end, next_n = len(ws), 0
            for j in range(start + n + 1, len(ws)):
                m = self._known_label_length(ws[j:])
                if m and j + m < len(ws) and _has_digit(ws[j + m : j + m + 1]):
                    end, next_n = j, m
                    break
            key, rest = ws[start : start + n], _clean_value(ws[start + n : end])
            spaced = ws[start + n].bbox[0] - ws[start + n - 1].bbox[2] >= 0.8 * self.em
            if rest and _value_like(rest) and (_has_digit(rest) or (spaced and not _label_phrase(rest))):
                self._take(key, rest, 0.6)
            start, n = end, next_n

    @staticmethod
    def _known_label_length(ws: list[Word]) -> int:
        for n in range(min(4, len(ws)), 0, -1):
            phrase = _norm(" ".join(w.text for w in ws[:n]))
            if phrase not in KNOWN_LABELS:
                continue
            if phrase in _SHORT_GENERIC and not ws[0].text[:1].isupper():
                return 0
            return n
        return 0


def find_key_values(words: list[Word], cells: list[BBox], em: float, options: LayoutOptions) -> list[KeyValue]:
    """Key-value pairs of one page, top to bottom."""
    finder = _Finder(words, cells, em, options)
    key_only = finder.inline_colon()
    finder.key_only(key_only, below=False)
    finder.boxed()
    finder.key_only(key_only, below=True)
    finder.labels_without_colon()
    pairs = sorted(finder.pairs, key=lambda p: (p.key[0].bbox[1], p.key[0].bbox[0]))
    out: list[KeyValue] = []
    for pair in pairs:
        key = span(pair.key, strip_colon=True)
        if not key.text:
            continue
        confidence = pair.weight * max(0.05, min(1.0, mean_confidence(pair.key + pair.value)))
        out.append(KeyValue(key=key, value=span(pair.value), confidence=round(confidence, 3)))
    return out
