"""Priority scores and review flags read from a report."""

from datetime import date

from pipeline.identity import identity_problems
from pipeline.checklists import check_packet, load_checklists
from pipeline.model import Failure, PageSummary, Problem, Report, ReportSource
from pipeline.triage import priority, review_flags
from tests.checklists.builders import Docs, PATIENT, field, imaging_docs, packet

TODAY = date(2026, 3, 1)


def report_for(docs: Docs, pk=None, identity=None, workflow=None) -> Report:
    pk = pk or packet()
    identity = identity_problems(docs.docs) if identity is None else identity
    result = check_packet(load_checklists([]), pk, docs.docs, identity, workflow)
    return Report(packet_id="PKT", status="processed", source=ReportSource(uri=pk.uri), page_count=4,
                  pages=[PageSummary(page=n, method="ocr", ocr_confidence=0.9) for n in range(1, 5)],
                  documents=docs.docs, checklist=result)


def test_complete_packet_far_from_service_date_scores_low():
    rep = report_for(imaging_docs(request={"service_date": "2026-06-01"}, note_date="2026-04-15"))
    result = priority(rep, None, today=TODAY)
    assert result.score == 0 and result.reasons == []


def test_near_service_date_and_gaps_raise_priority():
    near = report_for(imaging_docs(request={"service_date": "2026-03-03"}))  # 2 days away
    gaps = report_for(imaging_docs(request={"service_date": "2026-03-03", "signature_present": False},
                                   note_date="2025-10-01"))
    near_score = priority(near, None, today=TODAY)
    gaps_score = priority(gaps, None, today=TODAY)
    assert near_score.score == 40 and "in 2 days" in near_score.reasons[0]
    assert gaps_score.score > near_score.score
    assert any("missing document" in r for r in gaps_score.reasons)


def test_appeal_deadline_close_to_sixty_days():
    d = Docs()
    d.add("payer_determination", **PATIENT, member_id="M1", determination="denied", auth_number="A1",
          document_date="2026-01-05")  # 60-day deadline 2026-03-06, 5 days after TODAY
    d.add("medical_necessity_letter", **PATIENT)
    d.add("clinical_note", **PATIENT)
    result = priority(report_for(d), None, today=TODAY)
    assert any("appeal deadline 2026-03-06 (5 days left" in r for r in result.reasons)
    assert result.score >= 40


def test_failed_report_is_prioritised_and_flagged():
    rep = Report(packet_id="X", status="failed", source=ReportSource(uri="file:///x"),
                 error=Failure(code="E_ENCRYPTED", message="x.pdf is encrypted"))
    assert priority(rep, None, today=TODAY).score > 0
    review = review_flags(rep)
    assert review.required and "E_ENCRYPTED" in review.reasons[0]


def test_clean_report_needs_no_review():
    review = review_flags(report_for(imaging_docs()))
    assert not review.required and review.reasons == []


def test_review_flags_low_confidence_invalid_fields_identity_failed_pages_unknown_workflow():
    docs = imaging_docs(request={"ordering_provider_npi": field("1234567890", page=2, valid=False,
                                                                 reason="check digit")})
    docs.docs[1].confidence = 0.41
    docs.docs[2].fields["document_date"] = field("2026-02-01", page=4, confidence=0.3)
    rep = report_for(docs, identity=[Problem(requirement="identity", reason="DOB differs", pages=[2, 4])])
    rep.pages[2].error = Failure(code="E_OCR", message="tesseract failed")
    rep.pages[3].ocr_confidence = 0.27
    reasons = " | ".join(review_flags(rep).reasons)
    assert "low confidence (0.41)" in reasons
    assert "ordering_provider_npi on page 2 is not valid: check digit" in reasons
    assert "document_date on page 4 read with low confidence" in reasons
    assert "identity mismatch: DOB differs" in reasons
    assert "page 3 could not be read (E_OCR)" in reasons
    assert "page 4 was read with low OCR confidence (0.27): check its type and fields by eye" in reasons
    assert "page 1" not in reasons and "page 2 was" not in reasons  # 0.9: read well
    unknown = review_flags(report_for(imaging_docs(), workflow="nope"))
    assert unknown.required and "Unknown workflow 'nope'" in unknown.reasons[0]


def test_review_flag_when_a_rule_fails_on_a_field_that_was_not_read():
    docs = imaging_docs()
    del docs.docs[2].fields["document_date"]  # the note is there, its date was not read
    reasons = review_flags(report_for(docs)).reasons
    assert reasons == ["document_date could not be read on page 4, so a checklist rule failed: check the page by eye"]
