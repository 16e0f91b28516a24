"""Reviewer and admin accounts: argon2 password hashes, creation from the CLI and the admin page."""

from __future__ import annotations

import getpass
import logging
import os
import re
import sys

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from pipeline.errors import IntakeError
from review.db import Session, User, now, open_engine

log = logging.getLogger("intakeiq.review.users")

ROLES = ("reviewer", "admin")
MIN_PASSWORD_LENGTH = 12
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PASSWORD_ENV = "INTAKEIQ_PASSWORD"

_hasher = PasswordHasher()  # argon2id with the library's recommended (RFC 9106 low-memory) parameters
_dummy_hashes: dict[int, str] = {}


def _dummy_hash() -> str:
    """Verified against when the user does not exist, so a wrong name costs as long as a wrong password."""
    key = id(_hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash("intakeiq-no-such-user")
    return _dummy_hashes[key]


def validate_new_user(username: str, password: str, role: str) -> None:
    if not USERNAME_RE.match(username):
        raise IntakeError("E_USERNAME", f"username {username!r} is not allowed: use 2-64 lower-case letters, "
                          "digits, '.', '_' or '-', starting with a letter or digit")
    if role not in ROLES:
        raise IntakeError("E_ROLE", f"role {role!r} is unknown; use one of: {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise IntakeError("E_PASSWORD", f"the password has {len(password)} characters; use at least "
                          f"{MIN_PASSWORD_LENGTH}")


def create_user(engine: Engine, username: str, password: str, role: str) -> User:
    """A new active user; raises IntakeError for a bad name, role, short password or a taken name."""
    username = username.strip().lower()
    validate_new_user(username, password, role)
    user = User(username=username, password_hash=_hasher.hash(password), role=role, active=True, created_at=now())
    try:
        with engine.begin() as conn:
            user.id = conn.execute(User.__table__.insert().values(
                username=user.username, password_hash=user.password_hash, role=role, active=True,
                created_at=user.created_at)).inserted_primary_key[0]
    except IntegrityError:
        raise IntakeError("E_USER_EXISTS", f"user {username!r} already exists; pick another name") from None
    log.info("created user id=%s role=%s", user.id, role)
    return user


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (same work either way)."""
    user = get_user_by_name(engine, username.strip().lower())
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        with engine.begin() as conn:
            conn.execute(update(User).where(User.id == user.id).values(password_hash=_hasher.hash(password)))
    return user


def get_user(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(User).where(User.id == user_id)).first()
    return User(**row._mapping) if row else None


def get_user_by_name(engine: Engine, username: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(User).where(User.username == username)).first()
    return User(**row._mapping) if row else None


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        return [User(**row._mapping) for row in conn.execute(select(User).order_by(User.username))]


def set_user(engine: Engine, user_id: int, role: str | None = None, active: bool | None = None,
             password: str | None = None) -> None:
    """Change a user's role, active flag or password; a deactivated user loses every session."""
    values: dict[str, object] = {}
    if role is not None:
        if role not in ROLES:
            raise IntakeError("E_ROLE", f"role {role!r} is unknown; use one of: {', '.join(ROLES)}")
        values["role"] = role
    if active is not None:
        values["active"] = active
    if password is not None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise IntakeError("E_PASSWORD", f"the password has {len(password)} characters; use at least "
                              f"{MIN_PASSWORD_LENGTH}")
        values["password_hash"] = _hasher.hash(password)
    if not values:
        return
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user_id).values(**values))
        if active is False or password is not None:
            conn.execute(delete(Session).where(Session.user_id == user_id))


def create_user_cli(store: str, username: str, role: str) -> int:
    """``intakeiq create-user``: the password from $INTAKEIQ_PASSWORD, else asked twice."""
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise IntakeError("E_PASSWORD", f"no terminal to ask for a password; set {PASSWORD_ENV}")
        password = getpass.getpass(f"Password for {username}: ")
        if getpass.getpass("Repeat it: ") != password:
            raise IntakeError("E_PASSWORD", "the two passwords differ; run the command again")
    user = create_user(open_engine(store), username, password, role)
    print(f"created {user.role} {user.username!r}")
    return 0
