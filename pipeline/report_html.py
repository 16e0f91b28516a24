"""report.html: the completeness report a person reads in ten seconds, self-contained.

Verdict first, then what is missing, then each problem with the page it concerns and a crop
of the evidence (rendered from the packet's page sources; no crop when rendering fails), then
documents and fields, priority and review reasons, and the audit trail. No external assets:
CSS is inline and crops are base64 PNG data URIs.
"""

from __future__ import annotations

import base64
import io
import logging
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import Field as PydField

from pipeline.checklists.labels import doc_label
from pipeline.model import BBox, Document, Field, Model, PageSource, Problem, Report

log = logging.getLogger("intakeiq.report_html")

TEMPLATES = Path(__file__).parent / "templates"



class HtmlOptions(Model):
    """How report.html is drawn."""

    crops: bool = PydField(True, description="Embed crops of the evidence for each problem")
    crop_dpi: float = PydField(110, description="Resolution of evidence crops")
    thumbnail_width_px: int = PydField(200, description="Width of a whole-page thumbnail when no box is known")
    max_crops: int = PydField(20, description="At most this many images, to keep the file small")
    margin_pt: float = PydField(18, description="Context kept around a field's box")


def render_html(report: Report, page_sources: list[PageSource], options: HtmlOptions = HtmlOptions()) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["doc_label"] = doc_label
    env.filters["value"] = _value_text
    env.filters["pages"] = _pages_text
    crops = EvidenceCropper(report, page_sources, options) if options.crops else None
    problems = []
    for problem in report.checklist.problems if report.checklist else []:
        problems.append({"problem": problem, "doc": _doc(report, problem.doc_id),
                         "crop": crops.for_problem(problem) if crops else None})
    missing = missing_items(report)
    return env.get_template("report.html.j2").render(
        report=report, verdict=verdict(report), problems=problems, missing=missing,
        fields_order=_fields_order,
    )


def missing_items(report: Report) -> list[dict[str, str]]:
    """Each missing document with the requirement it fails and why (details when the checklist gave them)."""
    checklist = report.checklist
    if checklist is None:
        return []
    details = {d.type: d for d in checklist.missing_details}
    items = []
    for doc_type in checklist.missing_documents:
        detail = details.get(doc_type)
        items.append({"type": doc_type, "requirement": detail.requirement if detail else doc_type,
                      "why": detail.reason if detail else "not found in the packet"})
    return items


def verdict(report: Report) -> dict[str, str]:
    if report.status == "failed":
        reason = report.error.message if report.error else "the packet could not be read"
        return {"word": "FAILED", "css": "failed", "line": reason}
    checklist = report.checklist
    if checklist is None or checklist.status == "needs_review":
        line = "No checklist could be applied; a person must decide what this packet is."
        if checklist and checklist.problems:
            line = checklist.problems[0].reason
        return {"word": "NEEDS REVIEW", "css": "review", "line": line}
    name = checklist.id or ""
    if checklist.status == "complete":
        return {"word": "COMPLETE", "css": "complete",
                "line": f"Everything the {name} checklist requires is here."}
    parts = []
    if checklist.missing_documents:
        parts.append(f"{len(checklist.missing_documents)} missing document"
                     f"{'s' if len(checklist.missing_documents) != 1 else ''}: "
                     + ", ".join(doc_label(t) for t in checklist.missing_documents))
    if checklist.problems:
        parts.append(f"{len(checklist.problems)} problem{'s' if len(checklist.problems) != 1 else ''}")
    return {"word": "INCOMPLETE", "css": "incomplete", "line": "; ".join(parts) + "."}


class EvidenceCropper:
    """PNG crops of the evidence behind a problem; each page rendered at most once."""

    def __init__(self, report: Report, page_sources: list[PageSource], options: HtmlOptions):
        self.report = report
        self.sources = {s.page: s for s in page_sources}
        self.options = options
        self.images: dict[int, object] = {}
        self.count = 0

    def for_problem(self, problem: Problem) -> dict[str, str] | None:
        if self.count >= self.options.max_crops:
            return None
        doc = _doc(self.report, problem.doc_id)
        item = doc.fields.get(problem.field) if doc is not None and problem.field else None
        try:
            if item is not None and _usable_box(item):
                crop = self._crop(item.page, item.bbox), f"page {item.page}, where {problem.field} was read"
            elif doc is not None and problem.pages:
                crop = self._thumbnail(problem.pages[0]), f"page {problem.pages[0]} ({doc_label(doc.type)})"
            else:
                return None
        except Exception as exc:  # rendering is best effort: a report without a crop still reads
            log.warning("no evidence crop for %s: %s", self.report.packet_id, type(exc).__name__)
            return None
        if crop[0] is None:
            return None
        self.count += 1
        return {"src": crop[0], "caption": crop[1]}

    def _page(self, page: int):
        if page not in self.images:
            from pipeline.render import render_page

            source = self.sources.get(page)
            self.images[page] = render_page(source, self.options.crop_dpi) if source else None
        return self.images[page]

    def _crop(self, page: int, bbox: BBox) -> str | None:
        from PIL import Image, ImageDraw

        image = self._page(page)
        if image is None:
            return None
        scale = self.options.crop_dpi / 72.0
        height, width = image.shape[:2]
        m = self.options.margin_pt
        x0, y0, x1, y1 = bbox
        # keep a readable strip: at least ~4 inches wide, so the label beside the value shows
        grow = max(0.0, (288 - (x1 - x0 + 2 * m)) / 2)
        left = max(0, int((x0 - m - grow) * scale))
        right = min(width, int((x1 + m + grow) * scale))
        top = max(0, int((y0 - m) * scale))
        bottom = min(height, int((y1 + m) * scale))
        if right - left < 4 or bottom - top < 4:
            return None
        crop = Image.fromarray(image[top:bottom, left:right]).convert("RGB")
        draw = ImageDraw.Draw(crop)
        box = (x0 * scale - left - 3, y0 * scale - top - 3, x1 * scale - left + 3, y1 * scale - top + 3)
        draw.rectangle(box, outline=(220, 30, 30), width=3)
        return _png_data_uri(crop)

    def _thumbnail(self, page: int) -> str | None:
        from PIL import Image

        image = self._page(page)
        if image is None:
            return None
        thumb = Image.fromarray(image)
        ratio = self.options.thumbnail_width_px / thumb.width
        thumb = thumb.resize((self.options.thumbnail_width_px, max(1, int(thumb.height * ratio))),
                             Image.Resampling.LANCZOS)
        return _png_data_uri(thumb)


# --------------------------------------------------------------------------- helpers


def _png_data_uri(image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _usable_box(item: Field) -> bool:
    x0, y0, x1, y1 = item.bbox
    return item.page > 0 and x1 > x0 and y1 > y0


def _doc(report: Report, doc_id: str | None) -> Document | None:
    return next((d for d in report.documents if d.doc_id == doc_id), None) if doc_id else None


def _value_text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return str(value)


def _pages_text(pages: list[int]) -> str:
    if not pages:
        return ""
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(map(str, pages))


_FIELD_ORDER = ("patient_name", "patient_dob", "member_id", "group_number", "payer_name",
                "ordering_provider_name", "ordering_provider_npi", "cpt_codes", "icd10_codes",
                "service_date", "document_date", "signature_present", "auth_number", "determination",
                "fax_from", "fax_to", "page_count")


def _fields_order(fields: dict[str, Field]) -> list[tuple[str, Field]]:
    rank = {name: i for i, name in enumerate(_FIELD_ORDER)}
    return sorted(fields.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
