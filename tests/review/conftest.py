"""The reviewer app over a fresh database and reports folder, with an admin and a reviewer."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from review.app import create_app
from review.db import open_engine
from review.users import create_user
from tests.review.fixtures import build_world

ADMIN = ("ada", "correct horse battery")
REVIEWER = ("rita", "staple paper clip 42")
TEST_OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "review"


@pytest.fixture(autouse=True)
def light_argon2(monkeypatch):
    """Real argon2id, with small cost parameters so that sign-ins stay fast on a shared 2-core box
    (production keeps argon2-cffi's defaults; test_users checks them)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("review.users._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture()
def world(tmp_path: Path) -> dict:
    world = build_world(tmp_path)
    engine = open_engine(world["store"])
    create_user(engine, ADMIN[0], ADMIN[1], "admin")
    create_user(engine, REVIEWER[0], REVIEWER[1], "reviewer")
    return world


@pytest.fixture()
def app(world: dict):
    return create_app(world["store"], world["out"], secure_cookies=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def live_server(app):
    """The app served by uvicorn on 127.0.0.1 in a thread; stopped after the test."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def screenshots() -> Path:
    TEST_OUTPUT.mkdir(parents=True, exist_ok=True)
    return TEST_OUTPUT
