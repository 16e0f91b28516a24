"""Split a packet's pages into documents from page types and boundary cues.

A new document starts at a page when (strongest first):

1. the page continues the previous one by its own page numbers ("Page 2 of 3" after
   "Page 1 of 3"): never a new document, whatever the page types say;
2. the page says it is a first page ("Page 1 of N"), the previous page said it was the last
   ("Page N of N"), or a fax header's page numbers restart at 1 ("Page k of N" counting the
   whole packet is read as a fax header, not a document's numbers);
3. the predicted page type changes, unless the page says it is "continued";
4. the page names another patient (name, or a date of birth more than one OCR slip apart) or
   another document date than the current document of the same type, or opens with another title;
5. the type is one that is always a single page (a fax cover sheet).

Otherwise the page continues the current document. The document type is the confidence-weighted
vote of its pages; its confidence the mean (or min) of its pages' confidences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Literal

from pydantic import Field as PydField

from extractors.fields import Reader
from extractors.view import DocView
from pipeline.model import Document, Model, Page, PagePrediction

_PAGE_OF = re.compile(r"\b(?:pa[gq][eoc]|pg\.?|p\.)\s*0*(\d{1,3})\s*(?:of|/)\s*0*(\d{1,3})\b", re.I)
_FAX_HINT = re.compile(
    r"\bfax\b|\bfrom\b|\bto:|\d{3}[\s.\-)]{1,2}\d{3}[\s.\-]\d{4}|\+?\b1?\d{10}\b|\b\d{1,2}:\d{2}(?:\s?[ap]m)?\b|"
    r"\bt-\d{2,4}\b|\b\d{1,2}[/-](?:\d{1,2}|[a-z]{3})[/-]\d{2,4}\b|\b[a-z]{3}\s+\d{1,2},?\s+\d{4}\b",
    re.I,
)
_CONTINUED = re.compile(r"\(?\bc[oa]nt[il1]nu[ec]d\b(?!\s+on)|\bcont(?:'|’)?d\b|continuation", re.I)


class SplitOptions(Model):
    """Settings of the split stage."""

    confidence: Literal["mean", "min"] = PydField("mean", description="Document confidence from its pages' confidences")
    use_page_numbers: bool = PydField(True, description="Use 'Page k of N' and fax header page numbers")
    use_identity: bool = PydField(True, description="Split where the patient name or date of birth changes")
    use_dates: bool = PydField(True, description="Split where the document date changes between pages of one type")
    use_titles: bool = PydField(True, description="Split where a page of the same type opens with another title")
    title_similarity: float = PydField(0.6, ge=0, le=1, description="Titles less similar than this are different")
    single_page_types: list[str] = PydField(["fax_cover_sheet"], description="Types that never span pages")


@dataclass(frozen=True)
class PageCues:
    """What one page says about where it sits in its document."""

    page_of: tuple[int, int] | None  # the document's own "Page k of N"
    fax_page: tuple[int, int | None] | None  # the fax header's page number (and total)
    continued: bool
    patient: str | None
    dob: str | None
    doc_date: str | None
    title: str | None


def _lines(page: Page) -> list[str]:
    return [line.text.strip() for line in page.lines if line.text.strip()]


def _is_fax_header(line: str) -> bool:
    return bool(_PAGE_OF.search(line) or re.search(r"\bp\.?\s*\d{1,3}\b", line, re.I)) and len(
        _FAX_HINT.findall(line)
    ) >= 2


def _fax_page(line: str) -> tuple[int, int | None] | None:
    m = _PAGE_OF.search(line)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.search(r"\b(?:p|pg|page)\.?\s*0*(\d{1,3})\b", line, re.I)
    return (int(m.group(1)), None) if m else None


def _title(lines: list[str]) -> str | None:
    """The first line that reads like a title: short, mostly letters, no field label."""
    for line in lines[:4]:
        letters = sum(ch.isalpha() for ch in line)
        if 4 <= len(line) <= 60 and letters >= 0.7 * len(line.replace(" ", "")) and ":" not in line:
            if line.upper() == line:  # titles are printed in capitals
                return re.sub(r"\s+", " ", line.lower())
    return None


def _identity_and_date(page: Page) -> tuple[str | None, str | None, str | None]:
    """The page's labelled patient name (as sorted lower-case words), date of birth and document
    date, read by the extractors' label engine (so a column-header row "DATE  AUTHOR" over
    "13-Nov-2026  K. Brown, NP" counts as much as "Date: ..."). Only values that validate count."""
    reader = Reader(DocView(Document(doc_id="page", type="other", confidence=1.0, pages=[page.page]), [page]))

    def value(name: str) -> str | None:
        found = reader.labelled(name)
        return str(found.value) if found is not None and found.valid else None

    name = value("patient_name")
    patient = " ".join(sorted(name.lower().split())) if name else None
    return patient, value("patient_dob"), value("document_date") or value("service_date")


def page_cues(page: Page) -> PageCues:
    lines = _lines(page)
    edge = set(range(min(3, len(lines)))) | set(range(max(0, len(lines) - 3), len(lines)))
    header_idx = {i for i in edge if _is_fax_header(lines[i])}
    body = [line for i, line in enumerate(lines) if i not in header_idx]
    fax_page = next((_fax_page(lines[i]) for i in sorted(header_idx)), None)
    page_of = None
    for line in body:  # the last one wins: a document's own numbers sit in its footer
        m = _PAGE_OF.search(line)
        if m and 0 < int(m.group(1)) <= int(m.group(2)):
            page_of = (int(m.group(1)), int(m.group(2)))
    patient, dob, doc_date = _identity_and_date(page)
    return PageCues(
        page_of=page_of,
        fax_page=fax_page,
        continued=any(_CONTINUED.search(line) for line in body[:6]),
        patient=patient,
        dob=dob,
        doc_date=doc_date,
        title=_title(body),
    )


def _differs(a: str | None, b: str | None, threshold: float = 0.85) -> bool:
    return a is not None and b is not None and SequenceMatcher(None, a, b).ratio() < threshold


def starts_document(
    prev: PageCues, doc: PageCues, cur: PageCues, prev_type: str, cur_type: str, options: SplitOptions
) -> bool:
    """Whether ``cur`` opens a new document after page ``prev`` of the document summed up in ``doc``."""
    if options.use_page_numbers and cur.page_of and prev.page_of:
        (pk, pn), (ck, cn) = prev.page_of, cur.page_of
        if cn == pn and ck == pk + 1:
            return False
    if options.use_page_numbers and cur.page_of and cur.page_of[0] == 1:
        return True
    if options.use_page_numbers and cur.fax_page and prev.fax_page and cur.fax_page[0] == 1 < prev.fax_page[0]:
        return True  # the fax header's numbers restart: a new transmission
    if options.use_page_numbers and prev.page_of and prev.page_of[0] == prev.page_of[1] and not cur.continued:
        return True  # the previous page said it was the last ("Page 3 of 3")
    if cur_type != prev_type:
        return not cur.continued  # a page that says it continues is trusted over the page types
    if cur_type in options.single_page_types:
        return True
    if options.use_page_numbers and cur.page_of and cur.page_of[0] > 1:
        return False  # "Page 3 of 4" after a page without numbers: still a continuation
    if options.use_identity and (_differs(doc.patient, cur.patient) or _differs(doc.dob, cur.dob, 0.85)):
        return True
    if options.use_dates and _differs(doc.doc_date, cur.doc_date, 1.0):
        return True
    if options.use_titles and not cur.continued and _differs(doc.title, cur.title, options.title_similarity):
        return True
    return False


def _fill(doc: PageCues | None, page: PageCues) -> PageCues:
    """The document's cues so far: the first value any of its pages gave."""
    if doc is None:
        return page
    return PageCues(
        page_of=doc.page_of,
        fax_page=doc.fax_page,
        continued=doc.continued,
        patient=doc.patient or page.patient,
        dob=doc.dob or page.dob,
        doc_date=doc.doc_date or page.doc_date,
        title=doc.title or page.title,
    )


def split_documents(
    packet_id: str, pages: list[Page], predictions: list[PagePrediction], options: SplitOptions = SplitOptions()
) -> list[Document]:
    """Documents over ``pages`` (in order), typed by ``predictions`` (one per page); fields empty."""
    if len(pages) != len(predictions):
        raise ValueError(f"split_documents got {len(pages)} pages but {len(predictions)} predictions")
    groups: list[list[int]] = []
    prev_cues: PageCues | None = None
    doc_cues: PageCues | None = None
    all_cues = [page_cues(page) for page in pages]
    packet_wide = [c.page_of == (i + 1, len(pages)) for i, c in enumerate(all_cues)]
    if len(pages) > 2 and sum(packet_wide) >= 2:
        # "Page k of N" counting the whole packet: a fax header's numbers, not a document's
        all_cues = [replace(c, fax_page=c.page_of, page_of=None) if wide else c
                    for c, wide in zip(all_cues, packet_wide)]
    for i, cues in enumerate(all_cues):
        new = prev_cues is None or doc_cues is None or starts_document(
            prev_cues, doc_cues, cues, predictions[i - 1].type, predictions[i].type, options
        )
        if new:
            groups.append([i])
            doc_cues = cues
        else:
            groups[-1].append(i)
            doc_cues = _fill(doc_cues, cues)
        prev_cues = cues
    documents = []
    for n, group in enumerate(groups, start=1):
        votes: dict[str, float] = {}
        for i in group:
            votes[predictions[i].type] = votes.get(predictions[i].type, 0.0) + max(predictions[i].confidence, 1e-6)
        doc_type = max(votes, key=lambda t: votes[t])
        confs = [predictions[i].confidence for i in group]
        confidence = min(confs) if options.confidence == "min" else sum(confs) / len(confs)
        documents.append(
            Document(
                doc_id=f"{packet_id}-d{n}",
                type=doc_type,  # type: ignore[arg-type]
                confidence=round(confidence, 4),
                pages=[pages[i].page for i in group],
            )
        )
    return documents
