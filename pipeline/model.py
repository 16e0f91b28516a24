"""The typed data model that flows through every stage.

Coordinates: every box is ``(x0, y0, x1, y1)`` in PDF points (72 per inch), origin at the
top-left of its page. They are normalised once, when a page is read (see ``geometry.py``),
and nowhere else. Models hold data only: no open files, images or handles.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field as PydField

SCHEMA_VERSION = "1.0"

BBox = tuple[float, float, float, float]

DocType = Literal[
    "fax_cover_sheet",
    "referral_order",
    "prior_auth_request",
    "insurance_card",
    "clinical_note",
    "lab_result",
    "imaging_report",
    "medical_necessity_letter",
    "patient_registration",
    "consent_form",
    "payer_determination",
    "remittance_eob",
    "prescription",
    "discharge_summary",
    "other",
]
DOC_TYPES: tuple[str, ...] = DocType.__args__  # type: ignore[attr-defined]

FIELD_NAMES: tuple[str, ...] = (
    "patient_name",
    "patient_dob",
    "member_id",
    "group_number",
    "payer_name",
    "ordering_provider_name",
    "ordering_provider_npi",
    "cpt_codes",
    "icd10_codes",
    "service_date",
    "document_date",
    "signature_present",
    "auth_number",
    "determination",
    "fax_from",
    "fax_to",
    "page_count",
)

CHECKLIST_IDS: tuple[str, ...] = (
    "prior_auth_imaging",
    "prior_auth_infusion",
    "specialist_referral",
    "appeal",
    "payer_correspondence",
)


class Model(BaseModel):
    """Base for every data class: unknown keys are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- errors as data


class Failure(Model):
    """Why something could not be done, recorded on the packet or page instead of raised."""

    code: str = PydField(description="Stable error code, e.g. E_ENCRYPTED")
    message: str = PydField(description="What went wrong, naming the file and how to fix it")
    file: str | None = None


# --------------------------------------------------------------------------- sources


class Manifest(Model):
    """Optional ``manifest.json`` of a folder packet (CONTRACT section 1)."""

    workflow: str | None = None
    case_id: str | None = None
    service_date: date | None = None
    received_at: datetime | None = None


class SourceFile(Model):
    name: str
    path: str = PydField(description="Local path the pages are read from")
    sha256: str
    size: int
    media_type: str = PydField(description="Detected from content, not the extension")
    modified_at: datetime | None = None


class PageSource(Model):
    """Where one page comes from; a reader worker opens it, renders it and closes it."""

    page: int = PydField(description="1-based number across the whole packet")
    file: str = PydField(description="Local path of the file holding the page")
    kind: Literal["pdf", "tiff", "image"]
    index: int = PydField(0, description="0-based page (or frame) index inside the file")
    origin: str = PydField("", description="File name shown to people, e.g. the attachment name")


# --------------------------------------------------------------------------- page content


class Word(Model):
    text: str
    bbox: BBox
    confidence: float = PydField(ge=0, le=1)


class Line(Model):
    text: str
    bbox: BBox
    confidence: float = PydField(1.0, ge=0, le=1)


class TextSpan(Model):
    text: str
    bbox: BBox


class KeyValue(Model):
    key: TextSpan
    value: TextSpan
    confidence: float = PydField(ge=0, le=1)


class Checkbox(Model):
    bbox: BBox
    checked: bool
    label: str = ""


class Table(Model):
    bbox: BBox
    rows: list[list[str]]


class SignatureMark(Model):
    bbox: BBox
    kind: Literal["ink", "electronic"]
    text: str = ""


class Page(Model):
    page: int
    width: float = PydField(description="Points")
    height: float = PydField(description="Points")
    method: Literal["ocr", "text_layer"]
    ocr_confidence: float | None = None
    words: list[Word] = []
    lines: list[Line] = PydField([], description="In reading order")
    key_values: list[KeyValue] = []
    checkboxes: list[Checkbox] = []
    tables: list[Table] = []
    signatures: list[SignatureMark] = []
    rotation: int = PydField(0, description="Degrees the image was turned before OCR")
    is_photo: bool = PydField(False, description="A photo (e.g. a card), not a document scan")
    origin: str = ""
    error: Failure | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


# --------------------------------------------------------------------------- packets


class Packet(Model):
    packet_id: str
    uri: str
    files: list[SourceFile] = []
    manifest: Manifest = Manifest()
    page_sources: list[PageSource] = []
    received_at: datetime | None = None
    error: Failure | None = None

    @property
    def sha256(self) -> str:
        """One digest for the packet: the file's own, or a digest over a folder's files."""
        import hashlib

        if len(self.files) == 1:
            return self.files[0].sha256
        digest = hashlib.sha256()
        for f in self.files:
            digest.update(f"{f.name}:{f.sha256}\n".encode())
        return digest.hexdigest()


# --------------------------------------------------------------------------- results

FieldValue = str | int | bool | list[str] | None


class Field(Model):
    """One extracted value with its evidence (CONTRACT section 3)."""

    value: FieldValue
    confidence: float = PydField(ge=0, le=1)
    page: int
    bbox: BBox
    text: str = PydField(description="Source text the value was read from")
    valid: bool = True
    reason: str | None = PydField(None, description="Why validation failed, when valid is false")


class PagePrediction(Model):
    type: DocType
    confidence: float = PydField(ge=0, le=1)


class Document(Model):
    doc_id: str
    type: DocType
    confidence: float = PydField(ge=0, le=1)
    pages: list[int]
    fields: dict[str, Field] = {}


class Problem(Model):
    requirement: str
    reason: str
    pages: list[int] = []
    doc_id: str | None = PydField(None, description="The document the problem concerns, if one")
    field: str | None = PydField(None, description="The field whose evidence shows the problem, if one")


class MissingDocument(Model):
    """Why one entry of ``missing_documents`` is there, for the people who must supply it."""

    type: str = PydField(description="The type named in missing_documents")
    requirement: str = PydField(description="The requirement as the checklist states it")
    reason: str = PydField(description="Not in the packet, or why the documents present do not count")
    pages: list[int] = []


class ChecklistResult(Model):
    id: str | None
    version: str | None = None
    status: Literal["complete", "incomplete", "needs_review"]
    missing_documents: list[str] = []
    problems: list[Problem] = []
    decided_by: str | None = PydField(None, description="manifest | caller | inferred | none")
    reference_date: date | None = PydField(None, description="The date 'within N days' counts back from")
    reference_date_source: str | None = PydField(None, description="Where the reference date came from")
    missing_details: list[MissingDocument] = PydField([], description="One per missing_documents entry, same order")


class Priority(Model):
    score: int = 0
    reasons: list[str] = []


class Review(Model):
    required: bool = False
    reasons: list[str] = []


class ReportSource(Model):
    uri: str
    sha256: str | None = None
    files: list[str] = []


class PageSummary(Model):
    page: int
    method: Literal["ocr", "text_layer"] | None = None
    ocr_confidence: float | None = None
    width: float | None = None
    height: float | None = None
    type: DocType | None = None
    type_confidence: float | None = None
    error: Failure | None = None


class Audit(Model):
    code_version: str
    model_version: str | None = None
    checklist_version: str | None = None
    extractor_versions: dict[str, str] = PydField({}, description="Pattern set and extractor per document type")
    timings: dict[str, float] = PydField({}, description="Seconds per stage")
    decisions: list[str] = []


class Report(Model):
    schema_version: str = SCHEMA_VERSION
    packet_id: str
    status: Literal["processed", "failed"]
    error: Failure | None = None
    source: ReportSource
    case_id: str | None = None
    page_count: int = 0
    pages: list[PageSummary] = []
    documents: list[Document] = []
    checklist: ChecklistResult | None = None
    priority: Priority = Priority()
    review: Review = Review()
    audit: Audit | None = None
