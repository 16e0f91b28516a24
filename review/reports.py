"""Where the reviewer UI finds reports and saves corrected ones.

Reading, newest wins: a report corrected by people (``review_reports``), else the results store
(``pipeline.store``), else ``REPORTS/<packet_id>/report.json``. Saving writes the corrected report
to ``review_reports``, refreshes the store's row for that packet, and rewrites report.json /
report.html (and missing_request.pdf) in the reports folder when there is one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from pipeline.errors import IntakeError
from pipeline.model import Manifest, Packet, Report
from review.db import CorrectedReport, Correction, aware, now

log = logging.getLogger("intakeiq.review.reports")

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,254}$")


@dataclass
class Entry:
    """A report as the UI shows it, with its revision (bumped by each saved correction)."""

    report: Report
    revision: int = 0
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None


class ReportBook:
    def __init__(self, engine: Engine, store_url: str, reports_dir: str | Path | None):
        self.engine = engine
        self.store_url = store_url
        self.reports_dir = Path(reports_dir) if reports_dir else None
        self._packets: dict[tuple[str, float], Packet | None] = {}

    # ------------------------------------------------------------------ reading

    def entries(self) -> dict[str, Entry]:
        found: dict[str, Entry] = {}
        for report in self._folder_reports():
            found[report.packet_id] = Entry(report)
        for report in self._store_reports():
            found[report.packet_id] = Entry(report)
        with self.engine.connect() as conn:
            for row in conn.execute(select(CorrectedReport)):
                try:
                    report = Report.model_validate_json(row.report_json)
                except ValidationError:
                    log.warning("corrected report for %s does not parse; ignored", row.packet_id)
                    continue
                base = found.get(row.packet_id)
                if base is not None and base.report.source.sha256 != report.source.sha256:
                    continue  # a newer version of the packet arrived since; the corrections were for the old one
                found[row.packet_id] = Entry(report, row.revision, row.reviewed_by, row.reviewed_at)
        return found

    def get(self, packet_id: str) -> Entry | None:
        """One packet's entry, by the same precedence as ``entries`` without reading every report."""
        from pipeline.store import PacketRecord

        base: Report | None = None
        with self.engine.connect() as conn:
            rows = conn.execute(select(PacketRecord.report_json, PacketRecord.completed_at, PacketRecord.updated_at)
                                .where(PacketRecord.packet_id == packet_id, PacketRecord.state == "done",
                                       PacketRecord.report_json.is_not(None))).all()
            corrected = conn.execute(select(CorrectedReport).where(CorrectedReport.packet_id == packet_id)).first()
        if rows:
            newest = max(rows, key=lambda r: aware(r.completed_at or r.updated_at))
            try:
                base = Report.model_validate_json(newest.report_json)
            except ValidationError:
                log.warning("stored report for %s does not parse", packet_id)
        if base is None and self.reports_dir is not None and SAFE_ID.match(packet_id):
            path = self.reports_dir / packet_id / "report.json"
            if path.is_file():
                try:
                    base = Report.model_validate_json(path.read_bytes())
                except (OSError, ValidationError):
                    log.warning("skipping unreadable report %s", packet_id)
        if corrected is not None:
            try:
                report = Report.model_validate_json(corrected.report_json)
            except ValidationError:
                report = None
            if report is not None and (base is None or base.source.sha256 == report.source.sha256):
                return Entry(report, corrected.revision, corrected.reviewed_by, corrected.reviewed_at)
        return Entry(base) if base is not None else None

    def _store_reports(self) -> list[Report]:
        from pipeline.store import open_store

        try:
            return open_store(self.store_url).reports()
        except ValidationError as exc:
            log.warning("results store holds a report that does not parse (%d errors)", exc.error_count())
            return []

    def _folder_reports(self) -> list[Report]:
        if self.reports_dir is None or not self.reports_dir.is_dir():
            return []
        reports = []
        for path in sorted(self.reports_dir.glob("*/report.json")):
            try:
                reports.append(Report.model_validate_json(path.read_bytes()))
            except (OSError, ValidationError):
                log.warning("skipping unreadable report %s", path.parent.name)
        return reports

    # ------------------------------------------------------------------ the packet behind a report

    def packet_for(self, report: Report) -> Packet:
        """The packet as loaded from its source when that is still reachable and unchanged (page images,
        manifest); else one rebuilt from what the report says, without page sources."""
        loaded = self._load_source(report)
        return loaded if loaded is not None else rebuilt_packet(report)

    def _load_source(self, report: Report) -> Packet | None:
        from pipeline.load import load_packet

        uri = report.source.uri or ""
        if "://" in uri and not uri.startswith("file://"):
            return None  # object storage: not fetched by the UI
        path = Path(uri.removeprefix("file://"))
        try:
            if not path.exists():
                return None
            key = (str(path), path.stat().st_mtime)
        except OSError:
            return None
        if key not in self._packets:
            packet = load_packet(path, uri=uri)
            ok = packet.error is None and (report.source.sha256 is None or packet.sha256 == report.source.sha256)
            if not ok:
                log.info("source of %s changed or failed to load; no page images", report.packet_id)
            self._packets[key] = packet if ok else None
        return self._packets[key]

    # ------------------------------------------------------------------ saving

    def save(self, report: Report, expected_revision: int, packet: Packet, reviewed_by: str | None = None,
             reviewed_at: datetime | None = None, audit: dict | None = None) -> int:
        """Store the corrected report and its audit row (``review_corrections`` values) in one transaction;
        raises IntakeError("E_CONFLICT") when someone saved first."""
        payload = report.model_dump_json()
        with self.engine.begin() as conn:
            row = conn.execute(select(CorrectedReport.revision, CorrectedReport.reviewed_by, CorrectedReport.reviewed_at,
                                      CorrectedReport.report_json)
                               .where(CorrectedReport.packet_id == report.packet_id)).first()
            # corrections of an older version of the packet do not carry over to a newer one
            stale = row is not None and Report.model_validate_json(row.report_json).source.sha256 != report.source.sha256
            kept = row if row is not None and not stale else None
            current = kept.revision if kept else 0
            if current != expected_revision:
                raise IntakeError("E_CONFLICT", f"packet {report.packet_id} was changed by someone else while you "
                                  "looked at it; reload the page and make your change again")
            values = dict(report_json=payload, revision=current + 1, updated_at=now(),
                          reviewed_by=reviewed_by or (kept.reviewed_by if kept else None),
                          reviewed_at=reviewed_at if reviewed_by else (kept.reviewed_at if kept else None))
            if row is None:
                conn.execute(CorrectedReport.__table__.insert().values(packet_id=report.packet_id, **values))
            elif conn.execute(update(CorrectedReport).where(CorrectedReport.packet_id == report.packet_id,
                                                            CorrectedReport.revision == row.revision)
                              .values(**values)).rowcount != 1:
                raise IntakeError("E_CONFLICT", f"packet {report.packet_id} was changed by someone else while you "
                                  "looked at it; reload the page and make your change again")
            if audit is not None:
                conn.execute(Correction.__table__.insert().values(**audit))
        self._update_store_row(report)
        self._write_files(report, packet)
        return current + 1

    def _update_store_row(self, report: Report) -> None:
        from pipeline.store import PacketRecord, open_store

        checklist = report.checklist
        store = open_store(self.store_url)
        with store.engine.begin() as conn:
            conn.execute(update(PacketRecord)
                         .where(PacketRecord.packet_id == report.packet_id, PacketRecord.state == "done",
                                PacketRecord.sha256 == report.source.sha256)
                         .values(report_json=report.model_dump_json(),
                                 checklist_status=checklist.status if checklist else None,
                                 priority_score=report.priority.score, review_required=report.review.required,
                                 updated_at=datetime.now(timezone.utc)))

    def _write_files(self, report: Report, packet: Packet) -> None:
        if self.reports_dir is None or not self.reports_dir.is_dir() or not SAFE_ID.match(report.packet_id):
            return
        from pipeline.outputs import render_outputs
        from pipeline.process import ProcessResult

        folder = (self.reports_dir / report.packet_id).resolve()
        if folder.parent != self.reports_dir.resolve():
            return
        outputs = render_outputs(ProcessResult(report=report, packet=packet))
        folder.mkdir(exist_ok=True)
        for name, data in outputs.items():
            tmp = folder / f".{name}.tmp"
            tmp.write_bytes(data)
            tmp.replace(folder / name)
        stale = folder / "missing_request.pdf"
        if "missing_request.pdf" not in outputs and stale.exists():
            stale.unlink()


def rebuilt_packet(report: Report) -> Packet:
    """A packet without pages, carrying what the checklist needs: the workflow the manifest or caller
    named and the received date, as recorded in the report."""
    checklist = report.checklist
    manifest = Manifest(case_id=report.case_id)
    received = None
    if checklist is not None:
        if checklist.decided_by == "manifest":
            manifest.workflow = checklist.id
        if checklist.reference_date and (checklist.reference_date_source or "").startswith("manifest service_date"):
            manifest.service_date = checklist.reference_date
        elif checklist.reference_date and not (checklist.reference_date_source or "").startswith("service_date"):
            ref = checklist.reference_date
            received = datetime(ref.year, ref.month, ref.day, 12, tzinfo=timezone.utc)
    return Packet(packet_id=report.packet_id, uri=report.source.uri, manifest=manifest, received_at=received)


def caller_workflow(report: Report) -> str | None:
    """The --workflow the run was given, when the report says the caller chose the checklist."""
    checklist = report.checklist
    return checklist.id if checklist is not None and checklist.decided_by == "caller" else None
