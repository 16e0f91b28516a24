"""The results store: one row per packet identity, with a claim/complete protocol.

SQLite by default (a file beside the reports), PostgreSQL by URL
(``postgresql+psycopg://user@host:port/db``). The reviewer UI reads reports from here.

Why a claim: a retried task, a re-run flow or two flows polling the same inbox must never
process one packet twice. ``claim`` inserts the row under a unique constraint on the packet's
identity (its URI plus content tag); whoever inserts it owns it. A claim carries a lease: a
worker that dies leaves a claim that expires, and the next ``claim`` takes it over with a
compare-and-set on the previous token, so exactly one taker wins. ``complete`` is fenced by the
token: a worker whose lease was taken over cannot overwrite the new owner's result.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import Field as PydField
from sqlalchemy import (Boolean, DateTime, Float, Integer, String, Text, UniqueConstraint, create_engine, event,
                        select, update)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pipeline.model import Model, Report

log = logging.getLogger("intakeiq.store")


class Base(DeclarativeBase):
    pass


class PacketRecord(Base):
    """One packet identity and what became of it. ``report_json`` is the full report."""

    __tablename__ = "packet_results"
    __table_args__ = (UniqueConstraint("identity", name="uq_packet_results_identity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    identity: Mapped[str] = mapped_column(String(1024), nullable=False)
    source_uri: Mapped[str] = mapped_column(String(1024), nullable=False)
    content_tag: Mapped[str] = mapped_column(String(128), nullable=False)
    packet_id: Mapped[str] = mapped_column(String(255), nullable=False, index=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False)  # claimed | done
    token: Mapped[str] = mapped_column(String(64), nullable=False)
    run_id: Mapped[str] = mapped_column(String(64), nullable=False)
    lease_expires: Mapped[float] = mapped_column(Float, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    last_error: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(16))  # processed | failed
    checklist_id: Mapped[str | None] = mapped_column(String(64))
    checklist_status: Mapped[str | None] = mapped_column(String(16))
    priority_score: Mapped[int | None] = mapped_column(Integer)
    review_required: Mapped[bool | None] = mapped_column(Boolean)
    report_uri: Mapped[str | None] = mapped_column(String(1024))
    sink_uri: Mapped[str | None] = mapped_column(String(1024), index=True)
    archived_to: Mapped[str | None] = mapped_column(String(1024))
    report_json: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Claim(Model):
    """The right to process one packet until ``expires`` (epoch seconds)."""

    identity: str
    packet_id: str
    token: str
    run_id: str
    attempt: int = PydField(description="1 for the first try; more when earlier claims expired")
    expires: float


class Skip(Model):
    """Why a packet was not claimed."""

    identity: str
    reason: Literal["done", "busy"]
    report_json: str | None = None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def default_store_url(out: str | Path) -> str:
    """SQLite beside the reports for a local output; a per-user file for an object-store output."""
    text = str(out)
    if text.startswith("s3://"):
        path = Path.home() / ".local" / "state" / "intakeiq" / "results.db"
    else:
        path = Path(text.removeprefix("file://")).resolve() / "results.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class ResultsStore:
    """Claims, completions and stored reports over one SQLAlchemy engine (thread-safe)."""

    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite"):
            self.engine = create_engine(url, connect_args={"timeout": 60})
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        try:
            Base.metadata.create_all(self.engine)
        except (IntegrityError, OperationalError, ProgrammingError):
            Base.metadata.create_all(self.engine)  # another process created it at the same moment

    def dispose(self) -> None:
        self.engine.dispose()

    # ----------------------------------------------------------------- claim protocol

    def claim(self, identity: str, source_uri: str, content_tag: str, packet_id: str, run_id: str,
              lease_seconds: float, redo: bool = False) -> Claim | Skip:
        """Take the packet, or say why not: done before (unless ``redo`` and another run did it),
        or claimed by someone whose lease has not run out."""
        token, now = uuid.uuid4().hex, time.time()
        expires = now + lease_seconds
        try:
            with self.engine.begin() as conn:
                conn.execute(PacketRecord.__table__.insert().values(
                    identity=identity, source_uri=source_uri, content_tag=content_tag, packet_id=packet_id,
                    state="claimed", token=token, run_id=run_id, lease_expires=expires, attempts=1,
                    created_at=_now(), updated_at=_now()))
            return Claim(identity=identity, packet_id=packet_id, token=token, run_id=run_id, attempt=1,
                         expires=expires)
        except IntegrityError:
            pass
        with self.engine.begin() as conn:
            row = conn.execute(select(PacketRecord.token, PacketRecord.state, PacketRecord.lease_expires,
                                      PacketRecord.attempts, PacketRecord.run_id, PacketRecord.report_json)
                               .where(PacketRecord.identity == identity)).one()
            if row.state == "done" and not (redo and row.run_id != run_id):
                return Skip(identity=identity, reason="done", report_json=row.report_json)
            if row.state == "claimed" and row.run_id == run_id:  # this run asks again (a retried task)
                return Claim(identity=identity, packet_id=packet_id, token=row.token, run_id=run_id,
                             attempt=row.attempts, expires=row.lease_expires)
            if row.state == "claimed" and row.lease_expires > now:
                return Skip(identity=identity, reason="busy")
            taken = conn.execute(
                update(PacketRecord)
                .where(PacketRecord.identity == identity, PacketRecord.token == row.token)
                .values(state="claimed", token=token, run_id=run_id, lease_expires=expires,
                        attempts=PacketRecord.attempts + 1, packet_id=packet_id, updated_at=_now())).rowcount
        if taken != 1:
            return Skip(identity=identity, reason="busy")
        if row.state == "claimed":
            log.warning("packet %s: took over an expired claim (attempt %d)", packet_id, row.attempts + 1)
        return Claim(identity=identity, packet_id=packet_id, token=token, run_id=run_id,
                     attempt=row.attempts + 1, expires=expires)

    def renew(self, claim: Claim, lease_seconds: float) -> bool:
        """Extend a live claim; False when it was taken over (stop working on it)."""
        expires = time.time() + lease_seconds
        with self.engine.begin() as conn:
            ok = conn.execute(update(PacketRecord)
                              .where(PacketRecord.identity == claim.identity, PacketRecord.token == claim.token,
                                     PacketRecord.state == "claimed")
                              .values(lease_expires=expires, updated_at=_now())).rowcount == 1
        if ok:
            claim.expires = expires
        return ok

    def complete(self, claim: Claim, report: Report, report_uri: str | None, sink_uri: str | None) -> bool:
        """Record the written report. False when the claim was lost (another worker owns it now)."""
        checklist = report.checklist
        with self.engine.begin() as conn:
            done = conn.execute(
                update(PacketRecord)
                .where(PacketRecord.identity == claim.identity, PacketRecord.token == claim.token,
                       PacketRecord.state == "claimed")
                .values(state="done", status=report.status, sha256=report.source.sha256,
                        checklist_id=checklist.id if checklist else None,
                        checklist_status=checklist.status if checklist else None,
                        priority_score=report.priority.score, review_required=report.review.required,
                        report_uri=report_uri, sink_uri=sink_uri, report_json=report.model_dump_json(),
                        last_error=report.error.code if report.error else None,
                        completed_at=_now(), updated_at=_now())).rowcount == 1
        if not done:  # a retried complete whose first try committed is still a success
            record = self.record(claim.identity)
            done = record is not None and record.state == "done" and record.token == claim.token
        if not done:
            log.warning("packet %s: claim lost before completion; the new owner's result stands", claim.packet_id)
        return done

    def release(self, claim: Claim, error_code: str) -> None:
        """Give a claim back after an infrastructure error so the next run retries it now."""
        with self.engine.begin() as conn:
            conn.execute(update(PacketRecord)
                         .where(PacketRecord.identity == claim.identity, PacketRecord.token == claim.token,
                                PacketRecord.state == "claimed")
                         .values(lease_expires=0.0, last_error=error_code[:255], updated_at=_now()))

    def release_run(self, identity: str, run_id: str, error_code: str) -> None:
        """``release`` for a claim this run holds but whose token was lost with a failed task."""
        with self.engine.begin() as conn:
            conn.execute(update(PacketRecord)
                         .where(PacketRecord.identity == identity, PacketRecord.run_id == run_id,
                                PacketRecord.state == "claimed")
                         .values(lease_expires=0.0, last_error=error_code[:255], updated_at=_now()))

    def mark_archived(self, identity: str, archived_to: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(PacketRecord).where(PacketRecord.identity == identity)
                         .values(archived_to=archived_to, updated_at=_now()))

    # ----------------------------------------------------------------- reading

    def record(self, identity: str) -> PacketRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(PacketRecord).where(PacketRecord.identity == identity)).first()
        return PacketRecord(**row._mapping) if row else None

    def records(self, sink_uri: str | None = None) -> list[PacketRecord]:
        query = select(PacketRecord).order_by(PacketRecord.packet_id, PacketRecord.id)
        if sink_uri is not None:
            query = query.where(PacketRecord.sink_uri == sink_uri)
        with self.engine.connect() as conn:
            return [PacketRecord(**row._mapping) for row in conn.execute(query)]

    def reports(self, sink_uri: str | None = None) -> list[Report]:
        """Completed reports, newest per packet id (a corrected resend replaces the older one)."""
        latest: dict[str, PacketRecord] = {}
        for rec in self.records(sink_uri):
            if rec.state == "done" and rec.report_json:
                old = latest.get(rec.packet_id)
                if old is None or (rec.completed_at or rec.updated_at) >= (old.completed_at or old.updated_at):
                    latest[rec.packet_id] = rec
        return [Report.model_validate_json(rec.report_json) for _, rec in sorted(latest.items())]


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()


_STORES: dict[str, ResultsStore] = {}
_STORES_LOCK = threading.Lock()


def open_store(url: str) -> ResultsStore:
    """One store (engine) per URL per process."""
    with _STORES_LOCK:
        store = _STORES.get(url)
        if store is None:
            store = _STORES[url] = ResultsStore(url)
    return store
