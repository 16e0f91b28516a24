"""The reviewer UI's own tables, kept in the results store's database (same URL, own metadata).

Users, sessions, corrections (the audit trail), the corrected report per packet, and settings
(the cookie-signing secret when none is given by ``INTAKEIQ_SECRET_KEY``).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "review_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)  # reviewer | admin
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Session(Base):
    """A signed-in browser. The cookie carries the signed id; the CSRF token lives here."""

    __tablename__ = "review_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Correction(Base):
    """One change a person made: who, when, what, the value before and after (JSON)."""

    __tablename__ = "review_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    packet_id: Mapped[str] = mapped_column(String(255), nullable=False, index=True)
    doc_id: Mapped[str | None] = mapped_column(String(255))
    field: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), nullable=False)  # set_type | set_field | confirm_field | mark_reviewed
    before_json: Mapped[str] = mapped_column(Text, nullable=False)
    after_json: Mapped[str] = mapped_column(Text, nullable=False)
    checklist_before: Mapped[str | None] = mapped_column(String(16))
    checklist_after: Mapped[str | None] = mapped_column(String(16))
    packet_sha256: Mapped[str | None] = mapped_column(String(64), doc="The packet version the correction was made on")
    username: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class CorrectedReport(Base):
    """The report as corrected by people; it takes precedence over the machine's report."""

    __tablename__ = "review_reports"

    packet_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    report_json: Mapped[str] = mapped_column(Text, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Setting(Base):
    __tablename__ = "review_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


def now() -> datetime:
    return datetime.now(timezone.utc)


def aware(value: datetime) -> datetime:
    """SQLite hands datetimes back without a zone; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def open_engine(url: str) -> Engine:
    """The results store's engine for ``url`` (one per process), with the review tables created."""
    from pipeline.store import open_store

    engine = open_store(url).engine
    Base.metadata.create_all(engine)
    return engine
