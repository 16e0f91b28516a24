"""Small builders for Documents, Fields and Packets, so checklist cases read like the rules."""

from __future__ import annotations

from datetime import date, datetime, timezone

from pipeline.model import Document, Field, Manifest, Packet

PATIENT = {"patient_name": "Maria Lopez", "patient_dob": "1961-03-14"}
OTHER_PATIENT = {"patient_name": "Robert Chen", "patient_dob": "1950-07-02"}


def field(value, page: int = 1, bbox=(72.0, 100.0, 220.0, 114.0), valid: bool = True,
          reason: str | None = None, confidence: float = 0.95, text: str | None = None) -> Field:
    return Field(value=value, confidence=confidence, page=page, bbox=bbox,
                 text=text if text is not None else str(value), valid=valid, reason=reason)


class Docs:
    """Builds a packet's documents in page order with ids PKT-d1, PKT-d2..."""

    def __init__(self, packet_id: str = "PKT"):
        self.packet_id = packet_id
        self.docs: list[Document] = []
        self.next_page = 1

    def add(self, doc_type: str, pages: int = 1, confidence: float = 0.97, **fields) -> Document:
        page_numbers = list(range(self.next_page, self.next_page + pages))
        self.next_page += pages
        built = {}
        for name, value in fields.items():
            built[name] = value if isinstance(value, Field) else field(value, page=page_numbers[0])
        doc = Document(doc_id=f"{self.packet_id}-d{len(self.docs) + 1}", type=doc_type,
                       confidence=confidence, pages=page_numbers, fields=built)
        self.docs.append(doc)
        return doc


def packet(packet_id: str = "PKT", workflow: str | None = None, service_date: date | None = None,
           received: date = date(2026, 3, 1), case_id: str | None = None) -> Packet:
    return Packet(packet_id=packet_id, uri=f"file:///tmp/{packet_id}",
                  manifest=Manifest(workflow=workflow, service_date=service_date, case_id=case_id),
                  received_at=datetime(received.year, received.month, received.day, 9, 30, tzinfo=timezone.utc))


def imaging_docs(**overrides) -> Docs:
    """A complete advanced-imaging packet: cover sheet, signed request, fresh clinical note."""
    d = Docs()
    d.add("fax_cover_sheet", fax_from="5551234567", fax_to="5559876543", page_count=4)
    request = {**PATIENT, "member_id": "XJH123456789", "ordering_provider_name": "Anita Rao",
               "ordering_provider_npi": "1234567893", "cpt_codes": ["70551"], "icd10_codes": ["G43.909"],
               "service_date": "2026-03-10", "signature_present": True, **overrides.get("request", {})}
    d.add(overrides.get("request_type", "prior_auth_request"), pages=2,
          **{k: v for k, v in request.items() if v is not None})
    d.add("clinical_note", **PATIENT, document_date=overrides.get("note_date", "2026-02-01"),
          ordering_provider_name="Anita Rao")
    return d
