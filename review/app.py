"""The reviewer web UI: sign in, see packets most urgent first, check and correct a packet.

Server-rendered pages (Jinja2, no JavaScript). Every page, image and export needs a session;
every POST form carries the session's CSRF token and is refused from another origin; admin
pages need the admin role. ``create_app`` builds the app; ``run`` serves it (``intakeiq review``).
"""


import io
import logging
from collections import OrderedDict
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates

from pipeline.checklists import load_checklists
from pipeline.checklists.labels import DOC_LABELS, doc_label
from pipeline.errors import IntakeError
from pipeline.model import DOC_TYPES, FIELD_NAMES, Report
from review import corrections as corr
from review.auth import LOGIN_COOKIE, SESSION_COOKIE, Auth, LoginThrottle, SignedIn, csrf_ok
from review.db import aware, open_engine
from review.reports import Entry, ReportBook
from review.users import ROLES, authenticate, list_users, set_user, create_user

log = logging.getLogger("intakeiq.review")

TEMPLATES = Path(__file__).parent / "templates"
PAGE_DPI = 100
IMAGE_CACHE_SIZE = 64
STATUS_ORDER = {"incomplete": 0, "needs_review": 1, "failed": 2, "complete": 3}


class NotSignedIn(Exception):
    """Raised by the session dependency; pages redirect to sign-in, everything else gets 401."""


class Forbidden(Exception):
    pass


def create_app(store: str, reports: str | Path | None = None, secure_cookies: bool = True) -> FastAPI:
    engine = open_engine(store)
    auth = Auth(engine, secure_cookies=secure_cookies)
    book = ReportBook(engine, store, reports)
    throttle = LoginThrottle()
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["doc_label"] = doc_label
    templates.env.filters["value"] = _value_text
    templates.env.filters["change"] = _change_text
    templates.env.filters["when"] = lambda d: aware(d).strftime("%Y-%m-%d %H:%M UTC") if d else ""
    images: OrderedDict[tuple[str, int, int], bytes] = OrderedDict()

    app = FastAPI(title="intakeiq review", docs_url=None, redoc_url=None, openapi_url=None)

    # ------------------------------------------------------------------ plumbing

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        if request.method == "POST" and not _same_origin(request):
            return PlainTextResponse("cross-site request refused", status_code=403)
        response = await call_next(request)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
        return response

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn):
        if request.method == "GET" and "text/html" in request.headers.get("accept", "") \
                and not request.url.path.startswith("/export"):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        return PlainTextResponse("sign in first", status_code=401)

    @app.exception_handler(Forbidden)
    async def forbidden(_request: Request, exc: Forbidden):
        return PlainTextResponse(str(exc) or "not allowed", status_code=403)

    def current_user(request: Request) -> SignedIn:
        user = auth.signed_in(request.cookies.get(SESSION_COOKIE))
        if user is None:
            raise NotSignedIn()
        return user

    def admin_user(user: Annotated[SignedIn, Depends(current_user)]) -> SignedIn:
        if not user.is_admin:
            raise Forbidden("this page is for admins")
        return user

    User = Annotated[SignedIn, Depends(current_user)]
    Admin = Annotated[SignedIn, Depends(admin_user)]

    def check_csrf(user: SignedIn, token: str | None) -> None:
        if not csrf_ok(user, token):
            raise Forbidden("the form's security token is missing or stale; reload the page and try again")

    def page(request: Request, name: str, user: SignedIn | None, status_code: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"user": user, **context}, status_code=status_code)

    # ------------------------------------------------------------------ sign-in

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/"):
        cookie, token = auth.new_login_token()
        response = page(request, "login.html", None, login_token=token, next=_safe_next(next), error=None)
        _set_cookie(response, LOGIN_COOKIE, cookie, auth.secure_cookies, max_age=3600)
        return response

    @app.post("/login")
    def login(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
              login_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/"):
        if not auth.login_token_ok(request.cookies.get(LOGIN_COOKIE), login_token):
            return PlainTextResponse("the sign-in form expired or came from another site; reload it", status_code=403)
        blocked = throttle.blocked(username)
        user = None if blocked else authenticate(engine, username, password)
        if user is None:
            log.info("sign-in refused%s", " (throttled)" if blocked else "")
            if not blocked:
                throttle.failed(username)
            cookie, token = auth.new_login_token()
            error = "Too many failed sign-ins for this user; wait 15 minutes or ask an admin." if blocked \
                else "Wrong user name or password."
            response = page(request, "login.html", None, status_code=429 if blocked else 401, login_token=token,
                            next=_safe_next(next), error=error)
            _set_cookie(response, LOGIN_COOKIE, cookie, auth.secure_cookies, max_age=3600)
            return response
        throttle.succeeded(username)
        cookie, _csrf = auth.start_session(user)
        log.info("user id=%s signed in", user.id)
        response = RedirectResponse(_safe_next(next), status_code=303)
        _set_cookie(response, SESSION_COOKIE, cookie, auth.secure_cookies)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    @app.post("/logout")
    def logout(user: User, csrf_token: Annotated[str, Form()] = ""):
        check_csrf(user, csrf_token)
        auth.end_session(user.session_id)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # ------------------------------------------------------------------ packets

    @app.get("/", response_class=HTMLResponse)
    def packet_list(request: Request, user: User, status: str = "", review: str = "", q: str = "",
                    sort: str = "priority"):
        rows = [_row(e) for e in book.entries().values()]
        if status:
            rows = [r for r in rows if r["status"] == status]
        if review == "required":
            rows = [r for r in rows if r["review_required"]]
        elif review == "done":
            rows = [r for r in rows if r["reviewed_by"]]
        if q:
            rows = [r for r in rows if q.lower() in r["packet_id"].lower() or q.lower() in (r["checklist_id"] or "")]
        keys = {
            "priority": lambda r: (-r["priority"], not r["review_required"], STATUS_ORDER.get(r["status"], 9),
                                   r["packet_id"]),
            "packet": lambda r: r["packet_id"],
            "status": lambda r: (STATUS_ORDER.get(r["status"], 9), -r["priority"], r["packet_id"]),
        }
        rows.sort(key=keys.get(sort, keys["priority"]))
        return page(request, "list.html", user, rows=rows, status=status, review=review, q=q, sort=sort,
                    statuses=list(STATUS_ORDER))

    def packet_page(request: Request, user: SignedIn, entry: Entry, error: str | None = None,
                    status_code: int = 200) -> HTMLResponse:
        report = entry.report
        packet = book.packet_for(report)
        has_images = bool(packet.page_sources)
        return page(request, "packet.html", user, status_code=status_code, report=report, entry=entry,
                    pages=_page_views(report), has_images=has_images, error=error,
                    doc_types=[(t, DOC_LABELS.get(t, t)) for t in DOC_TYPES], field_names=FIELD_NAMES,
                    checklist_ids=load_checklists([]).ids(),
                    audit=corr.corrections(engine, report.packet_id)[::-1],
                    problem_boxes=_problem_boxes(report))

    @app.get("/packets/{packet_id}", response_class=HTMLResponse)
    def packet_view(request: Request, packet_id: str, user: User):
        entry = book.get(packet_id)
        if entry is None:
            return page(request, "missing.html", user, status_code=404, packet_id=packet_id)
        return packet_page(request, user, entry)

    @app.get("/packets/{packet_id}/pages/{number}.png")
    def page_image(packet_id: str, number: int, user: User):
        entry = book.get(packet_id)
        if entry is None:
            return PlainTextResponse("no such packet", status_code=404)
        packet = book.packet_for(entry.report)
        source = next((s for s in packet.page_sources if s.page == number), None)
        if source is None:
            return PlainTextResponse("no image for this page", status_code=404)
        key = (packet_id, number, PAGE_DPI)
        data = images.get(key)
        if data is None:
            data = _png(source)
            images[key] = data
            while len(images) > IMAGE_CACHE_SIZE:
                images.popitem(last=False)
        return Response(data, media_type="image/png", headers={"Cache-Control": "private, no-store"})

    @app.post("/packets/{packet_id}/corrections")
    async def correct(request: Request, packet_id: str, user: User):
        form = {k: str(v) for k, v in (await request.form()).items()}
        check_csrf(user, form.get("csrf_token"))
        try:
            revision = int(form.get("revision", "-1"))
            corr.apply(book, packet_id, revision, user.username, form.get("action", ""), form)
        except (IntakeError, ValueError) as exc:
            entry = book.get(packet_id)
            if entry is None:
                return PlainTextResponse("no such packet", status_code=404)
            message = exc.message if isinstance(exc, IntakeError) else "the form was incomplete; reload the page"
            code = 409 if isinstance(exc, IntakeError) and exc.code == "E_CONFLICT" else 400
            return packet_page(request, user, entry, error=message, status_code=code)
        log.info("user id=%s corrected packet %s (%s)", user.user_id, packet_id, form.get("action"))
        anchor = f"#doc-{form['doc_id']}" if form.get("doc_id") else "#checklist"
        return RedirectResponse(f"/packets/{quote(packet_id)}{anchor}", status_code=303)

    # ------------------------------------------------------------------ admin

    @app.get("/admin/users", response_class=HTMLResponse)
    def users_page(request: Request, user: Admin, error: str | None = None):
        return page(request, "users.html", user, users=list_users(engine), roles=ROLES, error=error)

    @app.post("/admin/users")
    def users_create(request: Request, user: Admin, csrf_token: Annotated[str, Form()] = "",
                     username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                     role: Annotated[str, Form()] = "reviewer"):
        check_csrf(user, csrf_token)
        try:
            create_user(engine, username, password, role)
        except IntakeError as exc:
            return page(request, "users.html", user, status_code=400, users=list_users(engine), roles=ROLES,
                        error=exc.message)
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/users/{user_id}")
    def users_update(request: Request, user_id: int, user: Admin, csrf_token: Annotated[str, Form()] = "",
                     role: Annotated[str, Form()] = "", active: Annotated[str, Form()] = "",
                     password: Annotated[str, Form()] = ""):
        check_csrf(user, csrf_token)
        if user_id == user.user_id and (active == "no" or (role and role != "admin")):
            return page(request, "users.html", user, status_code=400, users=list_users(engine), roles=ROLES,
                        error="You cannot remove your own admin role or deactivate yourself.")
        try:
            set_user(engine, user_id, role=role or None,
                     active=None if not active else active == "yes", password=password or None)
        except IntakeError as exc:
            return page(request, "users.html", user, status_code=400, users=list_users(engine), roles=ROLES,
                        error=exc.message)
        return RedirectResponse("/admin/users", status_code=303)

    @app.get("/export/corrections.jsonl")
    def export(user: Admin):
        log.info("user id=%s exported corrections", user.user_id)
        return StreamingResponse(corr.export_jsonl(engine), media_type="application/x-ndjson",
                                 headers={"Content-Disposition": 'attachment; filename="corrections.jsonl"'})

    return app


def run(store: str, reports: str | None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """``intakeiq review``. Cookies are Secure; browsers keep Secure cookies over plain HTTP only for
    localhost, so serve it behind TLS anywhere else (or set INTAKEIQ_INSECURE_COOKIES=1 for a trial)."""
    import os

    import uvicorn

    secure = os.environ.get("INTAKEIQ_INSECURE_COOKIES", "") != "1"
    app = create_app(store, reports, secure_cookies=secure)
    print(f"intakeiq review on http://{host}:{port}/ (store {_redact(store)}, reports {reports})")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)


# --------------------------------------------------------------------------- helpers


def _set_cookie(response: Response, name: str, value: str, secure: bool, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite="lax")


def _same_origin(request: Request) -> bool:
    """A POST must come from a page of this site: Origin (else Referer), when sent, names this host."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # old clients; the CSRF token still protects the form
    if origin == "null":
        return False
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _safe_next(target: str) -> str:
    """Only paths on this site: no scheme, no host, no '//' tricks."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(parts.password, "***")
    return url


def _value_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _change_text(payload: str) -> str:
    """An audit entry's before/after, as a person reads it: the value, the type, or the review state."""
    import json

    data = json.loads(payload)
    if data is None:
        return "(none)"
    if "value" in data and "confidence" in data and "bbox" in data:
        text = _value_text(data["value"])
        if not data.get("valid", True):
            text += " (not valid)"
        elif data.get("confidence", 0) >= 1.0:
            text += " ✔"
        return text if data.get("confidence", 0) >= 1.0 else f"{text} (conf. {data.get('confidence', 0):.2f})"
    if all(isinstance(v, dict) and "pages" in v for v in data.values()) and data:
        return "; ".join(f"{k}: pages {', '.join(map(str, v['pages']))}" for k, v in data.items())
    if "decided_by" in data:
        return f"{data.get('checklist') or 'no checklist'} (chosen: {data.get('decided_by') or '—'})"
    if "type" in data:
        return f"{doc_label(data['type'])} ({data.get('confidence', 0):.2f})"
    if "required" in data:
        return "review required" if data["required"] else "; ".join(data.get("reasons", [])) or "no review needed"
    return payload[:120]


def _row(entry: Entry) -> dict:
    report = entry.report
    checklist = report.checklist
    status = "failed" if report.status == "failed" else (checklist.status if checklist else "needs_review")
    return {
        "packet_id": report.packet_id, "status": status, "checklist_id": checklist.id if checklist else None,
        "missing": checklist.missing_documents if checklist else [],
        "problems": len(checklist.problems) if checklist else 0,
        "priority": report.priority.score, "priority_reasons": report.priority.reasons,
        "review_required": report.review.required, "review_reasons": report.review.reasons,
        "reviewed_by": entry.reviewed_by, "pages": report.page_count, "documents": len(report.documents),
        "error": report.error.code if report.error else None,
    }


def _page_views(report: Report) -> list[dict]:
    """Per page: its size in points, the document it belongs to, and the field boxes on it."""
    views = []
    summaries = {p.page: p for p in report.pages}
    numbers = sorted(set(summaries) | {n for d in report.documents for n in d.pages}) or \
        list(range(1, report.page_count + 1))
    for number in numbers:
        summary = summaries.get(number)
        doc = next((d for d in report.documents if number in d.pages), None)
        boxes = []
        for d in report.documents:
            for name, item in d.fields.items():
                x0, y0, x1, y1 = item.bbox
                if item.page == number and x1 > x0 and y1 > y0:
                    boxes.append({"doc_id": d.doc_id, "field": name, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0,
                                  "valid": item.valid, "confirmed": item.confidence >= 1.0})
        views.append({"page": number, "width": (summary.width if summary and summary.width else 612.0),
                      "height": (summary.height if summary and summary.height else 792.0),
                      "summary": summary, "doc": doc, "boxes": boxes})
    return views


def _problem_boxes(report: Report) -> set[tuple[str, str]]:
    """(doc_id, field) pairs a checklist problem points at, drawn in red."""
    checklist = report.checklist
    if checklist is None:
        return set()
    return {(p.doc_id, p.field) for p in checklist.problems if p.doc_id and p.field}


def _png(source) -> bytes:
    from PIL import Image

    from pipeline.render import render_page

    image = Image.fromarray(render_page(source, dpi=PAGE_DPI))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
