"""missing_request.pdf: a one-page, fax-ready letter asking the ordering provider for what is missing.

Addressed to the ordering provider at the fax number the packet came from (the cover sheet's
``fax_from``), from the number it was sent to (``fax_to``). Lists exactly the missing documents
and the problems, with the patient's name, date of birth, member id and the case id.
Black on white, large type, drawn with PyMuPDF; long lists shrink to stay on one page.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timezone

from pydantic import Field as PydField

from pipeline.model import Document, Model, Report
from pipeline.report_html import missing_items

PREFERRED_SOURCES = ("prior_auth_request", "referral_order", "clinical_note", "insurance_card",
                     "patient_registration", "medical_necessity_letter")


class LetterOptions(Model):
    """Who the letter says it comes from, and the page it is drawn on."""

    sender_name: str = PydField("Intake team", description="Signature line of the letter")
    page_width_pt: float = PydField(612, description="US Letter width")
    page_height_pt: float = PydField(792, description="US Letter height")
    margin_pt: float = PydField(54, description="Margin on every side")


def packet_value(documents: list[Document], name: str, types: tuple[str, ...] = PREFERRED_SOURCES) -> object:
    """The field's value from the most authoritative document that carries it validly."""
    ranked = sorted(documents, key=lambda d: (types.index(d.type) if d.type in types else len(types)))
    for doc in ranked:
        item = doc.fields.get(name)
        if item is not None and item.valid and item.value not in (None, "", []):
            return item.value
    return None


def format_fax(number: object) -> str | None:
    digits = re.sub(r"\D", "", str(number)) if number else ""
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return digits or None


def letter_html(report: Report, today: date | None = None, options: LetterOptions = LetterOptions()) -> str:
    today = today or datetime.now(timezone.utc).date()
    docs = report.documents
    cover = [d for d in docs if d.type == "fax_cover_sheet"]
    provider = packet_value(docs, "ordering_provider_name")
    provider_fax = format_fax(packet_value(cover, "fax_from", ("fax_cover_sheet",)))
    our_fax = format_fax(packet_value(cover, "fax_to", ("fax_cover_sheet",)))
    checklist = report.checklist
    case_id = report.case_id or report.packet_id
    e = html.escape

    def row(label: str, value: object) -> str:
        return f"<tr><td class='k'>{e(label)}</td><td>{e(str(value)) if value else '<i>not found</i>'}</td></tr>"

    missing_lines = [f"<li><b>{e(item['requirement'])}</b>: {e(item['why'])}</li>" for item in missing_items(report)]
    explained = {d.requirement for d in checklist.missing_details} if checklist else set()
    field_lines = [f"<li>{e(p.reason)}</li>" for p in (checklist.problems if checklist else [])
                   if p.requirement not in explained]
    lines = [
        "<h1>REQUEST FOR MISSING INFORMATION</h1>",
        "<table class='hdr'>",
        row("To", provider and f"{provider} (ordering provider)"),
        row("Fax", provider_fax),
        row("From", options.sender_name + (f", fax {our_fax}" if our_fax else "")),
        row("Date", today.isoformat()),
        row("Pages", "1 (this page)"),
        "</table><hr>",
        "<table class='hdr'>",
        row("Patient", packet_value(docs, "patient_name")),
        row("Date of birth", packet_value(docs, "patient_dob")),
        row("Member ID", packet_value(docs, "member_id")),
        row("Case ID", case_id),
        row("Request", _checklist_text(checklist.id if checklist else None, checklist.version if checklist else None)),
        "</table>",
        f"<p>We received the packet for this patient ({report.page_count} page"
        f"{'' if report.page_count == 1 else 's'}) but cannot process the "
        f"request until we have the following:</p>",
    ]
    if missing_lines:
        lines += ["<p class='sec'>Missing documents</p><ol>", *missing_lines, "</ol>"]
    if field_lines:
        lines += ["<p class='sec'>Please also correct or supply</p><ol>", *field_lines, "</ol>"]
    lines += [
        f"<p>Please fax these to {e(our_fax) if our_fax else 'us'} and write case ID <b>{e(case_id)}</b> "
        "on the cover sheet so we can match them to this request.</p>",
        f"<p>Thank you,<br>{e(options.sender_name)}</p>",
        "<p class='conf'>CONFIDENTIAL: this fax contains protected health information. If you received it "
        "in error, notify the sender by fax and destroy it.</p>",
    ]
    return "\n".join(lines)


LETTER_CSS = """
* { font-family: sans-serif; color: #000; }
body { font-size: 12pt; }
h1 { font-size: 19pt; margin: 0 0 8pt 0; }
table.hdr { width: 100%; }
table.hdr td { padding: 1pt 10pt 1pt 0; font-size: 12pt; }
td.k { font-weight: bold; width: 95pt; }
p { margin: 7pt 0; }
p.sec { font-weight: bold; font-size: 13pt; margin: 10pt 0 2pt 0; }
ol { margin: 0 0 0 0; }
li { margin: 3pt 0; }
p.conf { font-size: 9pt; margin-top: 14pt; }
hr { margin: 6pt 0; }
"""


def request_letter_pdf(report: Report, today: date | None = None,
                       options: LetterOptions = LetterOptions()) -> bytes:
    """The letter as a one-page PDF (text shrinks when the list is long)."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=options.page_width_pt, height=options.page_height_pt)
    m = options.margin_pt
    rect = pymupdf.Rect(m, m, options.page_width_pt - m, options.page_height_pt - m)
    page.insert_htmlbox(rect, letter_html(report, today, options), css=LETTER_CSS, scale_low=0)
    doc.set_metadata({"title": f"Request for missing information, case {report.case_id or report.packet_id}",
                      "creator": "intakeiq"})
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def _checklist_text(checklist_id: str | None, version: str | None) -> str | None:
    """A built-in checklist's description (e.g. "Advanced imaging prior authorization ..."), else its id."""
    if not checklist_id:
        return None
    from pipeline.checklists import load_checklists

    builtin = load_checklists([]).get(checklist_id)
    if builtin is None or builtin.version != version:
        return checklist_id
    return builtin.description.split(" (")[0].rstrip(".")
