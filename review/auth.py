"""Sign-in sessions and CSRF protection.

The session cookie holds a random session id signed with itsdangerous (secret from
``INTAKEIQ_SECRET_KEY``, else generated once and kept in the database). The session row holds
the user and a per-session CSRF token that every POST form must echo. Cookies are HttpOnly,
SameSite=Lax and Secure (``secure_cookies=False`` only for plain-HTTP development and tests).
The sign-in form itself is protected by a signed double-submit token, since no session exists yet.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from review.db import Session, Setting, User, aware, now
from review.users import get_user

SECRET_ENV = "INTAKEIQ_SECRET_KEY"
SESSION_COOKIE = "intakeiq_session"
LOGIN_COOKIE = "intakeiq_login"
SESSION_HOURS = 12


@dataclass(frozen=True)
class SignedIn:
    """The person behind a request."""

    user_id: int
    username: str
    role: str
    session_id: str
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def secret_key(engine: Engine) -> str:
    """$INTAKEIQ_SECRET_KEY, else the one stored in the database (made on first use)."""
    env = os.environ.get(SECRET_ENV)
    if env:
        return env
    with engine.connect() as conn:
        stored = conn.execute(select(Setting.value).where(Setting.key == "secret_key")).scalar()
    if stored:
        return stored
    try:
        with engine.begin() as conn:
            conn.execute(Setting.__table__.insert().values(key="secret_key", value=secrets.token_urlsafe(48)))
    except IntegrityError:
        pass  # another process made it first
    with engine.connect() as conn:
        return conn.execute(select(Setting.value).where(Setting.key == "secret_key")).scalar_one()


class Auth:
    """Sessions and tokens over one database."""

    def __init__(self, engine: Engine, secure_cookies: bool = True):
        self.engine = engine
        self.secure_cookies = secure_cookies
        key = secret_key(engine)
        self.sessions = URLSafeTimedSerializer(key, salt="intakeiq.session")
        self.login_tokens = URLSafeTimedSerializer(key, salt="intakeiq.login")

    # ------------------------------------------------------------------ sessions

    def start_session(self, user: User) -> tuple[str, str]:
        """(cookie value, csrf token) for a new session of ``user``."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(delete(Session).where(Session.expires_at < now()))
            conn.execute(Session.__table__.insert().values(
                id=session_id, user_id=user.id, csrf_token=csrf, created_at=now(),
                expires_at=now() + timedelta(hours=SESSION_HOURS)))
        return self.sessions.dumps(session_id), csrf

    def signed_in(self, cookie: str | None) -> SignedIn | None:
        """The user of a valid, unexpired session cookie of an active account, else None."""
        if not cookie:
            return None
        try:
            session_id = self.sessions.loads(cookie, max_age=SESSION_HOURS * 3600)
        except (BadSignature, SignatureExpired):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(Session).where(Session.id == session_id)).first()
        if row is None or aware(row.expires_at) < now():
            return None
        user = get_user(self.engine, row.user_id)
        if user is None or not user.active:
            return None
        return SignedIn(user_id=user.id, username=user.username, role=user.role, session_id=row.id,
                        csrf_token=row.csrf_token)

    def end_session(self, session_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(Session).where(Session.id == session_id))

    # ------------------------------------------------------------------ sign-in form token

    def new_login_token(self) -> tuple[str, str]:
        """(cookie value, form value): the form must echo the random value the cookie signs."""
        value = secrets.token_urlsafe(24)
        return self.login_tokens.dumps(value), value

    def login_token_ok(self, cookie: str | None, form_value: str) -> bool:
        if not cookie or not form_value:
            return False
        try:
            value = self.login_tokens.loads(cookie, max_age=3600)
        except (BadSignature, SignatureExpired):
            return False
        return hmac.compare_digest(str(value), form_value)


class LoginThrottle:
    """At most ``limit`` failed sign-ins per user name within ``window`` seconds (in this process)."""

    def __init__(self, limit: int = 5, window: float = 900.0):
        self.limit, self.window = limit, window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, username: str) -> bool:
        with self._lock:
            recent = [t for t in self._failures.get(username.lower(), []) if t > time.time() - self.window]
            self._failures[username.lower()] = recent
            return len(recent) >= self.limit

    def failed(self, username: str) -> None:
        with self._lock:
            self._failures.setdefault(username.lower(), []).append(time.time())

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username.lower(), None)


def csrf_ok(user: SignedIn, form_value: str | None) -> bool:
    return bool(form_value) and hmac.compare_digest(user.csrf_token, str(form_value))
